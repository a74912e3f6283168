"""Dedicated OpenCL kernels of ``bitcast``, ``stack``, ``iota`` and ``eye``: one
work-item per output element, with the semantics of their C counterparts
(:mod:`nx_codegen.c.kernels_misc`, :mod:`nx_codegen.c.kernels_index`):

* ``bitcast`` copies each element's bits (NaN payloads and signed zeros kept);
* ``stack`` gathers each output element from its operand, converting operands
  of another type as :func:`spec.values.cast` does (the prelude's casts);
* ``iota`` stores the element's index along ``axis`` (its flat index without
  one), ``eye`` stores 1 where the last two indices are equal, converted into
  the output type as an int64 would be.

The real byte-aligned types are supported (f32, f64, the 8 to 64-bit
integers, f16, bf16, f8, f8_e4m3fn); complex and packed 2/4-bit tensors stay on
the host fallback.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x: (nx.stack([x, -x], axis=1), nx.bitcast(x, "s32")),
...            compiler=nx_codegen.OpenCL(device="pocl:0"))
>>> stacked, bits = f(nx.tensor([1.0, -0.0]))
>>> stacked.to_list(), bits.to_list()
([[1.0, -1.0], [-0.0, 0.0]], [1065353216, -2147483648])
"""

from __future__ import annotations

import math

from nx_ref.reference.storage import strides as _strides
from nx_codegen.c import kernels_index as _ix
from nx_codegen.c import render as _c
from nx_codegen.opencl import externs

__all__ = ["supports", "render_bitcast", "render_stack", "render_iota", "render_eye", "OPS"]


def supports(node) -> bool:
    """Whether every tensor ``node`` reads or writes has a real byte-aligned type.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x: (nx.bitcast(x, "u8"), nx.stack([x, x])), [nx.template((2,), "s8")])
    >>> [supports(n) for n in g.outputs]
    [True, True]
    """
    if isinstance(node.out, tuple):
        return False
    used = {str(node.out.type)} | {str(x.out.type) for x in node.inputs()}
    return used <= _ix.REAL


def _kernel(name, node, body, size):
    """One work-item per output element ``i``: ``body`` lines store ``out0``'s element."""
    lines = [f"__kernel void {name}({externs.params(node)}) {{",
             "  const int64_t i = get_global_id(0);",
             f"  if (i < {size}) {{", *("    " + b for b in body), "  }", "}"]
    return externs.Kernels("\n".join(lines), (externs.Launch(name, (size,)),))


def render_bitcast(name, node, types_of=None):
    """``bitcast``: each element's storage bits, reinterpreted.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x: nx.bitcast(x, "s16"), [nx.template((3,), "bf16")])
    >>> print(render_bitcast("x0", g.outputs[0]).source)
    __kernel void x0(__global const uint16_t *restrict in0, __global int16_t *restrict out0) {
      const int64_t i = get_global_id(0);
      if (i < 3) {
        out0[i] = ((__global const int16_t *)in0)[i];
      }
    }
    """
    to = _c.storage_type(str(node.out.type))
    return _kernel(name, node, [f"out0[i] = ((__global const {to} *)in0)[i];"], node.out.size)


def render_stack(name, node, types_of=None):
    """``stack``: output element ``i`` of operand ``k`` along the new axis."""
    operands = node.args[0]
    axis = node.opts["axis"]
    shape = tuple(node.out.shape)
    inner = math.prod(shape[axis + 1:])
    n = len(operands)
    to = str(node.out.type)
    body = [f"const int64_t q = i / {inner}, r = i % {inner};",
            f"const int64_t k = q % {n}, src = (q / {n}) * {inner} + r;"]
    for k, x in enumerate(operands):
        t = str(x.out.type)
        body.append(f"{'if' if k == 0 else 'else if'} (k == {k}) "
                    + _ix._store("out0", to, "i", _ix._conv(_ix._load(f"in{k}", t, "src"), t, to)))
    return _kernel(name, node, body, node.out.size)


def _int64_store(to):
    """Store the int64 ``v`` into ``out0[i]`` as a cast from s64 would."""
    return _ix._store("out0", to, "i", _ix._from_int64("v", to))


def render_iota(name, node, types_of=None):
    """``iota``: the index along ``axis`` (the flat index when ``axis`` is None)."""
    shape, axis = tuple(node.out.shape), node.opts.get("axis")
    if axis is None:
        index = "i"
    else:
        index = f"(i / {_strides(shape)[axis]}) % {shape[axis]}"
    return _kernel(name, node, [f"const int64_t v = {index};", _int64_store(str(node.out.type))],
                   node.out.size)


def render_eye(name, node, types_of=None):
    """``eye``: 1 where the last two indices agree, else 0."""
    shape = tuple(node.out.shape)
    rows, cols = shape[-2], shape[-1]
    body = [f"const int64_t c = i % {cols}, r = (i / {cols}) % {rows};",
            "const int64_t v = r == c;", _int64_store(str(node.out.type))]
    return _kernel(name, node, body, node.out.size)


OPS = {"bitcast": render_bitcast, "stack": render_stack, "iota": render_iota, "eye": render_eye}

for _op, _render in OPS.items():
    externs.register(_op, supports, _render)
