"""The C prelude compiled with gcc (no -ffast-math) and checked bit for bit against
the spec: every cast ``a -> b`` of the 400 is run as load, cast, store over edge
values of ``a`` and compared with ``spec.codec.encode(b, [spec.values.cast(v, a, b)])``;
the small float types over all their bit patterns, the packed integers in odd
lengths, f32/f64/s64/u64 sources under hypothesis."""

from __future__ import annotations

import math
import platform
import struct
import subprocess

import cffi
import pytest
from hypothesis import given, strategies as st

from spec import codec, types, values
from spec.errors import TypeError_
from nx_codegen.c import prelude
from nx_codegen.c.prelude import PRELUDE, TYPES, cast_name, prelude_for

NAMES = list(TYPES)
PACKED = [n for n in NAMES if TYPES[n].packed]
FLOATS = ["f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64"]
# significant bits (leading one included) of each real float format
PRECISION = {f: types.FLOAT_FORMATS[f][1] + 1 for f in FLOATS}


def _harness() -> tuple[str, str]:
    """C source and cffi declarations: ``t_<a>_<b>(src, dst, n)`` stores the cast
    of every element, and ``r_<t>(src, dst, n)`` copies a packed type backwards."""
    src, decls = [], []
    for a in NAMES:
        for b in NAMES:
            sig = f"void t_{a}_{b}(const void *src, void *dst, int64_t n)"
            decls.append(sig + ";")
            src.append(f"{sig} {{ for (int64_t i = 0; i < n; i++) "
                       f"{TYPES[b].store}(dst, i, {cast_name(a, b)}({TYPES[a].load}(src, i))); }}")
    for t in PACKED:
        sig = f"void r_{t}(const void *src, void *dst, int64_t n)"
        decls.append(sig + ";")
        src.append(f"{sig} {{ for (int64_t i = n; i-- > 0;) "
                   f"{TYPES[t].store}(dst, i, {TYPES[t].load}(src, i)); }}")
    decls.append("int set_ftz_daz(int on);")
    return _FTZ_DAZ + "\n".join(src) + "\n", "\n".join(decls)


# Flush-to-zero and denormals-are-zero, the modes -ffast-math code may leave set.
_FTZ_DAZ = r"""
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
int set_ftz_daz(int on) {
    unsigned m = _mm_getcsr();
    _mm_setcsr(on ? (m | 0x8040u) : (m & ~0x8040u));
    return 1;
}
#else
int set_ftz_daz(int on) { (void)on; return 0; }
#endif
"""


def build(directory, source: str, decls: str, flags=("-O2",)):
    """Compile ``source`` into a shared library and open it with cffi; returns
    (ffi, lib, gcc's diagnostics)."""
    c_file, so_file = directory / "prelude_test.c", directory / "prelude_test.so"
    c_file.write_text(source)
    done = subprocess.run(["gcc", "-std=c11", *flags, "-Wall", "-Wextra", "-shared", "-fPIC",
                           "-o", str(so_file), str(c_file), "-lm"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ffi = cffi.FFI()
    ffi.cdef(decls)
    return ffi, ffi.dlopen(str(so_file)), done.stderr


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    source, decls = _harness()
    return build(tmp_path_factory.mktemp("prelude"), PRELUDE + "\n" + source, decls)


def run(compiled, fn: str, src: bytes, n: int, out_type: str, fill: int = 0,
        ftz_daz: bool = False) -> bytes:
    ffi, lib, _ = compiled
    dst = bytearray([fill]) * codec.nbytes(out_type, n)
    if ftz_daz and not lib.set_ftz_daz(1):
        assert platform.machine() not in ("x86_64", "AMD64", "i686")
    try:
        getattr(lib, fn)(ffi.from_buffer(src), ffi.from_buffer(dst), n)
    finally:
        lib.set_ftz_daz(0)
    return bytes(dst)


def check_casts(compiled, a: str, vals, targets=NAMES, src: bytes | None = None):
    """Cast ``vals`` (values of ``a``, or the data ``src`` of ``len(vals)`` of
    them) to each target in C and in the spec; the bytes must agree. On a
    mismatch, name the first differing element."""
    if src is None:
        src = bytes(codec.encode(a, vals))
    exact = list(codec.decode(a, src, count=len(vals)))
    for b in targets:
        got = run(compiled, f"t_{a}_{b}", src, len(exact), b)
        want = bytes(codec.encode(b, [values.cast(v, a, b) for v in exact]))
        if got != want:
            i, g, w = _first_difference(b, got, want, len(exact))
            pytest.fail(f"cast {a} -> {b}: element {i}: {exact[i]!r} gave {g}, the spec {w}")


def _first_difference(type_, got: bytes, want: bytes, count: int):
    """The first element where two buffers differ, with both as text."""
    bits = types.normalize(type_).bits
    if bits < 8:
        g, w = codec.decode(type_, got, count=count), codec.decode(type_, want, count=count)
        i = next(i for i in range(count) if g[i] != w[i])
        return i, g[i], w[i]
    size = bits // 8
    i = next(i for i in range(count) if got[i * size:(i + 1) * size] != want[i * size:(i + 1) * size])
    g, w = got[i * size:(i + 1) * size], want[i * size:(i + 1) * size]
    return (i, f"{codec.decode(type_, g)[0]!r} (bytes {g.hex()})",
            f"{codec.decode(type_, w)[0]!r} (bytes {w.hex()})")


def _bits(type_, value) -> bytes:
    return bytes(codec.encode(type_, [value]))


# -- edge values ---------------------------------------------------------------------

def _float_edges() -> list[float]:
    xs = [0.0, 1.0, 0.5, 1.5, 2.5, 3.5, 0.1, 1 / 3, 0.99, 127.5, 128.5, 129.0, 255.5, 256.0,
          447.9, 448.0, 456.0, 464.0, 465.0, 480.0, 57344.0, 61439.9, 61440.0, 65504.0,
          65519.9, 65520.0, 1e9, 3e38, 1e300, math.inf, math.nan, 5e-324, 1e-310]
    for f in FLOATS:
        m = PRECISION[f] - 1
        top, tiny = types.max_finite(f), types.smallest_positive_normal(f)
        sub = tiny * 2.0 ** -m
        ulp_top = 2.0 ** (math.frexp(top)[1] - 1 - m)
        xs += [top, top + ulp_top / 2, top + ulp_top / 4, top + ulp_top, tiny, sub, sub / 2,
               sub * 1.5, sub * 0.75, tiny - sub, tiny - sub / 2, 1 + 2.0 ** -(m + 1),
               1 + 3 * 2.0 ** -(m + 1), 1 + 2.0 ** -(m + 1) + 2.0 ** -40, 1 - 2.0 ** -(m + 2)]
    for bits in (2, 4, 8, 16, 31, 32, 63, 64):
        xs += [2.0 ** bits, 2.0 ** bits - 1, 2.0 ** bits + 1, 2.0 ** bits - 0.5, 2.0 ** (bits - 1) - 1]
    return xs + [-x for x in xs]


def _int_edges() -> list[int]:
    xs = [0, 1, 2, 3, 5, 7, 8, 100, 1000]
    for k in range(1, 65):
        xs += [2 ** k - 1, 2 ** k, 2 ** k + 1]
    for p in PRECISION.values():   # ties of each float format, and their neighbours
        for k in range(p, 64):
            half = 2 ** (k - p)
            xs += [2 ** k + half - 1, 2 ** k + half, 2 ** k + half + 1, 2 ** k + 3 * half]
    return xs + [-x for x in xs]


def _unique(type_, xs):
    seen, out = set(), []
    for x in xs:
        key = _bits(type_, x)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def edge_values(name: str) -> list:
    t = types.normalize(name)
    if t.is_integer:
        return _unique(name, [values.wrap_int(t, x) for x in _int_edges()])
    if t.is_complex:
        part = types.to_real(t).name
        reals = edge_values(part)
        imags = [0.0, -0.0, 1.5, math.nan, -math.inf, 3e38]
        return [complex(r, imags[i % len(imags)]) for i, r in enumerate(reals)] \
            + [complex(imags[i % len(imags)], r) for i, r in enumerate(reals)]
    return _unique(name, [values.round_to(t, x) for x in _float_edges()])


@pytest.mark.parametrize("a", NAMES)
def test_every_cast_of_edge_values(compiled, a):
    vals = edge_values(a)
    assert len(vals) >= 4
    check_casts(compiled, a, vals)


def test_edge_values_reach_the_interesting_cases():
    # the double-rounding traps are among the inputs: an f64 just above an f16 tie,
    # an s32 just above a bf16 tie, a u64 just above an f32 tie
    assert 1 + 2.0 ** -11 + 2.0 ** -40 in edge_values("f64")
    assert 2 ** 24 + 2 ** 16 + 1 in edge_values("s32")
    assert 2 ** 63 + 2 ** 39 + 1 in edge_values("u64")
    assert any(v != v and math.copysign(1, v) < 0 for v in edge_values("f16"))


# -- every value of the small types ---------------------------------------------------

@pytest.mark.parametrize("a", ["f16", "bf16", "f8", "f8_e4m3fn"])
def test_every_value_of_a_small_float_to_every_type(compiled, a):
    count = 1 << types.normalize(a).bits
    raw = struct.pack(f"<{count}{'H' if count > 256 else 'B'}", *range(count))
    # from the raw patterns: signalling NaNs and NaN payloads included
    check_casts(compiled, a, list(codec.decode(a, raw)), src=raw)


def _midpoints(fmt: str) -> list[float]:
    """Every point halfway between two neighbouring finite values of ``fmt``."""
    count = 1 << types.normalize(fmt).bits
    raw = struct.pack(f"<{count}{'H' if count > 256 else 'B'}", *range(count))
    ladder = sorted({v for v in codec.decode(fmt, raw) if v == v and not math.isinf(v) and v >= 0})
    return [(x + y) / 2 for x, y in zip(ladder, ladder[1:])]


def _neighbours_f32(x: float) -> list[float]:
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    return [struct.unpack("<f", struct.pack("<I", b))[0] for b in (bits - 1, bits, bits + 1)]


@pytest.mark.parametrize("fmt", ["f16", "bf16", "f8", "f8_e4m3fn"])
def test_every_tie_of_a_small_float_and_its_neighbours(compiled, fmt):
    # ties go to the even neighbour; one ulp of the source either side decides
    mids = _midpoints(fmt)
    f32 = [y for x in mids for y in _neighbours_f32(x)]
    f64 = [y for x in mids for y in (math.nextafter(x, 0), x, math.nextafter(x, math.inf))]
    check_casts(compiled, "f32", f32 + [-x for x in f32], [fmt])
    check_casts(compiled, "f64", f64 + [-x for x in f64], [fmt])


@pytest.mark.parametrize("a", ["f16", "bf16", "f8", "f8_e4m3fn"])
def test_small_float_round_trip_keeps_bits(compiled, a):
    # a load and a store give back the bit pattern, but for NaN payloads that
    # the layout drops (spec.codec): then the type's quiet NaN of the same sign
    count = 1 << types.normalize(a).bits
    raw = struct.pack(f"<{count}{'H' if count > 256 else 'B'}", *range(count))
    got = run(compiled, f"t_{a}_{a}", raw, count, a)
    assert got == bytes(codec.encode(a, codec.decode(a, raw)))
    finite = [i for i, v in enumerate(codec.decode(a, raw)) if v == v]
    width = len(raw) // count
    assert all(got[i * width:(i + 1) * width] == raw[i * width:(i + 1) * width] for i in finite)


@pytest.mark.parametrize("t", PACKED)
@pytest.mark.parametrize("n", [1, 3, 5, 7, 13])
def test_packed_store_rewrites_only_its_own_bits(compiled, t, n):
    lo, hi = types.min_finite(t), types.max_finite(t)
    vals = [lo + (i * 3) % (hi - lo + 1) for i in range(n)]
    src = bytes(codec.encode(t, vals))
    for fn in (f"t_{t}_{t}", f"r_{t}"):
        for fill in (0x00, 0xFF, 0xA5):
            got = run(compiled, fn, src, n, t, fill)
            assert codec.decode(t, got, count=n) == vals, (fn, fill)
            spare = 8 * len(got) - n * types.normalize(t).bits   # padding bits of the last byte
            assert got[-1] & ((1 << spare) - 1) == fill & ((1 << spare) - 1), (fn, fill)


@pytest.mark.parametrize("a", ["f16", "bf16", "f8", "f8_e4m3fn"])
def test_small_float_conversions_ignore_ftz_and_daz(compiled, a):
    # no arithmetic on subnormal floats: loads, stores and the casts between f32
    # and the small floats give the same bits with subnormals flushed to zero
    count = 1 << types.normalize(a).bits
    raw = struct.pack(f"<{count}{'H' if count > 256 else 'B'}", *range(count))
    f32 = bytes(codec.encode("f32", edge_values("f32") + list(codec.decode(a, raw))))
    n32 = len(f32) // 4
    for fn, src, n, out in ((f"t_{a}_{a}", raw, count, a), (f"t_{a}_f32", raw, count, "f32"),
                            (f"t_f32_{a}", f32, n32, a)):
        assert run(compiled, fn, src, n, out, ftz_daz=True) == run(compiled, fn, src, n, out), fn
    check_casts(compiled, a, list(codec.decode(a, raw)), ["f32", a], src=raw)


# -- hypothesis ------------------------------------------------------------------------

SOURCES = {
    "f32": st.floats(width=32),
    "f64": st.floats(),
    "s64": st.integers(-(2 ** 63), 2 ** 63 - 1),
    "u64": st.one_of(st.integers(0, 2 ** 64 - 1), st.integers(2 ** 53, 2 ** 64 - 1)),
    "c64": st.complex_numbers(width=64, allow_infinity=True, allow_nan=True),
    "c128": st.complex_numbers(allow_infinity=True, allow_nan=True),
}


@pytest.mark.parametrize("a", list(SOURCES))
def test_random_values_to_every_type(compiled, a):
    @given(st.lists(SOURCES[a], min_size=1, max_size=40))
    def check(vals):
        check_casts(compiled, a, vals)
    check()


# -- the table, the parts, the build ---------------------------------------------------------

def test_types_table_covers_the_spec_types():
    assert NAMES == [t.name for t in types.ALL_TYPES]
    for name, t in TYPES.items():
        spec_t = types.normalize(name)
        assert t.packed == (spec_t.bits if spec_t.bits < 8 else 0)
        assert (t.arith is not None) == spec_t.is_integer == (t.wrap is not None)
        for fn in filter(None, (t.load, t.store, t.wrap)):
            assert f" {fn}(" in PRELUDE
    assert sum(f" {cast_name(a, b)}(" in PRELUDE for a in NAMES for b in NAMES) == 400
    assert all(hasattr(prelude, name) for name in prelude.__all__)


def test_the_prelude_compiles_without_warnings(compiled):
    assert compiled[2] == ""


@pytest.mark.parametrize("used", [["f16"], ["s4", "c128"], ["f8_e4m3fn", "u64", "bf16"]])
def test_prelude_for_holds_what_a_kernel_needs(tmp_path, used):
    src = prelude_for(used)
    assert len(src) < len(PRELUDE) // 5
    others = [n for n in NAMES if n not in used]
    assert not any(f" {TYPES[n].load}(" in src for n in others)
    code = "\n".join(f"void k_{a}_{b}(const void *s, void *d) {{ {TYPES[b].store}(d, 0, "
                     f"{cast_name(a, b)}({TYPES[a].load}(s, 0))); }}" for a in used for b in used)
    decls = "\n".join(f"void k_{a}_{b}(const void *s, void *d);" for a in used for b in used)
    assert build(tmp_path, src + code, decls)[2] == ""


def test_prelude_for_rejects_an_unknown_type():
    with pytest.raises(TypeError_, match="invalid numerical type"):
        prelude_for(["f32", "f12"])


def test_rounding_loops_vectorise(tmp_path):
    # the conversions are selects and integer operations: gcc -O3 vectorises loops
    # over them (no calls, no branches on data)
    loops = [f"void v_{f}(const float *x, uint16_t *y, int64_t n) "
             f"{{ for (int64_t i = 0; i < n; i++) y[i] = (uint16_t)nx_f32_to_{f}_bits(x[i]); }}\n"
             f"void w_{f}(const uint16_t *x, float *y, int64_t n) "
             f"{{ for (int64_t i = 0; i < n; i++) y[i] = nx_{f}_bits_to_f32(x[i]); }}"
             for f in prelude.ROUNDED_FLOATS]
    src = prelude_for(prelude.ROUNDED_FLOATS) + "\n".join(loops) + "\n"
    diagnostics = build(tmp_path, src, "", flags=("-O3", "-fopt-info-vec-optimized"))[2]
    vectorised = {line.split(":")[1] for line in diagnostics.splitlines() if "loop vectorized" in line}
    first = src.count("\n", 0, src.index("void v_")) + 1
    assert vectorised >= {str(first + i) for i in range(2 * len(loops))}, diagnostics
