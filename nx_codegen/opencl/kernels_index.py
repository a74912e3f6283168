"""Dedicated OpenCL kernels of the indexing and joining ops: ``concatenate``,
``pad``, ``slice`` with start indices read at run time, ``put_slice``,
``gather``, ``indexed_add`` and ``indexed_put``, with the semantics of their C
counterparts (:mod:`nx_codegen.c.kernels_index`, whose docstring states the
rules; ``iota`` and ``eye`` live in :mod:`nx_codegen.opencl.kernels_misc`):

* ``concatenate``, ``pad``, ``slice``, ``put_slice`` and ``gather`` run one
  work-item per output element, which finds its source element (or the pad
  value); elements of the output type are copied bit for bit (NaN payloads and
  signed zeros kept), operands of another type are converted as
  :func:`spec.values.cast` does;
* start indices are clamped into ``[0, dim - length]``; index rows are
  bounds-checked on the host before any launch (the C kernels' checks, which
  raise the spec's ``ArgumentError``) and clamped in the kernels too, so that a
  kernel run without its check never leaves its buffers;
* ``indexed_add`` / ``indexed_put`` run in up to three launches: the target is
  copied into the output (for float sums into a ``double`` scratch buffer),
  then one work-item per element of the update window walks the index rows in
  order and folds its update into the position the row addresses. Two
  work-items never share a position (their coordinates along the non-indexed
  axes differ), so each position sees its updates in index order, as in the
  reference: the last ``indexed_put`` write wins, integer sums wrap, and f32,
  f16, bf16 and f8 sums accumulate in ``double`` and are rounded once into the
  output type by the last launch (f64 sums add in ``double`` directly).

The real byte-aligned types are supported (f32, f64, the 8 to 64-bit integers,
f16, bf16, f8, f8_e4m3fn); complex and packed 2/4-bit tensors stay on the host
fallback.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x, i, u: (nx.indexed_add(x, i, u), nx.pad(x, -0.0, [(1, 0, 1)])),
...            compiler=nx_codegen.OpenCL(device="pocl:0"))
>>> added, padded = f(nx.tensor([1.0, 2.0]), nx.tensor([[1], [1]]), nx.tensor([0.5, 0.25]))
>>> added.to_list(), padded.to_list()
([1.0, 2.75], [-0.0, 1.0, -0.0, 2.0])
"""

from __future__ import annotations

import math

from nx_ref.reference.storage import strides as _strides
from nx_codegen.c import kernels_index as _ix
from nx_codegen.c import render as _c
from nx_codegen.opencl import externs

__all__ = ["render_concatenate", "render_pad", "render_slice", "render_put_slice",
           "render_gather", "render_indexed", "OPS"]


# -- building blocks -------------------------------------------------------------------

def _t(spec) -> str:
    return str(spec.type)


def _per_element(name, node, body, size, scratch=()):
    """The ``__kernel`` ``name``: one work-item per ``i`` in ``[0, size)`` running ``body``."""
    lines = [f"__kernel void {name}({externs.params(node, scratch)}) {{",
             "  const int64_t i = get_global_id(0);",
             f"  if (i < {size}) {{", *("    " + b for b in body), "  }", "}"]
    return "\n".join(lines)


def _one(name, node, body, size):
    """The :class:`~nx_codegen.opencl.externs.Kernels` of one per-element launch."""
    return externs.Kernels(_per_element(name, node, body, size),
                           (externs.Launch(name, (size,)),))


def _coords(shape, flat="i", prefix="c"):
    """Declarations of ``c<k>``, the coordinates of row-major position ``flat``."""
    if not math.prod(shape):      # no work-item: no coordinate is ever used
        return [f"const int64_t {prefix}{k} = 0;" for k in range(len(shape))]
    st = _strides(tuple(shape))
    lines = []
    for k, (d, s) in enumerate(zip(shape, st)):
        value = flat if s == 1 else f"{flat} / {s}"
        lines.append(f"const int64_t {prefix}{k} = {value if k == 0 else f'({value}) % {d}'};")
    return lines


def _starts(node, first, lengths):
    """Declarations of the clamped start indices ``s<k>``, read from ``in<first + k>``."""
    x = node.args[0].out
    lines = []
    for k, (s, dim, n) in enumerate(zip(node.args[1], x.shape, lengths)):
        t = _t(s.out)
        lines += _ix._clamp(f"s{k}", _ix._load(f"in{first + k}", t, "0"), t, dim - n)
    return lines


# -- joining and padding ---------------------------------------------------------------

def render_concatenate(name, node, types_of=None):
    """``concatenate``: output element ``i`` copies from the operand whose chunk
    of its row (over the axes from ``axis`` on) holds it.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x, y: nx.concatenate([x, y], axis=1),
    ...           [nx.template((2, 1), "s8"), nx.template((2, 2), "f32")])
    >>> print("\\n".join(render_concatenate("x0", g.outputs[0]).source.splitlines()[3:6]))
        const int64_t o = i / 3, r = i % 3;
        if (r < 1) out0[i] = (float)in0[o * 1 + r - 0];
        else out0[i] = in1[o * 2 + r - 1];
    """
    out, ot, axis = node.out, _t(node.out), node.opts["axis"]
    width = math.prod(out.shape[axis:])
    parts, offset = [], 0
    for k, x in enumerate(node.args[0]):
        chunk = math.prod(x.out.shape[axis:])
        if chunk:
            parts.append((k, x, chunk, offset))
        offset += chunk
    body = [f"const int64_t o = i / {max(width, 1)}, r = i % {max(width, 1)};"]
    for j, (k, x, chunk, start) in enumerate(parts):
        copy = _ix._copy("out0", ot, "i", f"in{k}", _t(x.out), f"o * {chunk} + r - {start}")
        if j == len(parts) - 1:
            body.append(("else " if j else "") + copy)
        else:
            body.append(f"{'else ' if j else ''}if (r < {start + chunk}) {copy}")
    return _one(name, node, body if parts else [], out.size)


def render_pad(name, node, types_of=None):
    """``pad``: output element ``i`` is the input element it is the padded
    position of (``low + position * (interior + 1)`` along each axis), else the
    pad value; negative ``low``/``high`` cut, as in the reference.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x, p: nx.pad(x, p, [(-1, 0, 1)]),
    ...           [nx.template((3,), "f32"), nx.template((), "f32")])
    >>> print("\\n".join(render_pad("x0", g.outputs[0]).source.splitlines()[3:7]))
        const int64_t c0 = i;
        const int64_t p0 = c0 - (-1);
        if (p0 >= 0 && p0 % 2 == 0 && p0 / 2 < 3) out0[i] = in0[(p0 / 2)];
        else out0[i] = in1[0];
    """
    x, pv = node.args[0].out, node.args[1].out
    out, ot = node.out, _t(node.out)
    fill = _ix._copy("out0", ot, "i", "in1", _t(pv), "0")
    if not x.size:
        return _one(name, node, [fill], out.size)
    body, kept, src = _coords(out.shape), [], []
    for k, (dim, (low, _, interior)) in enumerate(zip(x.shape, node.opts["padding_config"])):
        step = interior + 1
        body.append(f"const int64_t p{k} = c{k} - ({low});")
        kept += [f"p{k} >= 0"] + ([f"p{k} % {step} == 0"] if step > 1 else [])
        position = f"p{k} / {step}" if step > 1 else f"p{k}"
        kept.append(f"{position} < {dim}")
        src.append(f"({position})")
    copy = _ix._copy("out0", ot, "i", "in0", _t(x), _ix._linear(src, _strides(tuple(x.shape))))
    if not kept:
        return _one(name, node, [copy], out.size)
    body += [f"if ({' && '.join(kept)}) {copy}", f"else {fill}"]
    return _one(name, node, body, out.size)


# -- slicing ---------------------------------------------------------------------------

def render_slice(name, node, types_of=None):
    """``slice`` with run-time start indices: each work-item clamps the starts,
    then copies the element at ``start + position * stride`` along each axis.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x, i: nx.slice(x, [i], [2]),
    ...           [nx.template((5,), "f32"), nx.template((), "s32")])
    >>> print("\\n".join(render_slice("x0", g.outputs[0]).source.splitlines()[3:7]))
        int64_t s0 = (int64_t)in1[0];
        s0 = s0 < 0 ? 0 : s0 > 3 ? 3 : s0;
        const int64_t c0 = i;
        out0[i] = in0[(s0 + c0)];
    """
    x, out = node.args[0].out, node.out
    steps = node.opts["strides"]
    body = _starts(node, 1, node.opts["lengths"]) + _coords(out.shape)
    src = [f"(s{k} + c{k} * {st})" if st != 1 else f"(s{k} + c{k})" for k, st in enumerate(steps)]
    body.append(f"out0[i] = in0[{_ix._linear(src, _strides(tuple(x.shape)))}];")
    return _one(name, node, body, out.size)


def render_put_slice(name, node, types_of=None):
    """``put_slice``: output element ``i`` copies from the update when it lies
    inside the slice placed at the clamped starts, else from the tensor.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x, i, u: nx.put_slice(x, [i], u),
    ...           [nx.template((4,), "s32"), nx.template((), "s32"), nx.template((2,), "s32")])
    >>> print("\\n".join(render_put_slice("x0", g.outputs[0]).source.splitlines()[5:8]))
        const int64_t c0 = i;
        if (s0 <= c0 && c0 < s0 + 2) out0[i] = in2[(c0 - s0)];
        else out0[i] = in0[i];
    """
    x, upd = node.args[0].out, node.args[2].out
    ot, first = _t(node.out), 1 + x.rank
    keep = _ix._copy("out0", ot, "i", "in0", _t(x), "i")
    if not upd.size:
        return _one(name, node, [keep], x.size)
    body = _starts(node, 1, upd.shape) + _coords(x.shape)
    inside = [f"s{k} <= c{k} && c{k} < s{k} + {n}" for k, n in enumerate(upd.shape)]
    src = _ix._linear([f"(c{k} - s{k})" for k in range(x.rank)], _strides(tuple(upd.shape)))
    put = _ix._copy("out0", ot, "i", f"in{first}", _t(upd), src)
    if not inside:
        return _one(name, node, body + [put], x.size)
    body += [f"if ({' && '.join(inside)}) {put}", f"else {keep}"]
    return _one(name, node, body, x.size)


# -- gather and scatter ----------------------------------------------------------------

def _row_base(shape, axes, it, depth):
    """Lines declaring ``base``, the flat offset index row ``r`` (of ``in1``)
    addresses, each index clamped into its axis."""
    st = _strides(tuple(shape))
    lines = ["int64_t base = 0;"]
    for j, a in enumerate(axes):
        value = _ix._load("in1", it, f"r * {depth} + {j}")
        lines += ["{", *("  " + c for c in _ix._clamp("v", value, it, shape[a] - 1)),
                  f"  base += v * {st[a]};", "}"]
    return lines


def _window_offset(shape, axes, window, prefix="w"):
    """The offset, in ``shape``'s layout, of the window element with coordinates
    ``<prefix><k>`` (over the axes not in ``axes``, in order)."""
    others = [a for a in range(len(shape)) if a not in axes][:len(window)]
    st = _strides(tuple(shape))
    return _ix._linear([f"{prefix}{k}" for k in range(len(window))], [st[a] for a in others])


def render_gather(name, node, types_of=None):
    """``gather``: output element ``i`` is element ``i % width`` of the window
    (the axes not indexed) at the position index row ``i / width`` addresses.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x, i: nx.gather(x, i, axes=[1]),
    ...           [nx.template((2, 3), "f32"), nx.template((4, 1), "s32")])
    >>> print("\\n".join(render_gather("x0", g.outputs[0]).source.splitlines()[3:12]))
        const int64_t r = i / 2, q = i % 2;
        const int64_t w0 = q;
        int64_t base = 0;
        {
          int64_t v = (int64_t)in1[r * 1 + 0];
          v = v < 0 ? 0 : v > 2 ? 2 : v;
          base += v * 1;
        }
        out0[i] = in0[base + w0 * 3];
    """
    x, idx = node.args[0].out, node.args[1].out
    axes = node.opts["axes"]
    window = [d for a, d in enumerate(x.shape) if a not in axes]
    width, depth = math.prod(window), idx.shape[-1]
    if not x.size:      # no row can be in range: the check raises before any launch
        return _one(name, node, [], 0)
    body = [f"const int64_t r = i / {max(width, 1)}, q = i % {max(width, 1)};"]
    body += _coords(window, "q", "w") + _row_base(x.shape, axes, _t(idx), depth)
    body.append(f"out0[i] = in0[base + {_window_offset(x.shape, axes, window)}];")
    return _one(name, node, body, node.out.size)


def _sums_in_double(node):
    """Whether ``indexed_add`` accumulates in a ``double`` scratch buffer (its
    output type rounds: f32, f16, bf16, f8, f8_e4m3fn)."""
    return node.op == "indexed_add" and _ix._accumulates_in_double(_t(node.out))


def _fold(node, into, value):
    """The statement folding the update ``value`` (of the output's compute type)
    into element ``p`` of ``into`` (the output, or the scratch sums ``s0``)."""
    ot = _t(node.out)
    if node.op == "indexed_put":
        return _ix._store(into, ot, "p", value)
    if into == "s0":
        return f"s0[p] += (double){value};"
    if ot in ("f32", "f64"):
        return f"out0[p] = out0[p] + {value};"
    arith = "uint64_t" if _ix._bits(ot) == 64 else "uint32_t"     # wraps, no UB
    return f"out0[p] = ({_c.CTYPES[ot]})(({arith})out0[p] + ({arith}){value});"


def _scatter_body(node, into):
    """One work-item per window element ``q``: the index rows, in order."""
    target, idx, upd = (a.out for a in node.args)
    axes, ut, ot = node.opts["axes"], _t(upd), _t(node.out)
    window = tuple(upd.shape[1:]) if idx.rank == 2 else ()
    rows, depth, width = math.prod(idx.shape[:-1]), idx.shape[-1], math.prod(window)
    value = _ix._conv(_ix._load("in2", ut, f"r * {width} + q"), ut, ot)
    if node.op == "indexed_put" and ut == ot and into == "out0":
        update = f"out0[p] = in2[r * {width} + q];"      # bit for bit
    else:
        update = _fold(node, into, value)
    body = ["const int64_t q = i;"] + _coords(window, "q", "w")
    body.append(f"const int64_t off = {_window_offset(target.shape, axes, window)};")
    body.append(f"for (int64_t r = 0; r < {rows}; r++) {{")
    body += ["  " + line for line in _row_base(target.shape, axes, _t(idx), depth)]
    body += ["  const int64_t p = base + off;", f"  {update}", "}"]
    return body, width, rows


def render_indexed(name, node, types_of=None):
    """``indexed_add`` / ``indexed_put``: copy the target (``name``), fold the
    updates in index order (``name_rows``, one work-item per window element),
    then round float sums once (``name_round``); see the module docstring.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x, i, u: nx.indexed_add(x, i, u),
    ...           [nx.template((3, 2), "f32"), nx.template((4, 1), "s32"),
    ...            nx.template((4, 2), "f32")])
    >>> k = render_indexed("x0", g.outputs[0])
    >>> [(x.kernel, x.global_size) for x in k.launches], k.scratch
    ([('x0', (6,)), ('x0_rows', (2,)), ('x0_round', (6,))], (('double', 6),))
    >>> print("\\n".join(k.source.splitlines()[12:22]))
        for (int64_t r = 0; r < 4; r++) {
          int64_t base = 0;
          {
            int64_t v = (int64_t)in1[r * 1 + 0];
            v = v < 0 ? 0 : v > 2 ? 2 : v;
            base += v * 2;
          }
          const int64_t p = base + off;
          s0[p] += (double)in2[r * 2 + q];
        }
    """
    target = node.args[0].out
    ot, tt, n = _t(node.out), _t(target), target.size
    in_double = _sums_in_double(node)
    scratch = (("double", max(n, 1)),) if in_double else ()
    into = "s0" if in_double else "out0"
    if in_double:
        start = [f"s0[i] = (double){_ix._conv(_ix._load('in0', tt, 'i'), tt, ot)};"]
    else:
        start = [_ix._copy("out0", ot, "i", "in0", tt, "i")]
    body, width, rows = _scatter_body(node, into)
    sources = [_per_element(name, node, start, n, scratch),
               _per_element(f"{name}_rows", node, body, width, scratch)]
    launches = [externs.Launch(name, (n,)),
                externs.Launch(f"{name}_rows", (width if n and rows else 0,))]
    if in_double:
        final = "(float)s0[i]" if ot == "f32" else f"nx_cast_f64_{ot}(s0[i])"
        sources.append(_per_element(f"{name}_round", node, [_ix._store("out0", ot, "i", final)],
                                    n, scratch))
        launches.append(externs.Launch(f"{name}_round", (n,)))
    return externs.Kernels("\n".join(sources), tuple(launches), scratch)


# -- registration ----------------------------------------------------------------------

OPS = {
    "concatenate": (_ix._real_types, render_concatenate, None),
    "pad": (_ix._real_types, render_pad, None),
    "slice": (_ix._dynamic_slice, render_slice, None),
    "put_slice": (_ix._real_types, render_put_slice, None),
    "gather": (_ix._real_types, render_gather, _ix.check_gather),
    "indexed_add": (_ix._real_types, render_indexed, _ix.check_indexed),
    "indexed_put": (_ix._real_types, render_indexed, _ix.check_indexed),
}

for _op, (_supports, _render, _check) in OPS.items():
    externs.register(_op, _supports, _render, check=_check)
