"""Render kernels of the :mod:`nx_codegen.ir` as C.

Each kernel becomes ``void <name>(void *const *b)``: the buffers it touches,
in the order of :func:`kernel_buffers`, arrive in ``b``. The loops are written
so that gcc vectorises them without ``-ffast-math``: collapsed to one index
where every offset allows it, scalar temporaries shared, reductions of
floating values accumulated in double (``f32``) under ``#pragma omp simd
reduction`` (which permits reassociation for that loop only), and the spec's
semantics kept for NaN, infinities, -0.0 and integer wrap-around.

Every type computes here: f32, f64 and the 8 to 64-bit integers natively, f16,
bf16 and the f8 types in float rounded on every result, c64/c128 as C99 complex,
and the 2/4-bit integers packed in their buffers as the spec lays them out
(:mod:`nx_codegen.c.packing`), computed in a byte and wrapped on every result.
:func:`supports` tells the lowering which nodes it can take.

>>> from nx_codegen import ir
>>> k = ir.Kernel("k0", outer=(4,), stores=(ir.Store("y", ir.Index("o"), ir.Elem("sqrt", (ir.Load("x", ir.Index("o"), "f32"),), "f32", "f32")),))
>>> print(render_kernel(k, {"x": "f32", "y": "f32"}))
void k0(void *const *b) {
  const float *restrict x = b[0];
  float *restrict y = b[1];
  #pragma omp simd
  for (int64_t o = 0; o < 4; o++) {
    const int64_t o0 = o;
    const float t0 = x[o];
    const float t1 = sqrtf(t0);
    y[o] = t1;
  }
}
"""

from __future__ import annotations

import ctypes
import math
import re

from spec import registry
from nx_codegen import ir
from nx_codegen.c import elementwise, lanes, vmath

__all__ = ["CTYPES", "supports", "render_kernel", "kernel_buffers", "render_program", "HEADER",
           "Dialect", "C_DIALECT", "elem_core", "supports_core"]

CTYPES = {"f32": "float", "f64": "double", "s8": "int8_t", "s16": "int16_t", "s32": "int32_t",
          "s64": "int64_t", "u8": "uint8_t", "u16": "uint16_t", "u32": "uint32_t", "u64": "uint64_t"}
# complex numbers compute in C99 complex arithmetic (Annex G: the spec's complex
# semantics handle infinities and signed zeros as C99 does)
CTYPES["c64"], CTYPES["c128"] = "float _Complex", "double _Complex"
COMPLEX = ("c64", "c128")
_COMPLEX_FUNS = ("exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin",
                 "acos", "atan", "asinh", "acosh", "atanh")

# f16, bf16 and the f8 types compute in float and round on every result, as the
# spec rounds each op's result into its output type (nx_codegen.c.prelude)
SMALL = ("f16", "bf16", "f8", "f8_e4m3fn")
COMPUTE = dict(CTYPES, **{t: "float" for t in SMALL})
# the 2- and 4-bit integers are stored packed as spec.codec lays them out (several
# per byte, element 0 in the high bits), compute in a byte and wrap every result
PACKED = ("s2", "s4", "u2", "u4")
for _t in PACKED:
    CTYPES[_t] = COMPUTE[_t] = "int8_t" if _t[0] == "s" else "uint8_t"
# the types whose elements go through the prelude's nx_load_<t> / nx_store_<t>
VIA_PRELUDE = SMALL + PACKED
_UNSIGNED = {"s2": "uint8_t", "s4": "uint8_t", "s8": "uint8_t", "s16": "uint16_t", "s32": "uint32_t", "s64": "uint64_t"}
_INT_LIMITS = {"s2": (-2, 1), "s4": (-8, 7), "u2": (0, 3), "u4": (0, 15), "s8": (-2**7, 2**7 - 1), "s16": (-2**15, 2**15 - 1), "s32": (-2**31, 2**31 - 1),
               "s64": (-2**63, 2**63 - 1), "u8": (0, 2**8 - 1), "u16": (0, 2**16 - 1),
               "u32": (0, 2**32 - 1), "u64": (0, 2**64 - 1)}

# glibc's libmvec has vector versions of these double functions. f32 values compute
# through them in double ("omp declare simd" on an alias of the libm symbol, so that
# gcc vectorises the loop without -ffast-math, which would break NaN and -0.0): a
# few ULPs of double are far below half an ULP of f32. f64 values keep the scalar
# libm functions, which are within the spec's 1 ULP.
def _has_library(soname):
    """Whether the dynamic loader finds ``soname`` (a dlopen: much cheaper than
    ``ctypes.util.find_library``, which runs ldconfig)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


MVEC = ("acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "cos", "cosh", "erf", "erfc",
        "exp", "expm1", "log", "log10", "log1p", "log2", "sin", "sinh", "tan", "tanh")
HAS_MVEC = _has_library("libmvec.so.1")
_DECLARE_SIMD = "".join(f"#pragma omp declare simd notinbranch\nextern double nx_v_{f}(double) "
                        f"__asm__(\"{f}\");\n" for f in MVEC) if HAS_MVEC else ""

HEADER = r"""#include <stdint.h>
#include <math.h>
#include <complex.h>
static inline double _Complex nx_cmul(double _Complex a, double _Complex b) {
  /* the textbook product, as the spec's multiply (no C99 Annex G recovery) */
  const double ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);
  double rr = ar * br, ii = ai * bi, ri = ar * bi, ir = ai * br;
  /* keep gcc's complex-multiply pattern (which fuses into FMAs, rounding once
     where the spec rounds each product) from matching */
  __asm__("" : "+x"(rr), "+x"(ii), "+x"(ri), "+x"(ir));
  return __builtin_complex(rr - ii, ri + ir);
}
static inline double _Complex nx_cdiv(double _Complex a, double _Complex b) {
  /* the spec's divide: a real divisor divides each component; a zero divisor
     divides each component by +0.0; otherwise Smith's scaled division */
  const double ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);
  if (bi == 0 && br != 0 && br == br) return __builtin_complex(ar / br, ai / br);
  const double abr = fabs(br), abi = fabs(bi);
  /* the empty asm statements keep each product rounded on its own: gcc's SLP
     vectoriser would otherwise fuse them into FMAs despite -ffp-contract=off */
  if (abr >= abi) {
    if (abr == 0) return __builtin_complex(ar / 0.0, ai / 0.0);
    double q = bi / br, bq = bi * q, aq = ai * q, rq = ar * q;
    __asm__("" : "+x"(bq), "+x"(aq), "+x"(rq));
    const double d = br + bq;
    return __builtin_complex((ar + aq) / d, (ai - rq) / d);
  }
  if (abi >= abr) {
    double q = br / bi, bq = br * q, rq = ar * q, aq = ai * q;
    __asm__("" : "+x"(bq), "+x"(rq), "+x"(aq));
    const double d = bq + bi;
    return __builtin_complex((rq + ai) / d, (aq - ar) / d);
  }
  return __builtin_complex(NAN, NAN);
}
""" + _DECLARE_SIMD + r"""static inline float nx_maxf(float a, float b) { return (a != a || b != b) ? a + b : (a > b || (a == b && !signbit(a))) ? a : b; }
static inline double nx_max(double a, double b) { return (a != a || b != b) ? a + b : (a > b || (a == b && !signbit(a))) ? a : b; }
static inline float nx_minf(float a, float b) { return (a != a || b != b) ? a + b : (a < b || (a == b && signbit(a))) ? a : b; }
static inline double nx_min(double a, double b) { return (a != a || b != b) ? a + b : (a < b || (a == b && signbit(a))) ? a : b; }
"""

_FLOAT_UNARY = {"exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin", "cos": "cos",
                "tan": "tan", "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "expm1": "expm1",
                "log1p": "log1p", "atan": "atan", "asin": "asin", "acos": "acos",
                "asinh": "asinh", "acosh": "acosh", "atanh": "atanh", "cbrt": "cbrt",
                "erf": "erf", "erfc": "erfc", "abs": "fabs"}
_COMPARE = {"equal": "==", "not_equal": "!=", "less": "<", "less_equal": "<=", "greater": ">",
            "greater_equal": ">="}
_ARITH = {"add": "+", "subtract": "-", "multiply": "*"}


def _is_float(t):
    return t in ("f32", "f64")


def _is_int(t):
    return t in _INT_LIMITS


def supports(node) -> bool:
    """Whether this renderer computes the element-wise ``node`` (its op on its
    compute and output types)."""
    if not _types_used(node) <= set(COMPUTE):
        return False
    extra = elementwise.supports(node)
    return supports_core(node) if extra is None else extra


def _types_used(node):
    return {str(node.out.type)} | {str(x.out.type) for x in node.inputs()}


def supports_core(node) -> bool:
    """Whether :func:`elem_core` computes the element-wise ``node``."""
    types_used = _types_used(node)
    if not types_used <= set(COMPUTE):
        return False
    op = node.op
    if op in ("as_type", "constant", "select"):
        return True
    out = str(node.out.type)
    if types_used & set(COMPLEX):
        return op in _COMPLEX_FUNS or op in ("add", "subtract", "multiply", "divide", "negate",
                                             "equal", "not_equal", "conjugate", "real", "imag",
                                             "abs")
    if op in _FLOAT_UNARY or op in ("divide", "sigmoid", "rsqrt", "log2", "log10"):
        return _is_float(out) or out in SMALL
    if op in _ARITH or op in ("negate", "max", "min"):
        return True
    if op in _COMPARE:
        return True
    if op in ("logical_and", "logical_or", "logical_not", "logical_xor"):
        return True
    if op in ("is_nan", "is_infinity"):
        return True
    return False


class _Body:
    """Statements of one loop body, with shared temporaries."""

    def __init__(self, types_of, indent, elem=None, dialect=None):
        self.types_of, self.indent = types_of, indent
        self.lines, self.temps, self.count = [], {}, [0]
        self.dialect = dialect or C_DIALECT
        self.elem = elem or self.dialect.elem

    def emit(self, ctype, text):
        name = f"t{self.count[0]}"
        self.count[0] += 1
        self.lines.append(f"{self.indent}const {ctype} {name} = {text};")
        return name

    def value(self, e):
        if e in self.temps:
            return self.temps[e]
        if isinstance(e, ir.Const):
            text = self.dialect.const(e.value, "f32" if e.type in SMALL else e.type)
            self.temps[e] = text
            return text
        if isinstance(e, ir.Load):
            load = f"nx_load_{e.type}({e.buffer}, {e.offset})" if e.type in VIA_PRELUDE \
                else f"{e.buffer}[{e.offset}]"
            name = self.emit(self.dialect.ctype(e.type), load)
        elif isinstance(e, ir.Cast):
            src = _type_of(e.arg)
            inner = self.value(e.arg)
            if src == e.type:
                self.temps[e] = inner
                return inner
            name = self.emit(self.dialect.ctype(e.type), self.dialect.cast(inner, src, e.type))
        elif isinstance(e, ir.Acc):
            name = f"acc{e.index}_out"
        else:
            args = [self.value(a) for a in e.args]
            compute = "f32" if e.compute in SMALL else e.compute
            out = "f32" if e.type in SMALL else e.type
            text = self.elem(e.op, args, compute, out)
            if e.type in SMALL:
                text = f"nx_cast_f32_{e.type}({text})"
            elif e.type in PACKED:
                text = f"nx_wrap_{e.type}((uint64_t)({text}))"
            name = self.emit(self.dialect.ctype(e.type), text)
        self.temps[e] = name
        return name


def _type_of(e):
    return e.type


def _const(value, t):
    if t in COMPLEX:
        part = "f32" if t == "c64" else "f64"
        z = complex(value)
        return f"__builtin_complex({_const(z.real, part)}, {_const(z.imag, part)})"
    if _is_float(t):
        v = float(value) if not isinstance(value, str) else float(value)
        if math.isnan(v):
            return "((double)NAN)" if t == "f64" else "((float)NAN)"
        if math.isinf(v):
            return ("-" if v < 0 else "") + ("INFINITY" if t == "f32" else "((double)INFINITY)")
        text = repr(v)
        return text + "f" if t == "f32" else text
    v = int(value)
    lo, hi = _INT_LIMITS[t]
    v = (v - lo) % (hi - lo + 1) + lo
    if t == "s64" and v == lo:
        return "INT64_MIN"
    suffix = "ULL" if t == "u64" else ("LL" if t == "s64" else "")
    return f"(({CTYPES[t]}){v}{suffix})"


def _cast(x, src, dst):
    """A conversion with the spec's semantics: C's own where they agree (integer
    wrap-around, one rounding of an integer or f64 into f32/f64), the prelude's
    exact ``nx_cast_<src>_<dst>`` everywhere else."""
    if dst in PACKED and src != dst:
        return f"nx_cast_{src}_{dst}({x})"
    if _is_int(dst) and _is_int(src) or _is_float(dst) and (_is_int(src) or _is_float(src)):
        return f"({CTYPES[dst]}){x}"
    return f"nx_cast_{src}_{dst}({x})"


def storage_type(t) -> str:
    """The C type of a buffer element of type ``t``.

    >>> storage_type("f32"), storage_type("bf16")
    ('float', 'uint16_t')
    """
    return _prelude().TYPES[t].storage if t in VIA_PRELUDE else CTYPES[t]


def _complex_elem(op, args, compute):
    f = "f" if compute == "c64" else ""
    c = CTYPES[compute]
    if op == "multiply":
        return f"({c})nx_cmul({args[0]}, {args[1]})"
    if op == "divide":
        return f"({c})nx_cdiv({args[0]}, {args[1]})"
    if op in _ARITH:
        return f"{args[0]} {_ARITH[op]} {args[1]}"
    if op == "negate":
        return f"-{args[0]}"
    if op in ("equal", "not_equal"):
        return f"(uint8_t)({args[0]} {_COMPARE[op]} {args[1]})"
    if op in ("abs", "real", "imag", "conjugate"):
        name = {"abs": "cabs", "real": "creal", "imag": "cimag", "conjugate": "conj"}[op]
        return f"{name}{f}({args[0]})"
    # the functions compute in double (the float versions lose ULPs for large
    # arguments) and round once, as the spec does
    return f"({c})c{op}((double _Complex){args[0]})"


def _elem(op, args, compute, out):
    text = vmath.rule(op, args, compute) or elementwise.rule(op, args, compute, out)
    if text is not None:
        return text
    return elem_core(op, args, compute, out)


def elem_core(op, args, compute, out):
    """The C expression of the core element-wise ops (:func:`supports_core`),
    shared by the C-like dialects."""
    if op == "select":
        return f"({args[0]} != 0 ? {args[1]} : {args[2]})"
    if compute in COMPLEX:
        return _complex_elem(op, args, compute)
    c = CTYPES[compute]
    suffix = "f" if compute == "f32" else ""
    if op in _ARITH:
        if _is_int(compute) and compute in _UNSIGNED:
            u = _UNSIGNED[compute]
            return f"({c})(({u}){args[0]} {_ARITH[op]} ({u}){args[1]})"
        return f"({c})({args[0]} {_ARITH[op]} {args[1]})"
    if op == "negate":
        if compute in _UNSIGNED:
            return f"({c})(({_UNSIGNED[compute]})0 - ({_UNSIGNED[compute]}){args[0]})"
        return f"({c})(-{args[0]})"
    if op == "divide":
        return f"{args[0]} / {args[1]}"
    if op in ("max", "min"):
        if _is_float(compute):
            return f"nx_{op}{suffix}({args[0]}, {args[1]})"
        cmp = ">" if op == "max" else "<"
        return f"({args[0]} {cmp} {args[1]} ? {args[0]} : {args[1]})"
    if op in _COMPARE:
        return f"(uint8_t)({args[0]} {_COMPARE[op]} {args[1]})"
    if op in ("is_nan", "is_infinity"):
        if not (_is_float(compute) or compute in SMALL):
            return "(uint8_t)0"
        return f"(uint8_t)({'isnan' if op == 'is_nan' else 'isinf'}({args[0]}) != 0)"
    if op == "logical_not":
        return f"(uint8_t)({args[0]} == 0)"
    if op in ("logical_and", "logical_or", "logical_xor"):
        sym = {"logical_and": "&&", "logical_or": "||", "logical_xor": "!="}[op]
        return f"(uint8_t)(({args[0]} != 0) {sym} ({args[1]} != 0))"
    vector = compute == "f32" and HAS_MVEC
    if op == "sigmoid":      # in double, so that exp(-x) cannot overflow before the division
        exp = "nx_v_exp" if vector else "exp"
        return f"({c})(1.0 / (1.0 + {exp}(-(double){args[0]})))"
    if op == "rsqrt":
        return f"1 / sqrt{suffix}({args[0]})"
    fname = _FLOAT_UNARY.get(op, op if op in ("log2", "log10") else None)
    if fname is not None and vector and fname in MVEC:
        return f"(float)nx_v_{fname}((double){args[0]})"
    if fname is not None:
        return f"{fname}{suffix}({args[0]})"
    raise NotImplementedError(f"the C renderer has no rule for {op} on {compute}")


def kernel_buffers(kernel) -> list:
    """The buffers a kernel touches, in argument order: read-only ones first
    (sorted), then written ones (sorted)."""
    reads = sorted(kernel.loads() - kernel.writes())
    return reads + sorted(kernel.writes())


_VARS = re.compile(r"\b([or])(\d+)\b")


def _uses_dims(texts, letter):
    return any(m.group(1) == letter for t in texts for m in _VARS.finditer(t))


def _loops(letter, shape, flat, indent):
    """(opening lines, closing lines, inner indent) of the loops over ``shape``."""
    if flat or len(shape) <= 1:
        n = math.prod(shape)
        return [f"{indent}for (int64_t {letter} = 0; {letter} < {n}; {letter}++) {{"] + \
            ([f"{indent}  const int64_t {letter}0 = {letter};"] if len(shape) == 1 else []), \
            [f"{indent}}}"], indent + "  "
    opening, closing = [], []
    ind = indent
    for k, n in enumerate(shape):
        opening.append(f"{ind}for (int64_t {letter}{k} = 0; {letter}{k} < {n}; {letter}{k}++) {{")
        closing.insert(0, f"{ind}}}")
        ind += "  "
    strides, acc = [], 1
    for n in reversed(shape):
        strides.insert(0, acc)
        acc *= n
    lin = " + ".join(f"{letter}{k} * {s}" if s != 1 else f"{letter}{k}" for k, s in enumerate(strides))
    opening.append(f"{ind}const int64_t {letter} = {lin};")
    return opening, closing, ind


def _offsets(kernel):
    texts = [str(s.offset) for s in kernel.stores + kernel.inner_stores]
    for root in [a.value for a in kernel.accs] + [s.value for s in kernel.stores + kernel.inner_stores]:
        texts += [str(e.offset) for e in ir.walk(root) if isinstance(e, ir.Load)]
    return texts


# the accumulators of reductions (their own module; the dialects use them from here)
from nx_codegen.c.accumulators import (_acc_init, _acc_total, _acc_type, _acc_update,  # noqa: E402
                                       _acc_vars, _compensated, _neumaier, _scaled)  # noqa: F401


PARALLEL_MIN = 1 << 16     # elements below which a kernel runs on one thread


class Dialect:
    """What differs between C-like targets, in the C version: the function's
    head, the outer loop, OpenMP pragmas and lane-split sums, the element
    expressions. :mod:`nx_codegen.opencl.render` derives the OpenCL one."""

    pragmas = True      # OpenMP: threads and simd loops
    lanes = True        # long f64 sums as vector lanes (_lane_sums)

    def head(self, name, params):
        """The opening lines of kernel ``name``; ``params`` are ``(buffer, C
        storage type, written)`` in argument order."""
        lines = [f"void {name}(void *const *b) {{"]
        for i, (n, ctype, written) in enumerate(params):
            lines.append(f"  {'' if written else 'const '}{ctype} *restrict {n} = b[{i}];")
        return lines

    def outer(self, shape, flat, indent):
        """(opening lines, closing lines, inner indent) of the outer loop."""
        return _loops("o", shape, flat, indent)

    def elem(self, op, args, compute, out):
        return _elem(op, args, compute, out)

    # how values are typed, written, converted and accumulated (the OpenCL
    # dialect overrides these for complex values, which are vectors there)
    def ctype(self, t):
        """The C type of a compute value of type ``t``."""
        return COMPUTE[t]

    def const(self, value, t):
        return _const(value, t)

    def cast(self, x, src, dst):
        return _cast(x, src, dst)

    def acc_start(self, r, j):
        """The declaration of reduction ``j``'s accumulators."""
        if _compensated(r):
            return "double " + ", ".join(f"{n} = 0" for n in _acc_vars(r, j)) + ";"
        if _scaled(r):
            return f"double acc{j} = 1; int64_t acc{j}_e = 0;"
        return f"{_acc_type(r)} acc{j} = {_acc_init(r)};"

    def acc_update(self, r, acc, v):
        return _acc_update(r, acc, v)

    def acc_out(self, r, j):
        """The value of reduction ``j``'s result, of its compute type."""
        total = _acc_total(r, j)
        if r.type in SMALL:
            total = f"nx_cast_f64_{r.type}((double){total})"
        elif r.type in PACKED:
            total = f"nx_wrap_{r.type}((uint64_t){total})"
        return f"({COMPUTE[r.type]}){total}"


C_DIALECT = Dialect()


def render_kernel(kernel, types_of, threads=1, dialect=C_DIALECT) -> str:
    """The C function of one kernel; ``types_of`` maps buffer names to types.
    With ``threads`` > 1, a kernel of at least :data:`PARALLEL_MIN` elements
    splits its outer loop (or, for a reduction to few values, its inner loop)
    over that many OpenMP threads."""
    names = kernel_buffers(kernel)
    writes = kernel.writes()
    lines = dialect.head(kernel.name, [(n, storage_type(types_of[n]), n in writes) for n in names])
    texts = _offsets(kernel)
    outer_flat = not _uses_dims(texts, "o")
    inner_flat = not _uses_dims(texts, "r")
    open_o, close_o, ind = dialect.outer(kernel.outer, outer_flat, "  ")
    # a store into a packed buffer rewrites its whole byte: such loops run in
    # order, on one thread, without vectorisation (as every loop of a dialect
    # without OpenMP pragmas)
    no_omp = any(types_of[n] in PACKED for n in writes) or not dialect.pragmas
    parallel = threads > 1 and kernel.size >= PARALLEL_MIN and not no_omp
    outer_size = math.prod(kernel.outer)
    par_outer = parallel and (outer_size >= 4 * threads or not kernel.accs)
    par = f" num_threads({threads}) schedule(static)"
    if not kernel.accs and outer_flat:
        if not no_omp:
            lines.append("  #pragma omp parallel for simd" + par if par_outer else "  #pragma omp simd")
    elif par_outer:
        lines.append("  #pragma omp parallel for" + par)
    lines += open_o
    counter = [0]
    if kernel.accs:
        for j, r in enumerate(kernel.accs):
            lines.append(f"{ind}{dialect.acc_start(r, j)}")
        if lanes.splits(kernel, inner_flat) and not no_omp and dialect.lanes:
            lines += lanes.render(kernel, types_of, counter, ind, parallel and not par_outer, threads)
            open_r = None
        else:
            open_r, close_r, ind2 = _loops("r", kernel.inner, inner_flat, ind)
        par_inner = parallel and not par_outer and inner_flat and len(kernel.accs) == 1
        head = f"parallel for simd{par}" if par_inner else "simd"
        # compensated sums are never an OpenMP reduction, which would combine the
        # partial sums without their compensation (long f64 ones: _lane_sums)
        simd = [f"{ind}#pragma omp {head} reduction({'+' if r.combine == 'add' else '*'}:"
                + ", ".join(_acc_vars(r, j)) + ")"
                for j, r in enumerate(kernel.accs)
                if r.combine in ("add", "multiply") and not _compensated(r) and not _scaled(r)
                and not (r.combine == "multiply" and r.type in COMPLEX)]
        if simd and inner_flat and len(kernel.accs) == 1 and open_r is not None and not no_omp:
            lines += simd
        if open_r is not None:
            lines += open_r
            lines += _inner_body(kernel, types_of, counter, ind2, dialect.acc_update,
                                 dialect=dialect) + close_r
        for j, r in enumerate(kernel.accs):
            lines.append(f"{ind}const {dialect.ctype(r.type)} acc{j}_out = {dialect.acc_out(r, j)};")
    body = _Body(types_of, ind, dialect=dialect)
    body.count = counter
    for s in kernel.stores:
        body.lines.append(f"{ind}{_store(s, body.value(s.value), types_of)}")
    lines += body.lines + close_o + ["}"]
    return "\n".join(lines)


def _inner_body(kernel, types_of, counter, ind, update, accs=None, elem=None, dialect=None):
    """The statements of one inner iteration: the inner stores, then each
    reduction's update (``update(r, accumulator name, value)``)."""
    body = _Body(types_of, ind, elem, dialect)
    body.count = counter
    for s in kernel.inner_stores:
        body.lines.append(f"{ind}{_store(s, body.value(s.value), types_of)}")
    for j, r in enumerate(kernel.accs):
        name = f"acc{j}" if accs is None else accs[j]
        if r.combine == "step":        # the user's fold: acc = step(value, acc)
            body.temps[ir.Var("value", r.type)] = body.value(r.value)
            body.temps[ir.Var("acc", r.type)] = name
            body.lines.append(f"{ind}{name} = {body.value(r.step)};")
            continue
        body.lines.append(f"{ind}{update(r, name, body.value(r.value))}")
    return body.lines


def _prelude():
    from nx_codegen.c import prelude
    return prelude


def _store(store, value, types_of):
    t = types_of[store.buffer]
    if t in VIA_PRELUDE:
        return f"nx_store_{t}({store.buffer}, {store.offset}, {value});"
    return f"{store.buffer}[{store.offset}] = {value};"


def render_program(program, threads=1) -> str:
    """The C source of every kernel of a program (fused loops and dedicated
    kernels), with the shared header."""
    from nx_codegen.c import externs
    types_of = {n: b.type for n, b in program.buffers.items()}
    parts = [render_kernel(k, types_of, threads) for k in program.kernels()]
    parts += [externs.render(x, types_of) for x in program.externs()]
    # f32 and f64: the types dedicated kernels compute in
    used = set(types_of.values()) | _expression_types(program) | {"f32", "f64"}
    return (HEADER + _prelude().prelude_for(sorted(used)) + "\n" + vmath.SOURCE + elementwise.SOURCE
            + "\n\n".join(parts) + "\n")


def _expression_types(program):
    """The types of every value the kernels compute, intermediates included (a
    cast into a type that no buffer holds still needs its prelude function)."""
    out = set()
    for k in program.kernels():
        roots = [a.value for a in k.accs] + [st.value for st in k.inner_stores + k.stores]
        out.update(e.type for r in roots for e in ir.walk(r))
    return out


def _op_exists(name):   # used by tests: every op named here is a registry op
    return registry.get(name) is not None
