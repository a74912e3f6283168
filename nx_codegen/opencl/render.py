"""Render kernels of the :mod:`nx_codegen.ir` as OpenCL C, from the same lowered
program as the C renderer and through its C-like base
(:class:`nx_codegen.c.render.Dialect`): only the kernel head, the outer loop
(one work-item per outer index) and the math calls differ.

This version covers element-wise chains and reductions over every type: f32,
f64 and the 8 to 64-bit integers natively, f16, bf16 and the f8 types in float
rounded on every result, the 2/4-bit integers packed, c64/c128 as ``float2``/
``double2`` vectors with our own functions (:mod:`nx_codegen.opencl.complex`;
the dialect's ``ctype``/``const``/``cast``/``acc_*`` hooks render them). A
reduction to many outputs runs one work-item per output; a long reduction to
few outputs runs as a work-group reduction (:mod:`nx_codegen.opencl.reduce`),
except complex sums and products, which keep one work-item per output (a
compensated c128 sum, a c64 one in double), and float products (their
exponent kept apart). f32 ``exp``, ``tanh`` and ``sigmoid`` are the C target's
branch-free versions (:func:`vmath_source`), the other f32 math functions
and f32 sums compute in double, so the device must have ``cl_khr_fp64``; f32
division and square roots are correctly rounded
(``-cl-fp32-correctly-rounded-divide-sqrt``).

>>> import nx_ref as nx
>>> from nx_ref.defn.expr import trace
>>> from nx_codegen.lower import lower
>>> program = lower(trace(lambda x: nx.exp(x) * 2, [nx.template((8,), "f32")]), OpenCLTarget())
>>> print(render_program(program).split("\\n\\n")[-1].strip())
__kernel void k0(__global const float *restrict b0, __global float *restrict b1) {
  const int64_t o = get_global_id(0);
  if (o < 8) {
    const int64_t o0 = o;
    const float t0 = b0[o];
    const float t1 = nx_exp_f32(t0);
    const float t2 = (float)(t1 * 2.0f);
    b1[o] = t2;
  }
}
"""

from __future__ import annotations

import math
import re

from nx_codegen.c import render as _c
from nx_codegen.opencl import complex as complex_

__all__ = ["TYPES", "OpenCLDialect", "OpenCLTarget", "supports", "render_program", "HEADER",
           "BUILD_OPTIONS"]

# the types this version computes on a device: f16, bf16 and the f8 types in
# float, rounded on every result by the C prelude's integer bit operations
TYPES = ("f32", "f64", "s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64") + _c.SMALL + _c.PACKED
# c64 and c128: float2 and double2 vectors (nx_codegen.opencl.complex)
TYPES += ("c64", "c128")

_BIT_CASTS = {
    "nx_bits_f32": "static inline uint32_t nx_bits_f32(float x) { return as_uint(x); }",
    "nx_f32_of_bits": "static inline float nx_f32_of_bits(uint32_t u) { return as_float(u); }",
    "nx_bits_f64": "static inline uint64_t nx_bits_f64(double x) { return as_ulong(x); }",
    "nx_f64_of_bits": "static inline double nx_f64_of_bits(uint64_t u) { return as_double(u); }",
}


# f16 buffers through OpenCL's own conversions (core OpenCL, no cl_khr_fp16
# needed): exact loads, stores rounded to nearest even, as the C prelude's
# integer bit operations round (NaN as they store it)
_HALF = {
    "nx_load_f16": "static inline float nx_load_f16(__global const void *base, int64_t i) "
                   "{ return vload_half(i, (__global const half *)base); }",
    # (NaN is stored as the C prelude stores it: the quiet NaN 0x7e00 with x's sign)
    "nx_store_f16": "static inline void nx_store_f16(__global void *base, int64_t i, float v) "
                    "{ if (isnan(v)) ((__global uint16_t *)base)[i] = (uint16_t)(0x7e00u | "
                    "((as_uint(v) >> 16) & 0x8000u)); else vstore_half_rte(v, i, (__global half *)base); }",
}


def prelude_for(types_used) -> str:
    """The C prelude (:func:`nx_codegen.c.prelude.prelude_for`) as OpenCL C: no
    includes, bit casts through ``as_uint``/``as_float``/..., the buffer
    pointers of loads and stores in the ``__global`` address space, and f16
    loads and stores through ``vload_half``/``vstore_half_rte``.

    >>> src = prelude_for(["bf16", "f32"])
    >>> "memcpy(" in src, "__global const void *base" in src, "#include" in src
    (False, True, False)
    """
    from nx_codegen.c import prelude
    out = []
    for line in prelude.prelude_for(sorted(types_used)).splitlines():
        if line.startswith("#include"):
            continue
        name = re.match(r"static inline \w+ (nx_\w+)\(", line)
        if name and name.group(1) in _BIT_CASTS:
            line = _BIT_CASTS[name.group(1)]
        line = re.sub(r"\((const )?void \*base", r"(__global \1void *base", line)
        line = re.sub(r"\((const )?(\w+) \*\)base", r"(__global \1\2 *)base", line)
        line = re.sub(r"^(\s*)(\w+) \*p = ", r"\1__global \2 *p = ", line)
        line = _HALF.get(name.group(1), line) if name else line
        out.append(line)
    return "\n".join(out)

BUILD_OPTIONS = ["-cl-fp32-correctly-rounded-divide-sqrt"]

# FP_CONTRACT: OpenCL C may fuse a * b + c into one rounding by default; the
# spec rounds every operation
HEADER = r"""#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF
typedef char int8_t; typedef uchar uint8_t; typedef short int16_t; typedef ushort uint16_t;
typedef int int32_t; typedef uint uint32_t; typedef long int64_t; typedef ulong uint64_t;
#define INT64_MIN (-9223372036854775807L - 1L)
#define INT64_MAX 9223372036854775807L
#define INT32_MAX 2147483647
#define UINT32_MAX 4294967295U
#define UINT64_MAX 18446744073709551615UL
static inline float nx_maxf(float a, float b) { return (isnan(a) || isnan(b)) ? a + b : (a > b || (a == b && !signbit(a))) ? a : b; }
static inline double nx_max(double a, double b) { return (isnan(a) || isnan(b)) ? a + b : (a > b || (a == b && !signbit(a))) ? a : b; }
static inline float nx_minf(float a, float b) { return (isnan(a) || isnan(b)) ? a + b : (a < b || (a == b && signbit(a))) ? a : b; }
static inline double nx_min(double a, double b) { return (isnan(a) || isnan(b)) ? a + b : (a < b || (a == b && signbit(a))) ? a : b; }
"""

_MATH = dict(_c._FLOAT_UNARY, log2="log2", log10="log10")
_VECTORS = {"float _Complex": "float2", "double _Complex": "double2"}


class OpenCLDialect(_c.Dialect):
    """The OpenCL C differences: ``__kernel`` heads with ``__global`` buffers,
    the outer loop as the work-item index, no OpenMP, overloaded math built-ins
    (f32 ones evaluated in double and rounded once)."""

    pragmas = False
    lanes = False

    def head(self, name, params):
        args = ", ".join(f"__global {'' if written else 'const '}{_VECTORS.get(ctype, ctype)} "
                         f"*restrict {n}" for n, ctype, written in params)
        return [f"__kernel void {name}({args}) {{"]

    # complex values are float2/double2 (nx_codegen.opencl.complex)
    def ctype(self, t):
        return complex_.VECTOR[t] if t in complex_.COMPLEX else _c.COMPUTE[t]

    def const(self, value, t):
        return complex_.const(value, t) if t in complex_.COMPLEX else _c._const(value, t)

    def cast(self, x, src, dst):
        if src in complex_.COMPLEX or dst in complex_.COMPLEX:
            return complex_.cast(x, src, dst)
        return _c._cast(x, src, dst)

    def acc_start(self, r, j):
        if r.type not in complex_.COMPLEX or _c._compensated(r):
            return super().acc_start(r, j)
        if r.combine == "step":
            return f"{self.ctype(r.type)} acc{j} = {self.const(r.init, r.type)};"
        return f"double2 acc{j} = (double2)({'0.0' if r.combine == 'add' else '1.0'}, 0.0);"

    def acc_update(self, r, acc, v):
        if r.type not in complex_.COMPLEX:
            return super().acc_update(r, acc, v)
        if _c._compensated(r):        # c128 sums: Neumaier per component
            return _c._neumaier(acc, f"({v}).x") + " " + _c._neumaier(acc + "i", f"({v}).y")
        wide = f"convert_double2({v})" if r.type == "c64" else v
        if r.combine == "multiply":   # the spec's textbook product
            return f"{acc} = nx_cmul({acc}, {wide});"
        return f"{acc} = {acc} + {wide};"

    def acc_out(self, r, j):
        if r.type not in complex_.COMPLEX:
            return super().acc_out(r, j)
        if r.combine == "step":
            return f"acc{j}"
        if _c._compensated(r):
            re, im = (f"(isfinite({p}_c) ? {p} + {p}_c : {p})" for p in (f"acc{j}", f"acc{j}i"))
            return f"(double2)({re}, {im})"
        return f"convert_float2(acc{j})" if r.type == "c64" else f"acc{j}"

    def outer(self, shape, flat, indent):
        n = math.prod(shape)
        opening = [f"{indent}const int64_t o = get_global_id(0);", f"{indent}if (o < {n}) {{"]
        ind = indent + "  "
        if flat or len(shape) <= 1:
            opening += [f"{ind}const int64_t o0 = o;"] if len(shape) == 1 else []
        elif n == 0:          # no work-item passes the guard: the indices are never used
            opening += [f"{ind}const int64_t o{k} = 0;" for k in range(len(shape))]
        else:
            stride = n
            for k, d in enumerate(shape):
                stride //= d
                opening.append(f"{ind}const int64_t o{k} = (o / {stride}) % {d};")
        return opening, [f"{indent}}}"], ind

    def elem(self, op, args, compute, out):
        if (op, compute) in _VMATH:      # the C target's branch-free versions (see vmath_source)
            from nx_codegen.c import vmath
            return vmath.rule(op, args, compute)
        if compute in complex_.COMPLEX or out in complex_.COMPLEX:
            return complex_.elem(op, args, compute, out)
        c = _c.CTYPES[compute]
        if compute in ("f32", "f64") and op in _MATH:
            name = _MATH[op]
            if compute == "f32":
                return f"(float){name}((double){args[0]})"
            return f"{name}({args[0]})"
        if op == "sigmoid":
            return f"({c})(1.0 / (1.0 + exp(-(double){args[0]})))"
        if op == "rsqrt":
            return f"({c})(1.0 / sqrt((double){args[0]}))"
        from nx_codegen.opencl import elementwise
        return elementwise.rule(op, args, compute, out) or _c.elem_core(op, args, compute, out)


DIALECT = OpenCLDialect()


class _InOrder(OpenCLDialect):
    """One work-item running the outer loop in order: for kernels storing into
    packed buffers, where a store rewrites a whole byte shared with other
    elements (launched with a global size of 1)."""

    def outer(self, shape, flat, indent):
        return _c._loops("o", shape, flat, indent)


IN_ORDER = _InOrder()


def in_order(kernel, types_of) -> bool:
    """Whether ``kernel`` stores into a packed buffer (see :class:`_InOrder`)."""
    return any(types_of[n] in _c.PACKED for n in kernel.writes())


def supports(node) -> bool:
    """Whether this renderer computes the element-wise ``node``."""
    from nx_codegen.opencl import elementwise
    if not _c._types_used(node) <= set(TYPES):
        return False
    if complex_.supports(node) is not None:
        return complex_.supports(node)
    extra = elementwise.supports(node)
    return _c.supports_core(node) if extra is None else extra


class OpenCLTarget:
    """The lowering's view of this renderer: element-wise nodes it computes and
    the nodes with dedicated kernels (:mod:`nx_codegen.opencl.externs`);
    everything else runs on the host fallback."""

    def supports(self, node):
        return supports(node)

    def extern(self, node):
        from nx_codegen.opencl import externs
        return externs.supports(node)


# the C target's table-free f32 functions (nx_codegen.c.vmath: within the spec's
# ULPs, bit for bit the C kernels' results): float arithmetic and fma instead of
# libm's double versions; the table-driven ones (f64 exp and log, f32 log) keep
# the device's double functions, since table lookups at divergent indices
# serialise on GPUs
_VMATH = {("exp", "f32"), ("tanh", "f32"), ("sigmoid", "f32")}


def vmath_source() -> str:
    """The C target's vectorisable exp, log, tanh and sigmoid
    (:mod:`nx_codegen.c.vmath`, within the spec's ULPs) as OpenCL C: tables in
    the ``__constant`` space, ``fma`` for ``fmaf`` (both correctly rounded).

    >>> src = vmath_source()
    >>> "__constant double nx_exp2_hi[128]" in src and "fmaf(" not in src
    True
    """
    from nx_codegen.c import vmath
    return vmath.SOURCE.replace("static const double", "__constant double").replace("fmaf(", "fma(")


def render_program(program) -> str:
    """The OpenCL C source of every kernel of ``program``."""
    from nx_codegen.opencl import reduce
    types_of = {n: b.type for n, b in program.buffers.items()}
    from nx_codegen.opencl import externs
    parts = [_c.render_kernel(k, types_of, 1, IN_ORDER) if in_order(k, types_of) else
             reduce.render_split(k, types_of) if reduce.splits(k) else
             _c.render_kernel(k, types_of, 1, DIALECT) for k in program.kernels()]
    parts += [externs.render(x, types_of).source for x in program.externs()]
    used = set(types_of.values()) | _c._expression_types(program)
    # the prelude's loads, stores and casts between every real type the kernels
    # use (complex values convert through their parts' casts: complex_.cast)
    kernel_types = sorted((used & set(TYPES)) - set(complex_.COMPLEX) | {"f32", "f64"})
    small = used & set(_c.SMALL + _c.PACKED)
    # (dedicated kernels and conversions into integers call the prelude's casts)
    needed = small or program.externs() or any("nx_cast_" in p for p in parts)
    prelude = prelude_for(kernel_types) + "\n" if needed else ""
    if used & set(complex_.COMPLEX):
        prelude += complex_.SOURCE
    from nx_codegen.opencl import elementwise
    if any("nx_exp_f32(" in p or "nx_tanh_f32(" in p or "nx_sigmoid_f32(" in p for p in parts):
        prelude += vmath_source()
    return HEADER + prelude + elementwise.SOURCE + "\n" + "\n\n".join(parts) + "\n"
