"""The C prelude of generated kernels: how each of the 20 types is stored, loaded,
computed on and converted, exactly as :mod:`spec.values` and :mod:`spec.codec` say.

A kernel reads element ``i`` of a buffer with ``nx_load_<t>(base, i)``, which
returns the element's *compute value* (a C value of ``TYPES[t].compute``), computes
on compute values and writes with ``nx_store_<t>(base, i, v)``, which rounds or
wraps ``v`` into the storage layout of :mod:`spec.codec`. ``nx_cast_<a>_<b>(v)``
converts a compute value of ``a`` into one of ``b`` as :func:`spec.values.cast`
does (400 functions, generated below from a few rules):

* f16, bf16, f8 and f8_e4m3fn compute in ``float`` (every value of theirs is
  exact there) and are stored as their bit patterns; the rounding into them is
  written with integer bit operations and selects, so that gcc vectorises loops
  calling it, and rounds once from the exact value: from a ``double`` directly
  (an f64 source), and from an integer beyond 2**53 through a "sticky" double
  that keeps whether any low bit was set;
* integers compute in their own width (``int8_t`` ... ``uint64_t``; the packed
  2- and 4-bit ones in ``int8_t``/``uint8_t``), so that assigning a result wraps
  it as the spec does (gcc converts to signed types modulo 2**n). Arithmetic
  that may overflow must run in ``TYPES[t].arith`` (unsigned, wrapping) and the
  packed types need ``nx_wrap_<t>`` after it;
* c64 and c128 compute in C99 ``float _Complex`` and ``double _Complex``.

>>> TYPES["bf16"].storage, TYPES["bf16"].compute, TYPES["s4"].packed, TYPES["u64"].arith
('uint16_t', 'float', 4, 'uint64_t')
>>> "nx_cast_f64_f16" in prelude_for(["f64", "f16"]), "nx_load_s8" in prelude_for(["f64", "f16"])
(True, False)
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from spec import types

__all__ = ["CType", "TYPES", "PRELUDE", "prelude_for", "cast_name", "ROUNDED_FLOATS"]

# The float types stored as bit patterns and computed in float.
ROUNDED_FLOATS = ("f16", "bf16", "f8", "f8_e4m3fn")


@dataclass(frozen=True)
class CType:
    """How one type lives in C: ``storage`` is the C type of one stored element
    (for the packed types: the byte holding ``8 // packed`` elements, element 0
    in its high bits), ``compute`` the C type kernels compute in, ``arith`` the
    unsigned type in which integer ``+ - *`` wrap without undefined behaviour
    (None for floats), ``packed`` the bits of a packed element (0 otherwise),
    and the names of its C functions (``wrap`` only for integers)."""
    name: str
    storage: str
    compute: str
    arith: str | None
    packed: int
    load: str
    store: str
    wrap: str | None


def _ctype(t) -> CType:
    name, bits = t.name, t.bits
    if t.is_integer:
        width = max(bits, 8)
        c = f"{'int' if t.kind == 's' else 'uint'}{width}_t"
        arith = "uint64_t" if bits == 64 else "uint32_t"
        return CType(name, "uint8_t" if bits < 8 else c, c, arith, bits if bits < 8 else 0,
                     f"nx_load_{name}", f"nx_store_{name}", f"nx_wrap_{name}")
    if t.is_complex:
        storage = compute = "float _Complex" if bits == 64 else "double _Complex"
    elif name in ROUNDED_FLOATS:
        storage, compute = f"uint{bits}_t", "float"
    else:
        storage = compute = "float" if bits == 32 else "double"
    return CType(name, storage, compute, None, 0, f"nx_load_{name}", f"nx_store_{name}", None)


TYPES = {t.name: _ctype(t) for t in types.ALL_TYPES}


def cast_name(from_type, to_type) -> str:
    """The C function converting a compute value of ``from_type`` to ``to_type``.

    >>> cast_name("f8_e4m3fn", ("s", 4))
    'nx_cast_f8_e4m3fn_s4'
    """
    return f"nx_cast_{types.normalize(from_type).name}_{types.normalize(to_type).name}"


# -- chunks of C source, each with the chunks it needs ----------------------------

_BASE = r"""#include <stdint.h>
#include <math.h>
#include <complex.h>
#include <string.h>

/* Bit casts (memcpy compiles to a register move). */
static inline uint32_t nx_bits_f32(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline float nx_f32_of_bits(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
static inline uint64_t nx_bits_f64(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static inline double nx_f64_of_bits(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

/* cond ? a : b as masks: unlike a ternary, gcc vectorises it on any x86-64 */
static inline uint32_t nx_sel_u32(int cond, uint32_t a, uint32_t b) {
    uint32_t m = (uint32_t)0 - (uint32_t)(cond != 0);
    return (a & m) | (b & ~m);
}

/* An integer as a double that rounds like it into any format of at most 24
   significant bits: exact below 2**53; above, bits 0..10 are replaced by one
   sticky bit 11 (set when any of them was), far below the rounding position,
   so that the double (exact: 53 bits) rounds once, like the integer would. */
static inline double nx_u64_to_f64_sticky(uint64_t v) {
    uint64_t s = (v & ~(uint64_t)0x7FF) | ((uint64_t)((v & 0x7FF) != 0) << 11);
    return (double)(v >> 53 ? s : v);
}
static inline double nx_s64_to_f64_sticky(int64_t v) {
    double d = nx_u64_to_f64_sticky(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
    return v < 0 ? -d : d;
}
"""

# (exponent bits, mantissa bits, unsigned C type, float C type, literal suffix)
_SOURCES = {"f32": (8, 23, "uint32_t", "float", "f"), "f64": (11, 52, "uint64_t", "double", "")}


def _bits_of(value: float, src: str) -> int:
    fmt, code = ("<f", "<I") if src == "f32" else ("<d", "<Q")
    return struct.unpack(code, struct.pack(fmt, value))[0]


def _hex(value: int, src: str) -> str:
    return f"0x{value:X}{'u' if src == 'f32' else 'ull'}"


def _nan_code(fmt: str) -> str:
    """The bits of a quiet NaN of ``fmt`` (sign added by the caller): bf16 keeps
    the payload bits that fit, as an f32 NaN made quiet (spec.codec)."""
    e, m = types.FLOAT_FORMATS[fmt]
    if fmt == "bf16":
        return "((nx_bits_f32(x) >> 16) | 0x40u)"
    if fmt == "f8_e4m3fn":
        return "0x7Fu"
    return f"{((1 << e) - 1) << m | 1 << (m - 1):#x}u"


def _round_fn(src: str, fmt: str) -> str:
    """``nx_<src>_to_<fmt>_bits``: a real of the source float type rounded to
    the nearest ``fmt`` (ties to even), as its bit pattern; no branches on data."""
    se, sm, uint, flt, suffix = _SOURCES[src]
    width, sint = 1 + se + sm, uint[1:]
    e, m = types.FLOAT_FORMATS[fmt]
    nbits, bias, sbias, shift = 1 + e + m, (1 << (e - 1)) - 1, (1 << (se - 1)) - 1, sm - m
    finite_only = fmt == "f8_e4m3fn"
    max_finite = types.max_finite(fmt)
    # values from here on round past the largest finite value: to infinity (a tie
    # goes up: the largest mantissa is odd), or saturate (f8_e4m3fn, from 448 on)
    over = max_finite if finite_only else max_finite + 2.0 ** (bias - m - 1)
    over_code = 0x7E if finite_only else ((1 << e) - 1) << m
    rebias_round = ((bias - sbias) << sm) + (1 << (shift - 1)) - 1
    nan = _nan_code(fmt)
    if src == "f64" and fmt == "bf16":
        nan = nan.replace("nx_bits_f32(x)", "nx_bits_f32((float)x)")

    def lit(value: float) -> str:   # the bits of a source value, as a signed literal
        return f"{_bits_of(value, src):#x}{'' if src == 'f32' else 'll'}"
    lines = [f"{uint} u = nx_bits_{src}(x);",
             "/* |x|'s bits, signed: signed compares vectorise best */",
             f"{sint} a = ({sint})(u & {_hex((1 << (width - 1)) - 1, src)});",
             f"/* a normal result: rebias the exponent and round at bit {shift}, ties to even */",
             f"uint32_t r = (uint32_t)((({uint})a + {_hex(rebias_round % (1 << width), src)} "
             f"+ ((({uint})a >> {shift}) & 1)) >> {shift});"]
    if (src, fmt) != ("f32", "bf16"):
        # (bf16 has f32's exponent: the rule above rounds f32's subnormals too)
        magic = sm + 1 - bias - m
        lines += [f"/* a subnormal one: adding 0x1p{magic}, whose ulp is the smallest subnormal of",
                  f"   {fmt}, rounds |x| to a multiple of that ulp in hardware (|x| is normal",
                  "   or too small to matter: FTZ and DAZ modes do not change the result) */",
                  f"uint32_t s = (uint32_t)(nx_bits_{src}(nx_{src}_of_bits(({uint})a) + 0x1p{magic}{suffix})"
                  f" - {_hex(_bits_of(2.0 ** magic, src), src)});",
                  f"r = nx_sel_u32(a < {lit(2.0 ** (1 - bias))}, s, r);"]
    lines += [f"r = nx_sel_u32(a >= {lit(over)}, {over_code:#x}u, r);",
              f"r = nx_sel_u32(a > {lit(float('inf'))}, {nan}, r);",
              f"return r | ((uint32_t)(u >> {width - nbits}) & {1 << (nbits - 1):#x}u);"]
    return (f"static inline uint32_t nx_{src}_to_{fmt}_bits({flt} x) {{\n"
            + "".join(f"    {line}\n" for line in lines) + "}\n")


def _decode_fn(fmt: str) -> str:
    """``nx_<fmt>_bits_to_f32``: the value of a bit pattern, as a float. NaNs
    become the canonical quiet NaN with their sign (f16 and the f8 types keep no
    payload), except bf16's, which keep theirs, made quiet."""
    if fmt == "bf16":
        return """static inline float nx_bf16_bits_to_f32(uint32_t h) {
    uint32_t u = h << 16;
    return nx_f32_of_bits(nx_sel_u32((u & 0x7FFFFFFFu) > 0x7F800000u, u | 0x400000u, u));
}
"""
    e, m = types.FLOAT_FORMATS[fmt]
    nbits, bias = 1 + e + m, (1 << (e - 1)) - 1
    em_mask, inf_code = (1 << (nbits - 1)) - 1, ((1 << e) - 1) << m
    if fmt == "f8_e4m3fn":   # no infinities; only S.1111.111 is NaN
        special = f"nx_sel_u32(em == {em_mask:#x}u, 0x7FC00000u, r)"
    else:
        special = (f"nx_sel_u32(em >= {inf_code:#x}u, "
                   f"nx_sel_u32(em == {inf_code:#x}u, 0x7F800000u, 0x7FC00000u), r)")
    return f"""static inline float nx_{fmt}_bits_to_f32(uint32_t h) {{
    uint32_t em = h & {em_mask:#x}u;
    /* a normal value: the fields move into f32's place, the exponent is rebiased */
    uint32_t r = (em << {23 - m}) + {(127 - bias) << 23:#x}u;
    /* a subnormal one: its mantissa times the smallest subnormal (exact, normal in f32) */
    r = nx_sel_u32(em < {1 << m:#x}u, nx_bits_f32((float)(int32_t)em * 0x1p{1 - bias - m}f), r);
    r = {special};
    return nx_f32_of_bits(r | ((h << {32 - nbits}) & 0x80000000u));
}}
"""


def _format_chunk(fmt: str) -> str:
    return (f"/* {fmt}: stored as bits, computed in float */\n" + _round_fn("f32", fmt)
            + _round_fn("f64", fmt) + _decode_fn(fmt)
            + f"static inline float nx_round_{fmt}(float x) "
              f"{{ return nx_{fmt}_bits_to_f32(nx_f32_to_{fmt}_bits(x)); }}\n"
            + f"static inline float nx_round_{fmt}_f64(double x) "
              f"{{ return nx_{fmt}_bits_to_f32(nx_f64_to_{fmt}_bits(x)); }}\n")


def _wrap_fn(t: CType) -> str:
    """``nx_wrap_<t>``: the low bits of an integer (given modulo 2**64) as a value of t."""
    bits = types.normalize(t.name).bits
    if t.packed and t.name[0] == "s":
        body = f"(int8_t)((int8_t)((uint8_t)v << {8 - bits}) >> {8 - bits})"
    elif t.packed:
        body = f"(uint8_t)(v & {(1 << bits) - 1})"
    else:
        body = f"({t.compute})v"   # unsigned: modulo 2**n by C; signed: modulo by gcc
    return f"static inline {t.compute} {t.wrap}(uint64_t v) {{ return {body}; }}\n"


def _io_fns(t: CType) -> str:
    """``nx_load_<t>`` and ``nx_store_<t>``."""
    c = t.compute
    load = f"static inline {c} {t.load}(const void *base, int64_t i) {{ return "
    store = f"static inline void {t.store}(void *base, int64_t i, {c} v) {{"
    if t.packed:
        per, mask = 8 // t.packed, (1 << t.packed) - 1
        lg = per.bit_length() - 1
        where = (f"int sh = (int)({per - 1} - (i & {per - 1})) * {t.packed};"
                 f" /* element 0 in the high bits */")
        return (f"/* {t.name}: {per} per byte, high bits first; a store rewrites its whole byte,\n"
                f"   so two threads must never store into the same byte */\n"
                f"static inline {c} {t.load}(const void *base, int64_t i) {{\n"
                f"    {where}\n"
                f"    return {t.wrap}((uint64_t)(((const uint8_t *)base)[i >> {lg}] >> sh));\n}}\n"
                f"{store}\n    {where}\n"
                f"    uint8_t *p = (uint8_t *)base + (i >> {lg});\n"
                f"    *p = (uint8_t)((*p & ~({mask} << sh)) | (((uint8_t)v & {mask}) << sh));\n}}\n")
    if t.name in ROUNDED_FLOATS:
        return (f"{load}nx_{t.name}_bits_to_f32(((const {t.storage} *)base)[i]); }}\n"
                f"{store} (({t.storage} *)base)[i] = ({t.storage})nx_f32_to_{t.name}_bits(v); }}\n")
    return (f"{load}((const {t.storage} *)base)[i]; }}\n"
            f"{store} (({t.storage} *)base)[i] = v; }}\n")


def _io_deps(t: CType) -> tuple:
    if t.name in ROUNDED_FLOATS:
        return ("fmt:" + t.name,)
    return ("wrap:" + t.name,) if t.wrap else ()


# -- the casts ----------------------------------------------------------------------

def _is_int(name: str) -> bool:
    return TYPES[name].arith is not None


def _literal(x: float, c: str) -> str:
    text = repr(x) if abs(x) < 2 ** 53 else re.sub(r"\.?0*p", "p", x.hex())
    return text + ("f" if c == "float" else "")


def _to_float(a: str, b: str, v: str):
    """A C expression rounding ``v`` (a compute value of the real type ``a``)
    into the real float type ``b``, and the chunks it needs."""
    if a == b:
        return v, ()
    if b == "f64":
        return f"(double){v}", ()
    if b == "f32":   # C rounds once (from integers too: gcc rounds u64 in one step)
        return (f"(float){v}" if a == "f64" or _is_int(a) else v), ()
    deps = ("fmt:" + b,)
    if a in ("s64", "u64"):
        return f"nx_round_{b}_f64(nx_{a}_to_f64_sticky({v}))", deps
    if a in ("s32", "u32"):   # exact in double, not in float
        return f"nx_round_{b}_f64((double){v})", deps
    if a == "f64":
        return f"nx_round_{b}_f64({v})", deps
    return f"nx_round_{b}(" + (f"(float){v})" if _is_int(a) else f"{v})"), deps


_INT_MAX = {"s32": "INT32_MAX", "u32": "UINT32_MAX", "s64": "INT64_MAX", "u64": "UINT64_MAX"}


def _float_to_int(a: str, b: str):
    """Statements converting a float compute value ``v`` to the integer type ``b``:
    truncation toward zero, NaN to 0, infinities and out-of-range values saturate.
    The value is clamped before C converts it (out of range, C leaves it undefined);
    where the largest integer is not a float of the source's width, the clamp stops
    at the float below 2**bits and a select gives the largest integer."""
    t = types.normalize(b)
    lo, hi, c, w = types.min_finite(t), types.max_finite(t), TYPES[b].compute, TYPES[a].compute
    digits = 24 if w == "float" else 53
    bound = hi + 1                                     # a power of two
    top = float(hi) if hi.bit_length() <= digits else float(bound - (bound >> digits))
    lines = [f"{w} c = v == v ? v : 0;   /* NaN gives 0 */",
             f"c = c < {_literal(float(lo), w)} ? {_literal(float(lo), w)} : c;",
             f"c = c > {_literal(top, w)} ? {_literal(top, w)} : c;"]
    if top == hi:
        return lines + [f"return ({c})c;"]
    return lines + [f"return v >= {_literal(float(bound), w)} ? {_INT_MAX[b]} : ({c})c;"]


def _cast_body(a: str, b: str):
    """The statements of ``nx_cast_<a>_<b>`` and the chunks they need."""
    if a == b:
        return ["return v;"], ()
    if a in ("c64", "c128"):
        if b in ("c64", "c128"):   # C converts the two parts, each rounded once
            return [f"return ({TYPES[b].compute})v;"], ()
        part, real = ("f32", "crealf(v)") if a == "c64" else ("f64", "creal(v)")
        return [f"return {cast_name(part, b)}({real});"], (f"cast:{part}:{b}",)
    if b in ("c64", "c128"):       # C gives the imaginary part +0.0
        part = "f32" if b == "c64" else "f64"
        return [f"return ({TYPES[b].compute}){cast_name(a, part)}(v);"], (f"cast:{a}:{part}",)
    if _is_int(b):
        if not _is_int(a):
            return _float_to_int(a, b), ()
        if TYPES[b].packed:
            return [f"return {TYPES[b].wrap}((uint64_t)v);"], (f"wrap:{b}",)
        return [f"return ({TYPES[b].compute})v;"], ()
    expr, deps = _to_float(a, b, "v")
    return [f"return {expr};"], deps


def _cast_fn(a: str, b: str):
    lines, deps = _cast_body(a, b)
    head = f"static inline {TYPES[b].compute} {cast_name(a, b)}({TYPES[a].compute} v)"
    if len(lines) == 1:
        return f"{head} {{ {lines[0]} }}\n", deps
    return head + " {\n" + "".join(f"    {line}\n" for line in lines) + "}\n", deps


def _chunk(key: str):
    """``(text, dependencies)`` of one chunk of the prelude, built on first use
    (a new process renders only the chunks its kernels need)."""
    if key not in _CHUNKS:
        kind, _, rest = key.partition(":")
        if kind == "base":
            _CHUNKS[key] = (_BASE, ())
        elif kind == "fmt":
            _CHUNKS[key] = (_format_chunk(rest), ())
        elif kind == "wrap":
            _CHUNKS[key] = (_wrap_fn(TYPES[rest]), ())
        elif kind == "io":
            _CHUNKS[key] = (_io_fns(TYPES[rest]), _io_deps(TYPES[rest]))
        else:
            _CHUNKS[key] = _cast_fn(*rest.split(":"))
    return _CHUNKS[key]


_CHUNKS: dict = {}


def _emit(key: str, seen: set, out: list):
    if key in seen:
        return
    seen.add(key)
    text, deps = _chunk(key)
    for dep in deps:
        _emit(dep, seen, out)
    out.append(text)


def prelude_for(types_used) -> str:
    """The part of the prelude a kernel using ``types_used`` needs: the loads and
    stores of those types, the casts between any two of them, and what these call.

    >>> src = prelude_for(["s4", "bf16"])
    >>> [name in src for name in ("nx_store_s4", "nx_cast_bf16_s4", "nx_f64_to_bf16_bits", "nx_load_f32")]
    [True, True, True, False]
    >>> len(src) < len(prelude_for(TYPES)) // 10
    True
    """
    names = [t.name for t in types.ALL_TYPES if t in {types.normalize(u) for u in types_used}]
    seen, out = set(), []
    _emit("base", seen, out)
    for a in names:
        _emit("io:" + a, seen, out)
    for a in names:
        for b in names:
            _emit(f"cast:{a}:{b}", seen, out)
    return "\n".join(out)


def __getattr__(name):
    if name == "PRELUDE":     # the whole prelude (every type), built on first use
        return prelude_for(TYPES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
