"""Dedicated C kernels of ``stack`` and ``bitcast``.

* ``stack`` joins tensors of one shape along a new axis: per block of the axes
  before it, each operand's whole chunk in turn, which is the layout of
  ``concatenate`` along that axis (:func:`~nx_codegen.c.kernels_index.
  render_concatenate` renders both); operands of another type are converted
  into the merged output type as :func:`spec.values.cast` does.
* ``bitcast`` reinterprets each element's bits as another type of the same
  width: the reference copies the bytes (``Buffer.from_bytes`` of the input's
  bytes), and so does the kernel, NaN payloads and signed zeros included.

The real types the renderer computes are supported (:data:`~nx_codegen.c.
kernels_index.REAL`: f32, f64, the 8 to 64-bit integers, f16, bf16, f8,
f8_e4m3fn); complex tensors (which ``bitcast`` refuses anyway) and the packed
2/4-bit types stay on the host fallback.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x: (nx.stack([x, -x], axis=1), nx.bitcast(x, "s32")), compiler=nx_codegen.C)
>>> stacked, bits = f(nx.tensor([1.0, -0.0]))
>>> stacked.to_list(), bits.to_list()
([[1.0, -1.0], [-0.0, 0.0]], [1065353216, -2147483648])
"""

from __future__ import annotations

from nx_codegen.c import externs, render
# kernels_index through its module: externs imports this module while kernels_index loads
from nx_codegen.c import kernels_index as _ix

__all__ = ["supports", "render_stack", "render_bitcast", "OPS"]


def supports(node) -> bool:
    """Whether every tensor the node reads or writes has a type the renderer
    computes (:data:`~nx_codegen.c.kernels_index.REAL`).

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x: (nx.bitcast(x, "u8"), nx.stack([x, x])), [nx.template((2,), "s8")])
    >>> [supports(n) for n in g.outputs]
    [True, True]
    >>> g = trace(lambda x: nx.bitcast(x, "u4"), [nx.template((2,), "s4")])
    >>> supports(g.outputs[0])
    False
    """
    if isinstance(node.out, tuple):
        return False
    used = {str(node.out.type)} | {str(x.out.type) for x in node.inputs()}
    return used <= _ix.REAL


def render_stack(name, node, types_of=None) -> str:
    """``stack``: the operands' chunks interleaved as by ``concatenate`` along
    the new axis (its chunks are the operands' trailing axes from ``axis`` on)."""
    return _ix.render_concatenate(name, node, types_of)


def render_bitcast(name, node, types_of=None) -> str:
    """``bitcast``: a copy of the input's bytes.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x: nx.bitcast(x, "s16"), [nx.template((3,), "bf16")])
    >>> print(render_bitcast("x0", g.outputs[0]))
    #include <string.h>
    void x0(void *const *b) {
      const uint16_t *restrict x = b[0];
      int16_t *restrict y = b[1];
      memcpy(y, x, sizeof(uint16_t) * 3);
    }
    """
    x, out = node.args[0].out, node.out
    tx, to = str(x.type), str(out.type)
    body = [f"  memcpy(y, x, sizeof({render.storage_type(tx)}) * {out.size});"] if out.size else []
    return "#include <string.h>\n" + _ix._function(
        name, [_ix._decl(0, "x", tx), _ix._decl(1, "y", to, const=False)], body)


OPS = {"stack": (supports, render_stack), "bitcast": (supports, render_bitcast)}

for _op, (_supports, _render) in OPS.items():
    externs.register(_op, _supports, _render)
