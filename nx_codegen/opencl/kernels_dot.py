"""Dedicated OpenCL kernels of ``dot`` and ``conv``, with the semantics of their
C counterparts (:mod:`nx_codegen.c.dot`, :mod:`nx_codegen.c.kernels_conv`) and
of the reference backend.

``dot``: any contract and batch axes, any ranks, empty dimensions, mixed
operand types. As in the C kernel, every dot is ``nb`` products ``(M, K) x (K,
N)`` (:func:`nx_codegen.c.dot.geometry`): its axes are index arithmetic on the
operands (one stride per group of axes where they are evenly spaced in memory,
else divisions), its output the dense ``(nb, M, N)``. Operands are converted
into the output type first (:func:`spec.values.cast`, the prelude's casts);
then

* floats sum in ``double`` and round once into the output type. The
  products of f32 and narrower operands are exact in double, so the result is
  the reference's exact sum rounded once unless the sum cancels below
  ``K * 2**-53`` of the products' magnitude (as in the C kernel's loop plan).
  f64 products are rounded, as the reference rounds them, and summed
  compensated (Ogita, Rump and Oishi's Sum2: each addition's error gathered
  in a second double, added at the end): as accurate as a sum in twice the
  precision, where a plain double sum (the C kernel's) is off by tens of ULPs
  on ordinary data of a few hundred terms. A sum that is infinite or NaN is
  the plain sum's. Contraction into FMA is off;
* integers multiply and add in the unsigned type of their width (at least 32
  bits) and wrap into the output type, exact modulo ``2**bits``.

Two plans (:func:`plan`): ``"tiled"`` for f32/f64 results of products at least
:data:`TILE_MIN` wide on both sides (work-groups of 16 x 16 work-items, each
computing a 4 x 4 block of a 64 x 64 output tile from 16-deep slices of both
operands staged in ``__local`` memory; the global size rounded up to whole
tiles, zero-filled past the edges, guarded stores), else ``"loop"``: one
work-item per output element summing over K. Unlike the C kernel's blocked
plan (f32 accumulation with FMA), the tiled plan sums f32 in double as above,
so that both plans stay within the spec's 4 ULPs of the reference; on devices
with slow fp64 this costs speed.

``conv``: every option of the spec (strides, padding with negative crops,
input and kernel dilation, feature and batch groups, the three permutations),
one work-item per output element, as the C kernel's ``direct`` plan: the input
position of each product is tested against the padding and dilation, so a
padding zero times an infinite weight is NaN as in the reference; products
are summed in ``double`` as the dot's (f64 ones compensated: more accurate
than the C kernel's plain double sum) and rounded once into the output type
(always a float).

Supported: operands and results of the real byte-aligned types
(:data:`nx_codegen.c.kernels_index.REAL`: f32, f64, the 8 to 64-bit integers,
f16, bf16, f8, f8_e4m3fn; for ``dot`` this is wider than the C kernel, which
leaves f16/bf16/f8 on the host). Complex and packed 2/4-bit tensors stay on
the host fallback.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda a, b: (nx.dot(a, b), nx.conv(nx.reshape(a, (1, 2, 2)), nx.reshape(b, (1, 2, 2)))),
...            compiler=nx_codegen.OpenCL(device="pocl:0"))
>>> d, c = f(nx.tensor([[1.0, 2.0], [3.0, 4.0]]), nx.tensor([[5.0, 6.0], [7.0, 8.0]]))
>>> d.to_list(), c.to_list()
([[19.0, 22.0], [43.0, 50.0]], [[[70.0]]])
"""

from __future__ import annotations

import math

from nx_codegen.c import dot as _cdot
from nx_codegen.c import kernels_conv as _cconv
from nx_codegen.c import kernels_index as _ix
from nx_codegen.c import render as _c
from nx_codegen.opencl import externs
from nx_ref.reference.storage import strides as _strides

__all__ = ["TILE", "TILE_K", "TILE_MIN", "plan", "render_conv", "render_dot", "supports"]

#: Output tile side of the tiled plan (work-groups of (TILE / 4)**2 work-items).
TILE = 64
#: Depth of the operand slices staged in local memory.
TILE_K = 16
#: Products with M or N below this run the loop plan (tests set it to 0).
TILE_MIN = 16

_GROUP = TILE // 4         # work-items per side of a work-group
_NOCONTRACT = "  #pragma OPENCL FP_CONTRACT OFF"


def supports(node) -> bool:
    """Whether ``node`` (a ``dot`` or a ``conv``) reads and writes only real
    byte-aligned types.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> def node(t1, t2):
    ...     return trace(lambda a, b: nx.dot(a, b), [nx.template((2, 3), t1), nx.template((3,), t2)]).outputs[0]
    >>> supports(node("f32", "s8")), supports(node("bf16", "bf16")), supports(node("c64", "f32"))
    (True, True, False)
    """
    used = {str(node.out.type)} | {str(a.out.type) for a in node.args[:2]}
    return used <= _ix.REAL


def plan(node) -> str:
    """``"tiled"`` for f32/f64 results with ``M`` and ``N`` of at least
    :data:`TILE_MIN`, else ``"loop"``.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> def node(s1, s2, t="f32"):
    ...     return trace(lambda a, b: nx.dot(a, b), [nx.template(s1, t), nx.template(s2, t)]).outputs[0]
    >>> plan(node((64, 8), (8, 64))), plan(node((64, 8), (8,))), plan(node((64, 8), (8, 64), "s32"))
    ('tiled', 'loop', 'loop')
    """
    (_, m, _, n), _, _ = _cdot.geometry(node)
    return "tiled" if str(node.out.type) in ("f32", "f64") and min(m, n) >= TILE_MIN else "loop"


# -- dot ------------------------------------------------------------------------------

def _index(var, shape, axes):
    """OpenCL C of the offset of the flat index ``var`` over ``axes`` of an
    operand of ``shape`` (row-major over them): one multiplication when the axes
    are evenly spaced in memory."""
    st = _strides(shape)
    step = _cdot._collapse(shape, st, axes)
    if step is None:
        return _cdot._offset(var, shape, st, axes)
    return "0" if step == 0 else var if step == 1 else f"{var} * {step}"


def _operands(node):
    """Per operand: ``(type, batch offset of bi, row/column offset, offset of kk)``."""
    _, axes1, axes2 = _cdot.geometry(node)
    s1, s2 = tuple(node.args[0].out.shape), tuple(node.args[1].out.shape)
    a = (str(node.args[0].out.type), _index("bi", s1, axes1[0]), _index("i", s1, axes1[1]),
         _index("kk", s1, axes1[2]))
    b = (str(node.args[1].out.type), _index("bi", s2, axes2[0]), _index("j", s2, axes2[2]),
         _index("kk", s2, axes2[1]))
    return a, b


def _acc_type(to):
    """The C type a sum of ``to`` accumulates in."""
    if _c._is_int(to):
        return "uint64_t" if to in ("s64", "u64") else "uint32_t"
    return "double"


def _element(buf, t, offset, to):
    """Element ``offset`` of ``buf`` (type ``t``) converted into ``to`` and then
    into the accumulator's type."""
    return f"({_acc_type(to)}){_ix._conv(_ix._load(buf, t, offset), t, to)}"


def _rounded(value, to):
    """The accumulator ``value`` as a compute value of ``to`` (rounded or wrapped once)."""
    if to in _c.SMALL:
        return f"nx_cast_f64_{to}({value})"
    return value if to == "f64" else f"({_c.CTYPES[to]}){value}"


_DOT2 = """#ifndef NX_DOT2
#define NX_DOT2
/* s + c += the rounded product x * y, the sum compensated (Ogita, Rump and
   Oishi's Sum2): each addition's error, from TwoSum, gathered in c */
static inline void nx_dot2(double *s, double *c, double x, double y) {
  #pragma OPENCL FP_CONTRACT OFF
  const double p = x * y, t = *s + p, z = t - *s;
  *c += (*s - (t - z)) + (p - z);
  *s = t;
}
#endif
"""


def _compensated(to):
    """Whether sums of ``to`` run compensated (f64: see the module docstring)."""
    return to == "f64"


def _finish(acc, cmp, to):
    """The sum ``acc`` (plus its compensation ``cmp`` for f64) rounded into ``to``;
    a sum that is infinite or NaN stays as the plain sum made it."""
    if _compensated(to):
        return f"(isfinite({acc}) ? {acc} + {cmp} : {acc})"
    return _rounded(acc, to)


def _loop_kernel(name, node):
    """One work-item per output element ``o = (bi * M + i) * N + j``."""
    (nb, m, k, n), _, _ = _cdot.geometry(node)
    (t1, ab, ai, ak), (t2, bb, bj, bk) = _operands(node)
    to, acc = str(node.out.type), _acc_type(str(node.out.type))
    size = nb * m * n
    x, y = _element("in0", t1, f"a0 + {ak}", to), _element("in1", t2, f"b0 + {bk}", to)
    step = f"nx_dot2(&acc, &cmp, {x}, {y});" if _compensated(to) else f"acc += {x} * {y};"
    body = [(f"const int64_t j = o % {max(n, 1)}, i = (o / {max(n, 1)}) % {max(m, 1)}, "
             f"bi = o / {max(m * n, 1)};"),
            f"const int64_t a0 = {ab} + {ai}, b0 = {bb} + {bj};",
            f"{acc} acc = 0, cmp = 0;",
            f"for (int64_t kk = 0; kk < {k}; kk++) {step}",
            "(void)cmp;",
            _ix._store("out0", to, "o", _finish("acc", "cmp", to))]
    lines = [f"__kernel void {name}({externs.params(node)}) {{", _NOCONTRACT,
             "  const int64_t o = get_global_id(0);", f"  if (o < {size}) {{",
             *("    " + b for b in body), "  }", "}"]
    return externs.Kernels(_DOT2 + "\n".join(lines), (externs.Launch(name, (size,)),))


def _tiled_kernel(name, node):
    """Work-group tiles of ``TILE x TILE`` outputs; see the module docstring."""
    (nb, m, k, n), _, _ = _cdot.geometry(node)
    (t1, ab, ai, ak), (t2, bb, bj, bk) = _operands(node)
    to = str(node.out.type)
    ct, g, tk = _c.CTYPES[to], _GROUP, TILE_K
    per = TILE * tk // (g * g)              # elements of each slice a work-item stages
    step = ("nx_dot2(&acc[r][c], &cmp[r][c], a[r], b[c]);" if _compensated(to)
            else "acc[r][c] += a[r] * b[c];")
    a_val = _ix._conv(_ix._load("in0", t1, f"{ab} + {ai} + {ak}"), t1, to)
    b_val = _ix._conv(_ix._load("in1", t2, f"{bb} + {bj} + {bk}"), t2, to)
    lines = [
        f"__kernel __attribute__((reqd_work_group_size({g}, {g}, 1)))",
        f"void {name}({externs.params(node)}) {{", _NOCONTRACT,
        f"  __local {ct} ta[{tk}][{TILE + 1}], tb[{tk}][{TILE + 1}];",
        f"  const int tx = get_local_id(0), ty = get_local_id(1), tid = ty * {g} + tx;",
        (f"  const int64_t j0 = (int64_t)get_group_id(0) * {TILE}, "
         f"i0 = (int64_t)get_group_id(1) * {TILE}, bi = get_global_id(2);"),
        "  double acc[4][4], cmp[4][4];",
        "  for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) acc[r][c] = cmp[r][c] = 0.0;",
        f"  for (int64_t k0 = 0; k0 < {k}; k0 += {tk}) {{",
        f"    for (int l = 0; l < {per}; l++) {{",
        f"      const int e = tid + l * {g * g};",
        "      {",
        f"        const int r = e / {tk}, q = e % {tk};",
        "        const int64_t i = i0 + r, kk = k0 + q;",
        f"        ta[q][r] = i < {m} && kk < {k} ? {a_val} : 0;",
        "      }",
        "      {",
        f"        const int q = e / {TILE}, c = e % {TILE};",
        "        const int64_t j = j0 + c, kk = k0 + q;",
        f"        tb[q][c] = j < {n} && kk < {k} ? {b_val} : 0;",
        "      }",
        "    }",
        "    barrier(CLK_LOCAL_MEM_FENCE);",
        f"    for (int q = 0; q < {tk}; q++) {{",
        "      double a[4], b[4];",
        f"      for (int r = 0; r < 4; r++) a[r] = (double)ta[q][ty + {g} * r];",
        f"      for (int c = 0; c < 4; c++) b[c] = (double)tb[q][tx + {g} * c];",
        "      for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) " + step,
        "    }",
        "    barrier(CLK_LOCAL_MEM_FENCE);",
        "  }",
        "  for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) {",
        f"    const int64_t i = i0 + ty + {g} * r, j = j0 + tx + {g} * c;",
        (f"    if (i < {m} && j < {n}) out0[(bi * {m} + i) * {n} + j] = "
         f"{_finish('acc[r][c]', 'cmp[r][c]', to)};"),
        "  }",
        "}"]
    size = (-(-n // TILE) * g, -(-m // TILE) * g, nb)
    return externs.Kernels(_DOT2 + "\n".join(lines), (externs.Launch(name, size, (g, g, 1)),))


def render_dot(name, node, types_of=None) -> externs.Kernels:
    """The :class:`~nx_codegen.opencl.externs.Kernels` of a ``dot`` node.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda a, b: nx.dot(a, b), [nx.template((100, 8), "f32"), nx.template((8, 70), "f32")])
    >>> render_dot("x0", g.outputs[0]).launches
    (Launch(kernel='x0', global_size=(32, 32, 1), local_size=(16, 16, 1)),)
    """
    return _tiled_kernel(name, node) if plan(node) == "tiled" else _loop_kernel(name, node)


# -- conv -----------------------------------------------------------------------------

def render_conv(name, node, types_of=None) -> externs.Kernels:
    """The :class:`~nx_codegen.opencl.externs.Kernels` of a ``conv`` node: one
    work-item per output element (canonical order: batch, channel, spatial).

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x, k: nx.conv(x, k), [nx.template((2, 3, 5), "f32"), nx.template((4, 3, 2), "f32")])
    >>> render_conv("x1", g.outputs[0]).launches
    (Launch(kernel='x1', global_size=(32,), local_size=None),)
    """
    g = _cconv.geometry(node)
    size = math.prod(g.out_shape)
    head = [f"__kernel void {name}({externs.params(node)}) {{", _NOCONTRACT]
    if not size:          # never launched: no index arithmetic over empty axes
        return externs.Kernels("\n".join(head + ["}"]), (externs.Launch(name, (0,)),))
    jvars, kvars = _cconv._vars("j", g.n), _cconv._vars("k", g.n)
    names, st = ["bi", "o"] + jvars, _strides(g.out_shape)
    body = [f"const int64_t {v} = u / {s} % {d};" for v, s, d in zip(names, st, g.out_shape)]
    group, inner, src, wsrc = _cconv.taps(g, jvars, kvars)
    body += [group, "double acc = 0.0, cmp = 0.0;", f"for (int64_t c = 0; c < {g.ks[1]}; c++) {{"]
    w = _cconv._value("in1", g.tk, wsrc, g.to)
    inner += [f"const double v = ok ? {_cconv._value('in0', g.tx, src, g.to)} : 0.0;",
              f"nx_dot2(&acc, &cmp, v, {w});" if _compensated(g.to) else f"acc += v * {w};"]
    body += _cconv._nest_named(kvars, g.ks[2:], inner) + ["}"]
    dst = _ix._linear(names, g.out_strides)
    body += ["(void)cmp;", _ix._store("out0", g.to, dst, _finish("acc", "cmp", g.to))]
    lines = head + ["  const int64_t u = get_global_id(0);", f"  if (u < {size}) {{",
                    *("    " + b for b in body), "  }", "}"]
    return externs.Kernels(_DOT2 + "\n".join(lines), (externs.Launch(name, (size,)),))


externs.register("dot", supports, render_dot)
externs.register("conv", supports, render_conv)
