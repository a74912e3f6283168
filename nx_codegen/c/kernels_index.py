"""Dedicated C kernels of the indexing and joining ops: ``concatenate``, ``pad``,
``slice`` with start indices known only at run time, ``put_slice``, ``gather``,
``indexed_add``, ``indexed_put``, and the creation ops ``iota`` and ``eye``.
(``take`` and ``take_along_axis`` are composites over ``gather``; ``reverse``,
``transpose`` and constant ``slice`` are fused by the lowering as index
arithmetic.)

Each kernel keeps the reference backend's semantics (:mod:`nx_ref.reference`):

* start indices are clamped into ``[0, dim - length]``
  (:func:`nx_ref.reference.shape.clamped_starts`);
* index rows are bounds-checked *before* the kernel runs, by a ``check`` on the
  host that raises the spec's ``ArgumentError``
  (:func:`spec.ops.indexing.check_indices`); the kernels clamp indices as
  well, so that a kernel called without its check never reads or writes
  outside its buffers;
* ``indexed_put`` writes the rows in index order (the last write wins);
  ``indexed_add`` adds them in index order, floats in ``double`` and rounded
  once into the output type, as the reference adds Python floats;
* operands of another type are converted as :func:`spec.values.cast` does
  (the prelude's ``nx_cast_<a>_<b>`` and the renderer's casts).

The real types the renderer computes are supported (:data:`REAL`: f32, f64, the 8 to
64-bit integers, f16, bf16, f8, f8_e4m3fn); complex and packed 2/4-bit tensors stay
on the host fallback.

>>> import nx_ref as nx
>>> from nx_ref.defn.expr import trace
>>> from nx_codegen.c.compiler import CTarget
>>> from nx_codegen.lower import lower
>>> g = trace(lambda x, i: nx.slice(x, [i], [2]),
...           [nx.template((5,), "f32"), nx.template((), "s32")])
>>> [type(s).__name__ for s in lower(g, CTarget()).steps]
['Extern']
>>> g = trace(lambda: nx.iota((3,), type="u8"), [])
>>> print(render_iota("x0", g.nodes[-1], {}))
void x0(void *const *b) {
  uint8_t *restrict y = b[0];
  for (int64_t i = 0; i < 3; i++) {
    const int64_t v = i;
    y[i] = (uint8_t)v;
  }
}
"""

from __future__ import annotations

import math

from nx_ref.reference.storage import strides as _strides
from spec.ops.indexing import check_indices
from nx_codegen.c import externs, render

__all__ = ["render_concatenate", "render_pad", "render_slice", "render_put_slice",
           "render_gather", "render_indexed", "render_iota", "render_eye",
           "check_gather", "check_indexed", "OPS", "REAL"]

_SMALL = render.SMALL
# the real types the renderer computes, byte-aligned ones (complex and the packed
# 2/4-bit integers stay on the host fallback)
REAL = frozenset(t for t in render.COMPUTE if t not in ("c64", "c128") + render.PACKED)


# -- C building blocks ----------------------------------------------------------------

def _t(spec) -> str:
    return str(spec.type)



def _storage(t):
    return render.storage_type(t)


def _decl(i, name, t, const=True):
    return f"  {'const ' if const else ''}{_storage(t)} *restrict {name} = b[{i}];"


def _load(buf, t, off):
    return f"nx_load_{t}({buf}, {off})" if t in _SMALL else f"{buf}[{off}]"


def _store(buf, t, off, value):
    return f"nx_store_{t}({buf}, {off}, {value});" if t in _SMALL else f"{buf}[{off}] = {value};"


def _conv(value, src, dst):
    """A compute value of ``src`` converted into one of ``dst`` (spec.values.cast)."""
    if src == dst:
        return value
    if src in _SMALL or dst in _SMALL:
        return f"nx_cast_{src}_{dst}({value})"
    return render._cast(value, src, dst)


def _copy(dst, dt, doff, src, st, soff):
    """Copy one element, converting it when the types differ (bit-exact otherwise)."""
    if dt == st:
        return f"{dst}[{doff}] = {src}[{soff}];"
    return _store(dst, dt, doff, _conv(_load(src, st, soff), st, dt))


def _nest(bounds, body, indent="  "):
    """Nested loops ``for (i<k> = lo; i<k> < hi; ...)`` around the ``body`` lines."""
    lines = []
    for k, (lo, hi) in enumerate(bounds):
        lines.append(f"{indent}{'  ' * k}for (int64_t i{k} = {lo}; i{k} < {hi}; i{k}++) {{")
    inner = indent + "  " * len(bounds)
    lines += [inner + line for line in body]
    lines += [f"{indent}{'  ' * k}}}" for k in reversed(range(len(bounds)))]
    return lines


def _linear(vars_, strides):
    terms = [v if s == 1 else f"{v} * {s}" for v, s in zip(vars_, strides)]
    return " + ".join(terms) if terms else "0"


def _as_int64(value, t):
    """An integer compute value as int64_t (u64 values past INT64_MAX saturate:
    every index they could address is clamped the same way)."""
    if t == "u64":
        return f"({value} > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t){value})"
    return f"(int64_t){value}"


def _clamp(var, value, t, hi):
    """Declare ``var`` = the integer ``value`` clamped into ``[0, hi]``."""
    return [f"int64_t {var} = {_as_int64(value, t)};",
            f"{var} = {var} < 0 ? 0 : {var} > {max(hi, 0)} ? {max(hi, 0)} : {var};"]


def _each(n, statement):
    """A loop running ``statement`` for ``i`` in ``[0, n)``."""
    return f"  for (int64_t i = 0; i < {n}; i++) {statement}"


def _function(name, decls, body):
    return "\n".join([f"void {name}(void *const *b) {{"] + decls + body + ["}"])


# -- creation -------------------------------------------------------------------------

def _from_int64(value, t):
    """The int64 ``value`` as a compute value of ``t`` (values below 2**53)."""
    if t in _SMALL:
        return f"nx_cast_f64_{t}((double){value})"
    return f"({render.COMPUTE[t]}){value}"


def render_iota(name, node, types_of):
    """``iota``: the row-major position, or the index along ``axis``."""
    out, t = node.out, _t(node.out)
    axis = node.opts.get("axis")
    value = "i" if axis is None else \
        f"(i / {_strides(out.shape)[axis]}) % {out.shape[axis]}"
    body = [f"  for (int64_t i = 0; i < {out.size}; i++) {{",
            f"    const int64_t v = {value};",
            f"    {_store('y', t, 'i', _from_int64('v', t))}",
            "  }"]
    return _function(name, [_decl(0, "y", t, const=False)], body)


def render_eye(name, node, types_of):
    """``eye``: ones where the last two indices are equal, over any batch axes."""
    out, t = node.out, _t(node.out)
    rows, cols = out.shape[-2], out.shape[-1]
    body = [f"  for (int64_t i = 0; i < {out.size}; i++) {{",
            f"    const int64_t v = ((i / {cols}) % {rows}) == (i % {cols});",
            f"    {_store('y', t, 'i', _from_int64('v', t))}",
            "  }"]
    return _function(name, [_decl(0, "y", t, const=False)], body)


# -- joining and padding ----------------------------------------------------------------

def render_concatenate(name, node, types_of):
    """``concatenate``: per block of the axes before ``axis``, each operand's chunk."""
    out, ot = node.out, _t(node.out)
    axis = node.opts["axis"]
    tensors = node.args[0]
    outer = math.prod(out.shape[:axis])
    decls = [_decl(k, f"x{k}", _t(x.out)) for k, x in enumerate(tensors)]
    decls.append(_decl(len(tensors), "y", ot, const=False))
    body, offset = [], 0
    width = math.prod(out.shape[axis:])
    for k, x in enumerate(tensors):
        chunk = math.prod(x.out.shape[axis:])
        if chunk and outer:
            copy = _copy("y", ot, f"o * {width} + {offset} + i",
                         f"x{k}", _t(x.out), f"o * {chunk} + i")
            body += [f"  for (int64_t o = 0; o < {outer}; o++)",
                     f"    for (int64_t i = 0; i < {chunk}; i++) {copy}"]
        offset += chunk
    return _function(name, decls, body)


def _kept_range(dim, size, low, step):
    """The input positions ``i`` of one axis whose padded position
    ``low + i * step`` lands inside ``[0, size)``, as ``(lo, hi)``.

    >>> _kept_range(4, 5, -3, 2), _kept_range(3, 2, 0, 1)
    ((2, 4), (0, 2))
    """
    lo = max(0, (step - 1 - low) // step)
    hi = min(dim, (size - low + step - 1) // step)
    return lo, max(lo, hi)


def render_pad(name, node, types_of):
    """``pad``: fill with the pad value, then place each kept input element."""
    x, pv = node.args[0].out, node.args[1].out
    out, ot = node.out, _t(node.out)
    decls = [_decl(0, "x", _t(x)), _decl(1, "p", _t(pv)), _decl(2, "y", ot, const=False)]
    body = []
    if out.size:
        fill = _conv(_load("p", _t(pv), 0), _t(pv), ot)
        body += [f"  const {render.COMPUTE[ot]} fill = {fill};",
                 _each(out.size, _store("y", ot, "i", "fill"))]
    config = node.opts["padding_config"]
    bounds, dst = [], []
    for k, (dim, size, (low, _, interior)) in enumerate(zip(x.shape, out.shape, config)):
        bounds.append(_kept_range(dim, size, low, interior + 1))
        dst.append(f"({low} + i{k} * {interior + 1})")
    if all(lo < hi for lo, hi in bounds):
        src_off = _linear([f"i{k}" for k in range(x.rank)], _strides(x.shape))
        dst_off = _linear(dst, _strides(out.shape))
        body += _nest(bounds, [_copy("y", ot, dst_off, "x", _t(x), src_off)])
    return _function(name, decls, body)


# -- slicing ----------------------------------------------------------------------------

def _starts(node, first, lengths):
    """Declarations of the clamped start indices ``s<k>`` (buffers from ``b[first]``)."""
    x = node.args[0].out
    decls, body = [], []
    for k, (s, dim, n) in enumerate(zip(node.args[1], x.shape, lengths)):
        decls.append(_decl(first + k, f"q{k}", _t(s.out)))
        start = _load(f"q{k}", _t(s.out), 0)
        body += ["  " + line for line in _clamp(f"s{k}", start, _t(s.out), dim - n)]
    return decls, body


def render_slice(name, node, types_of):
    """``slice`` with start indices read (and clamped) at run time."""
    x, t = node.args[0].out, _t(node.out)
    lengths, steps = node.opts["lengths"], node.opts["strides"]
    decls, body = _starts(node, 1, lengths)
    decls = [_decl(0, "x", t)] + decls + [_decl(1 + x.rank, "y", t, const=False)]
    out = node.out
    if out.size:
        src = _linear([f"(s{k} + i{k} * {st})" if st != 1 else f"(s{k} + i{k})"
                       for k, st in enumerate(steps)], _strides(x.shape))
        dst = _linear([f"i{k}" for k in range(out.rank)], _strides(out.shape))
        body += _nest([(0, n) for n in out.shape], [f"y[{dst}] = x[{src}];"])
    return _function(name, decls, body)


def render_put_slice(name, node, types_of):
    """``put_slice``: the tensor, with the slice written at the clamped starts."""
    x, upd = node.args[0].out, node.args[2].out
    ot = _t(node.out)
    decls, body = _starts(node, 1, upd.shape)
    decls = [_decl(0, "x", _t(x))] + decls + [_decl(1 + x.rank, "u", _t(upd)),
                                             _decl(2 + x.rank, "y", ot, const=False)]
    if x.size:
        body = [_each(x.size, _copy("y", ot, "i", "x", _t(x), "i"))] + body
    if upd.size:
        dst = _linear([f"(s{k} + i{k})" for k in range(x.rank)], _strides(x.shape))
        src = _linear([f"i{k}" for k in range(x.rank)], _strides(upd.shape))
        body += _nest([(0, n) for n in upd.shape], [_copy("y", ot, dst, "u", _t(upd), src)])
    return _function(name, decls, body)


# -- gather and scatter -----------------------------------------------------------------

def _row_base(shape, axes, it, depth, indent="    "):
    """Lines computing ``base``, the flat offset of index row ``r`` (indices clamped)."""
    lines = [f"{indent}int64_t base = 0;"]
    st = _strides(shape)
    for j, a in enumerate(axes):
        value = _load("ix", it, f"r * {depth} + {j}")
        lines += [f"{indent}{{"] + [f"{indent}  {c}" for c in _clamp("v", value, it, shape[a] - 1)]
        lines += [f"{indent}  base += v * {st[a]};", f"{indent}}}"]
    return lines


def _window(shape, axes, window):
    """(loop bounds, offset relative to a row's base) of a window over the axes
    of ``shape`` not in ``axes``, in order."""
    others = [a for a in range(len(shape)) if a not in axes][:len(window)]
    st = _strides(shape)
    return [(0, n) for n in window], _linear([f"i{k}" for k in range(len(others))],
                                             [st[a] for a in others])


def render_gather(name, node, types_of):
    """``gather``: for each index row, the slice over the non-indexed axes."""
    x, idx = node.args[0].out, node.args[1].out
    t, it, axes = _t(node.out), _t(idx), node.opts["axes"]
    decls = [_decl(0, "x", t), _decl(1, "ix", it), _decl(2, "y", t, const=False)]
    window = [d for a, d in enumerate(x.shape) if a not in axes]
    rows, depth, width = math.prod(idx.shape[:-1]), idx.shape[-1], math.prod(window)
    body = []
    if x.size and rows and width:
        bounds, off = _window(x.shape, axes, window)
        dst = "r * " + str(width) + (" + " + _linear([f"i{k}" for k in range(len(window))],
                                                     _strides(window)) if window else "")
        body = [f"  for (int64_t r = 0; r < {rows}; r++) {{"] + _row_base(x.shape, axes, it, depth)
        body += _nest(bounds, [f"y[{dst}] = x[base + {off}];"], "    ") + ["  }"]
    return _function(name, decls, body)


def _accumulates_in_double(t):
    return t == "f32" or t in _SMALL


def render_indexed(name, node, types_of):
    """``indexed_add`` / ``indexed_put``: the target, then the update rows in index
    order (see the module docstring for the rounding of sums)."""
    target, idx, upd = (a.out for a in node.args)
    ot, it, ut, axes = _t(node.out), _t(idx), _t(upd), node.opts["axes"]
    add = node.op == "indexed_add"
    decls = [_decl(0, "x", _t(target)), _decl(1, "ix", it), _decl(2, "u", ut),
             _decl(3, "y", ot, const=False)]
    n = target.size
    window = tuple(upd.shape[1:]) if idx.rank == 2 else ()
    rows, depth, width = math.prod(idx.shape[:-1]), idx.shape[-1], math.prod(window)
    scratch = add and _accumulates_in_double(ot)
    body = []
    if scratch:
        start = _conv(_load("x", _t(target), "i"), _t(target), ot)
        body += [f"  double *acc = malloc(sizeof(double) * {max(n, 1)});",
                 "  if (acc == 0) return;",
                 _each(n, f"acc[i] = (double){start};")]
    elif n:
        body.append(_each(n, _copy("y", ot, "i", "x", _t(target), "i")))
    if n and rows and width:
        bounds, off = _window(target.shape, axes, window)
        k = f"r * {width}" + (" + " + _linear([f"i{j}" for j in range(len(window))],
                                              _strides(window)) if window else "")
        value = _conv(_load("u", ut, f"({k})"), ut, ot)
        if scratch:
            update = f"acc[base + {off}] += (double){value};"
        elif add and ot in render.CTYPES and ot not in ("f32", "f64"):
            arith = {8: "uint32_t", 16: "uint32_t", 32: "uint32_t", 64: "uint64_t"}[_bits(ot)]
            update = (f"y[base + {off}] = ({render.CTYPES[ot]})(({arith})y[base + {off}] + "
                      f"({arith}){value});")
        elif add:
            update = f"y[base + {off}] = y[base + {off}] + {value};"
        else:
            update = _store("y", ot, f"base + {off}", value)
        body += [f"  for (int64_t r = 0; r < {rows}; r++) {{"]
        body += _row_base(target.shape, axes, it, depth)
        body += _nest(bounds, [update], "    ") + ["  }"]
    if scratch:
        final = "(float)acc[i]" if ot == "f32" else f"nx_cast_f64_{ot}(acc[i])"
        body += [_each(n, _store("y", ot, "i", final)),
                 "  free(acc);"]
    return "#include <stdlib.h>\n" + _function(name, decls, body)


def _bits(t):
    return int("".join(c for c in t if c.isdigit()))


# -- host-side bounds checks -------------------------------------------------------------

def _check_rows(shape, axes, indices):
    """Raise the spec's error when an index row is out of range (numpy on the host)."""
    depth = indices.shape[-1] if indices.ndim else 0
    if not indices.size or not depth:
        return
    rows = indices.reshape(-1, depth)
    for j, a in enumerate(axes):
        column = rows[:, j]
        if int(column.min()) < 0 or int(column.max()) >= shape[a]:
            check_indices([int(v) for v in indices.reshape(-1)], depth, shape, axes)


def check_gather(node, arrays):
    """Bounds-check the index rows of a ``gather`` before its kernel runs."""
    _check_rows(node.args[0].out.shape, node.opts["axes"], arrays[1])


def check_indexed(node, arrays):
    """Bounds-check the index rows of ``indexed_add`` / ``indexed_put``."""
    _check_rows(node.args[0].out.shape, node.opts["axes"], arrays[1])


# -- registration ------------------------------------------------------------------------

def _real_types(node):
    """Every tensor the node reads or writes has a type the renderer computes."""
    if isinstance(node.out, tuple):
        return False
    used = {_t(node.out)} | {_t(x.out) for x in node.inputs()}
    return used <= REAL


def _dynamic_slice(node):
    return _real_types(node) and any(s.op != "constant" for s in node.args[1])


OPS = {
    "concatenate": (_real_types, render_concatenate, None),
    "pad": (_real_types, render_pad, None),
    "slice": (_dynamic_slice, render_slice, None),
    "put_slice": (_real_types, render_put_slice, None),
    "gather": (_real_types, render_gather, check_gather),
    "indexed_add": (_real_types, render_indexed, check_indexed),
    "indexed_put": (_real_types, render_indexed, check_indexed),
    "iota": (_real_types, render_iota, None),
    "eye": (_real_types, render_eye, None),
}

for _op, (_supports, _render, _check) in OPS.items():
    externs.register(_op, _supports, _render, check=_check)
