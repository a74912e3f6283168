"""Dedicated OpenCL kernels of the scanning and sorting ops: ``argmax``,
``argmin``, ``all``, ``any``, ``sort``, ``argsort`` and the cumulative ops
(``cumulative_sum``, ``_product``, ``_max``, ``_min``); the window ops are in
:mod:`nx_codegen.opencl.kernels_window`. The OpenCL counterparts of
:mod:`nx_codegen.c.kernels_scan`, with its rules (read its docstring):

* argmax/argmin: one work-item per output element (group); the first NaN of a
  group wins, else the first (``tie_break="low"``) or last (``"high"``) of
  equal extremes;
* all/any: one work-item per output element; NaN is non-zero, ``-0.0`` zero;
* sort/argsort: one work-item per row, a stable bottom-up merge sort (insertion
  sort on runs of 16 first) of (key, index) pairs held in two ``scratch``
  buffers sized for every row (no malloc on a device); NaN above everything,
  ``-0.0`` equal to ``0.0``, sorted values copied bit for bit;
* cumulative ops: one work-item per row, the spec's associative scan
  (:func:`spec.ops.cumulative.associative_scan`) in its tree order, each
  step rounded into the type, so that they equal the composite bit for bit.
  The C kernel's recursion is unrolled into a loop over the tree's levels (the
  levels live one after another in a ``scratch`` row of ``2 n`` values).

The real byte-aligned types are supported (:data:`TYPES`: f32, f64, the 8 to
64-bit integers, f16, bf16, f8, f8_e4m3fn); complex and packed 2/4-bit tensors
stay on the host fallback.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x: (nx.sort(x), nx.argmax(x), nx.any(x)),
...            compiler=nx_codegen.OpenCL(device="pocl:0"))
>>> s, a, y = f(nx.tensor([2.0, float("nan"), -0.0, 0.0]))
>>> s.to_list(), a.to_list(), y.to_list()
([-0.0, 0.0, 2.0, nan], 1, 1)
"""

from __future__ import annotations

import math

from nx_ref.reference.storage import strides as _strides
from nx_codegen.c import kernels_scan as _cs
from nx_codegen.opencl import externs

__all__ = ["TYPES", "OPS", "supports", "kernel", "decode", "render_arg", "render_all_any",
           "render_sort", "render_cumulative"]

TYPES = _cs.TYPES
_FLOATS = _cs._FLOATS
_load, _store, _store_index, _linear = _cs._load, _cs._store, _cs._store_index, _cs._linear


def supports(node) -> bool:
    """Whether every tensor ``node`` reads or writes has one of :data:`TYPES`.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x: (nx.argsort(x), nx.all(x)), [nx.template((3,), "bf16")])
    >>> c = trace(lambda x: nx.all(x), [nx.template((2,), "c64")])
    >>> [supports(n) for n in g.outputs], supports(c.outputs[0])
    ([True, True], False)
    """
    return _cs._types_supported(node)


def kernel(name, node, body, size, helpers=(), scratch=(), suffix=""):
    """A :class:`~nx_codegen.opencl.externs.Kernels` of one ``__kernel``
    (``name + suffix``) run by ``size`` work-items, ``g`` being the work-item's
    index; ``body`` lines (indented by two) run for ``g < size``; ``helpers``
    are source lines placed before the kernel."""
    lines = [*helpers, f"__kernel void {name}{suffix}({externs.params(node, scratch)}) {{",
             "  const int64_t g = get_global_id(0);", f"  if (g >= {size}) return;",
             *body, "}"]
    return externs.Kernels("\n".join(lines), (externs.Launch(name + suffix, (size,)),),
                           tuple(scratch))


def decode(index, shape, names):
    """Lines declaring ``names`` (a prefix ``p`` gives ``p0, p1, ...``), the
    coordinates of the row-major flat ``index`` in ``shape``.

    >>> decode("g", (2, 3), "a")
    ['  const int64_t a0 = (g / 3) % 2;', '  const int64_t a1 = g % 3;']
    """
    if isinstance(names, str):
        names = [f"{names}{k}" for k in range(len(shape))]
    out = []
    for v, n, s in zip(names, shape, _strides(shape)):
        q = index if s == 1 else f"({index} / {s})"
        out.append(f"  const int64_t {v} = {q} % {max(n, 1)};")
    return out


def _nest(axes, shape, var, body, indent="  "):
    """``for`` loops over ``var<a>`` for each of ``axes`` around ``body`` lines."""
    lines = []
    for depth, a in enumerate(axes):
        lines.append(f"{indent}{'  ' * depth}for (int64_t {var}{a} = 0; {var}{a} < {shape[a]}; "
                     f"{var}{a}++) {{")
    inner = indent + "  " * len(axes)
    lines += [inner + line for line in body]
    lines += [f"{indent}{'  ' * d}}}" for d in reversed(range(len(axes)))]
    return lines


def _grouped(name, node, shape, reduced, pre, inner, post):
    """One work-item per group (the kept axes, row-major; ``g``): ``pre``, then
    ``inner`` for each element ``at`` of the group in row-major order, then ``post``."""
    steps = _strides(shape)
    kept = [a for a in range(len(shape)) if a not in reduced]
    groups = math.prod(shape[a] for a in kept)
    body = decode("g", tuple(shape[a] for a in kept), [f"a{a}" for a in kept])
    body.append(f"  const int64_t base = {_linear([(f'a{a}', steps[a]) for a in kept])};")
    body += ["  " + s for s in pre]
    at = f"const int64_t at = base + {_linear([(f'a{a}', steps[a]) for a in reduced])};"
    body += _nest(reduced, shape, "a", [at, *inner])
    body += ["  " + s for s in post]
    return kernel(name, node, body, groups)


# -- argmax, argmin, all, any ---------------------------------------------------------

def render_arg(name, node, types_of=None):
    """``argmax``/``argmin``: one work-item per output element."""
    return _grouped(name, node, *_cs.arg_parts(node))


def render_all_any(name, node, types_of=None):
    """``all``/``any``: one work-item per output element."""
    return _grouped(name, node, *_cs.all_any_parts(node))


# -- sort and argsort --------------------------------------------------------------------

def _sort_helpers(name, c, before):
    """The comparison and the stable merge sort of ``n`` (key, index) pairs at
    ``ka``/``ia``, with ``kb``/``ib`` as the second half of the ping-pong;
    returns 0 when the sorted pairs end in ``ka``/``ia``, 1 for ``kb``/``ib``."""
    return [
        f"static inline int {name}_before({c} a, {c} b) {{ return {before}; }}",
        (f"static int {name}_sort(__global {c} *ka, __global int64_t *ia, __global {c} *kb, "
         "__global int64_t *ib, int64_t n) {"),
        "  for (int64_t lo = 0; lo < n; lo += 16) {",
        "    const int64_t hi = lo + 16 < n ? lo + 16 : n;",
        "    for (int64_t i = lo + 1; i < hi; i++) {",
        f"      const {c} v = ka[i]; const int64_t vi = ia[i];",
        "      int64_t j = i;",
        f"      while (j > lo && {name}_before(v, ka[j - 1])) {{ ka[j] = ka[j - 1]; ia[j] = ia[j - 1]; j--; }}",
        "      ka[j] = v; ia[j] = vi;",
        "    }",
        "  }",
        "  int swapped = 0;",
        "  for (int64_t w = 16; w < n; w *= 2) {",
        "    for (int64_t lo = 0; lo < n; lo += 2 * w) {",
        "      const int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;",
        "      int64_t l = lo, r = mid, k = lo;",
        "      while (l < mid && r < hi) {",
        f"        if ({name}_before(ka[r], ka[l])) {{ kb[k] = ka[r]; ib[k++] = ia[r++]; }}",
        "        else { kb[k] = ka[l]; ib[k++] = ia[l++]; }",
        "      }",
        "      while (l < mid) { kb[k] = ka[l]; ib[k++] = ia[l++]; }",
        "      while (r < hi) { kb[k] = ka[r]; ib[k++] = ia[r++]; }",
        "    }",
        f"    __global {c} *kt = ka; ka = kb; kb = kt;",
        "    __global int64_t *it = ia; ia = ib; ib = it;",
        "    swapped = !swapped;",
        "  }",
        "  return swapped;",
        "}",
    ]


def render_sort(name, node, types_of=None):
    """``sort``/``argsort``: one work-item per row (see the module docstring)."""
    x = node.args[0]
    t, ot = str(x.out.type), str(node.out.type)
    shape = tuple(x.out.shape)
    axis = node.opts["axis"]
    n = shape[axis]
    outer, inner = math.prod(shape[:axis]), math.prod(shape[axis + 1:])
    rows = outer * inner if n else 0
    before = _cs.sort_before(node)
    if node.op == "sort":
        write = f"out0[base + k * {inner}] = in0[base + ix[k] * {inner}];"     # bit for bit
    else:
        write = _store_index("out0", f"base + k * {inner}", ot, "ix[k]")
    c = _cs._compute(t)
    body = [
        f"  const int64_t base = (g / {inner}) * {n * inner} + g % {inner};",
        f"  __global {c} *ka = s0 + g * {2 * n}, *kb = ka + {n};",
        f"  __global int64_t *ia = s1 + g * {2 * n}, *ib = ia + {n};",
        f"  for (int64_t k = 0; k < {n}; k++) {{ ka[k] = {_load('in0', f'base + k * {inner}', t)}; ia[k] = k; }}",
        f"  __global const int64_t *ix = {name}_sort(ka, ia, kb, ib, {n}) ? ib : ia;",
        f"  for (int64_t k = 0; k < {n}; k++) {write}",
    ]
    scratch = ((c, 2 * n * rows), ("int64_t", 2 * n * rows))
    return kernel(name, node, body, rows, _sort_helpers(name, c, before), scratch)


# -- cumulative ops ----------------------------------------------------------------------

def render_cumulative(name, node, types_of=None):
    """The cumulative ops: one work-item per row; the associative scan's
    levels go down (pairs combined into the next level), then up (each level
    filled from the scanned level above it), as the C kernel's recursion does."""
    x = node.args[0]
    t = str(x.out.type)
    shape = tuple(x.out.shape)
    axis, reverse = node.opts["axis"], node.opts["reverse"]
    n = shape[axis]
    inner = math.prod(shape[axis + 1:])
    rows = math.prod(shape[:axis]) * inner if n else 0
    c = _cs._compute(t)
    op = _cs._SCAN_COMBINE[node.op]

    def comb(a, b):
        return _cs._combine(op, t, a, b)
    pos = f"({n - 1} - k)" if reverse else "k"
    body = [
        f"  const int64_t base = (g / {inner}) * {n * inner} + g % {inner};",
        f"  __global {c} *row = s0 + g * {2 * n};",
        f"  for (int64_t k = 0; k < {n}; k++) row[k] = {_load('in0', f'base + {pos} * {inner}', t)};",
        "  int64_t lens[64], offs[64];",
        f"  int depth = 0; int64_t len = {n}, off = 0;",
        "  while (len >= 2) {                 /* down: level depth + 1 holds its pairs */",
        f"    __global {c} *v = row + off, *pairs = v + len;",
        "    const int64_t h = len / 2;",
        f"    for (int64_t i = 0; i < h; i++) pairs[i] = {comb('v[2 * i + 1]', 'v[2 * i]')};",
        "    lens[depth] = len; offs[depth] = off; depth++;",
        "    off += len; len = h;",
        "  }",
        "  for (int d = depth - 1; d >= 0; d--) {     /* up: fill level d from level d + 1 */",
        "    const int64_t len = lens[d], h = len / 2;",
        f"    __global {c} *v = row + offs[d], *pairs = v + len;",
        "    if (len % 2 == 0) {",
        "      for (int64_t i = h - 1; i >= 1; i--) {",
        f"        v[2 * i] = {comb('pairs[i - 1]', 'v[2 * i]')};",
        "        v[2 * i + 1] = pairs[i];",
        "      }",
        "      v[1] = pairs[0];",
        "    } else {",
        "      for (int64_t j = 0; j < h; j++) {",
        "        v[2 * j + 1] = pairs[j];",
        f"        v[2 * j + 2] = {comb('pairs[j]', 'v[2 * j + 2]')};",
        "      }",
        "    }",
        "  }",
        f"  for (int64_t k = 0; k < {n}; k++) {_store('out0', f'base + {pos} * {inner}', t, 'row[k]')}",
    ]
    return kernel(name, node, body, rows, (), ((c, 2 * n * rows),))


# -- registration ----------------------------------------------------------------------

OPS = {"argmax": render_arg, "argmin": render_arg, "all": render_all_any,
       "any": render_all_any, "sort": render_sort, "argsort": render_sort,
       "cumulative_sum": render_cumulative, "cumulative_product": render_cumulative,
       "cumulative_max": render_cumulative, "cumulative_min": render_cumulative}

for _op, _render in OPS.items():
    externs.register(_op, supports, _render)
