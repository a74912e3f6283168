"""nx_codegen.c.vmath: the vectorised math functions, compiled into kernels
by ``nx_codegen.C``, against references computed independently (libm's
extended-precision functions through numpy's ``longdouble``, or mpmath where
``longdouble`` is plain double), over large deterministic samples of every
range: random bit patterns, the whole finite range, values near 0, and runs of
consecutive values around the overflow, subnormal and zero thresholds. Also:
the special values, and gcc's report that the loops calling them vectorise."""

import re
import subprocess

import numpy as np
import pytest

import nx_codegen
import nx_ref as nx
from nx_codegen.c import build, render, vmath
from nx_codegen.c.compiler import CTarget
from nx_codegen.lower import lower
from nx_ref.defn.expr import trace
from spec import registry

EXTENDED = np.finfo(np.longdouble).nmant >= 63
BITS = {np.float32: (np.uint32, np.int32, 32), np.float64: (np.uint64, np.int64, 64),
        np.float16: (np.uint16, np.int16, 16)}


def _run(fun, x):
    """``fun`` compiled by nx_codegen.C, on the numpy array ``x``: one kernel call."""
    t = nx.from_numpy(x, backend=nx_codegen.CBackend())
    return np.asarray(nx.jit(fun, compiler=nx_codegen.C)(t).to_numpy())


# each op's exact value: on numpy's longdouble (libm's extended-precision
# functions), and in mpmath where longdouble is plain double
REFERENCES = {"exp": (np.exp, lambda mp, v: mp.exp(v)),
              "tanh": (np.tanh, lambda mp, v: mp.tanh(v)),
              "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda mp, v: 1 / (1 + mp.exp(-v))),
              "log": (np.log, lambda mp, v: mp.log(v) if v > 0 else (-mp.inf if v == 0 else mp.nan))}


def _exact(name, x):
    """``name`` of every value of ``x``, as longdouble or as mpmath numbers."""
    extended, precise = REFERENCES[name]
    if EXTENDED:
        with np.errstate(all="ignore"):
            return extended(x.astype(np.longdouble))
    import mpmath
    mpmath.mp.prec = 80
    return [precise(mpmath, mpmath.mpf(float(v))) if np.isfinite(v) else extended(v) for v in x]


def _rounded(name, x, dtype):
    """``name`` of every value of ``x`` correctly rounded into ``dtype`` (through
    float64 for f16: rounding twice would only matter 2**-40 of the time)."""
    exact = _exact(name, x)
    with np.errstate(over="ignore"):
        if not EXTENDED:
            exact = np.array([float(v) for v in exact])
        return np.asarray(exact).astype(np.float64 if dtype == np.float16 else dtype).astype(dtype)


def _run_of(value, dtype, width):
    """``2 * width`` consecutive values of ``dtype`` around ``value`` (from
    ``value`` on for a zero), of its sign."""
    u = BITS[dtype][0]
    sign = np.array(-0.0, dtype).view(u)
    magnitude = int(np.abs(np.array(value, dtype)).view(u))
    start = max(magnitude - width, 0)
    run = np.arange(start, start + 2 * width, dtype=np.uint64).astype(u)
    return (run | sign if np.signbit(value) else run).view(dtype)


def _sample(dtype, size, lo, hi, thresholds, seed):
    """Uniform values over ``[lo, hi]`` (first, ``size`` of them), random bit
    patterns, values near 0 and runs of consecutive values around 0, -0.0 and
    each threshold."""
    rng = np.random.default_rng(seed)
    u, _, bits = BITS[dtype]
    parts = [rng.uniform(lo, hi, size).astype(dtype),
             rng.integers(0, 2 ** bits, size, dtype=np.uint64).astype(u).view(dtype),
             (rng.uniform(-1, 1, size // 4) * 2.0 ** rng.integers(-60, 0, size // 4)).astype(dtype),
             _run_of(0.0, dtype, 4096), _run_of(-0.0, dtype, 4096)]
    parts += [_run_of(v, dtype, 4096) for v in thresholds]
    return np.concatenate(parts)


def _ordinals(a):
    s = BITS[a.dtype.type][1]
    i = a.view(s).astype(np.int64)
    return np.where(i < 0, -(i & np.iinfo(s).max), i)


def _check_rounded(got, want, ulps, context):
    """Every result within ``ulps`` of the correctly rounded ``want`` (of the
    same type), NaN exactly where it is NaN, and 0 and infinity exactly where
    it has them (no overflow or underflow a ULP early or late)."""
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan), f"{context}: NaN results differ"
    edge = ~nan & ((want == 0) | np.isinf(want) | (got == 0) | np.isinf(got))
    bad = edge & (got != want)
    assert not bad.any(), f"{context}: {got[bad][:5]} where {want[bad][:5]} is expected"
    finite = ~nan & ~edge
    d = np.abs(_ordinals(got[finite]) - _ordinals(want[finite]))
    assert d.max(initial=0) <= ulps, f"{context}: {d.max()} ULPs"
    return d


# per f32 op: the range of the uniform sample, the thresholds to sweep (where
# results overflow, turn subnormal, round to 0 or to 1; and +-1), and the
# largest fraction of results allowed to differ from the correctly rounded one
F32 = {
    "exp": (-104, 89, [88.72284, -87.33655, -103.97208, 1.0, -1.0], 0.03),
    "tanh": (-12, 12, [9.010913, -9.010913, 0.0004, 1.0, -1.0], 0.002),
    "sigmoid": (-110, 110, [16.635532, -87.33655, -103.97208, 1.0, -1.0], 0.002),
    # around 1 on both sides, the smallest normal and the largest values; negative ones
    "log": (0, 10, [1.0, 1.0000001, 0.99999994, 1.1754944e-38, 3.4028235e38, -1.0], 0.002),
}


def test_the_declared_tolerances_cover_the_bounds_tested_here():
    assert set(F32) == {op for op, t in vmath.FUNCS if t == "f32"}
    assert set(F64) == {op for op, t in vmath.FUNCS if t == "f64"}
    for op in F32:
        tolerance = registry.get(op).tolerance
        assert tolerance["f32"] >= 1 and tolerance["f16"] >= 1
    for op in F64:
        assert registry.get(op).tolerance["f64"] >= 1


@pytest.mark.parametrize("op", sorted(F32))
def test_f32_results_are_within_1_ulp_of_the_correctly_rounded_result(op):
    lo, hi, thresholds, misrounded = F32[op]
    size = 1 << 17
    x = _sample(np.float32, size, lo, hi, thresholds, seed=1)
    got = _run(getattr(nx, op), x)
    want = _rounded(op, x, np.float32)
    _check_rounded(got, want, 1, f"{op} f32")
    # and nearly always the correctly rounded value
    assert (got[:size] != want[:size]).mean() < misrounded


@pytest.mark.parametrize("op", sorted(F32))
def test_f16_results_through_f32_are_within_1_ulp_of_the_correctly_rounded_result(op):
    x = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)   # all of them
    _check_rounded(_run(getattr(nx, op), x), _rounded(op, x, np.float16), 1, f"{op} f16")


def _ulp_errors(name, x, got):
    """The errors of ``got`` (f64, finite and nonzero) in ULPs of the exact values."""
    exact = _exact(name, x)
    if EXTENDED:
        return np.abs((got.astype(np.longdouble) - exact) / np.spacing(got).astype(np.longdouble))
    return np.array([float(abs((g - e) / np.spacing(g))) for g, e in zip(got.tolist(), exact)])


# per f64 op: the uniform sample's range, the thresholds to sweep and the
# largest error allowed for normal results, in ULPs of the exact result
F64 = {
    # overflow from 709.78271, subnormal results below -708.39642, zero below -745.13322
    "exp": (-746, 710, [709.782712893384, -708.3964185322641, -745.1332191019412, 1.0, -1.0], 0.52),
    # around 1, the smallest normal, the smallest subnormal and the largest values
    "log": (0, 10, [1.0, 2.2250738585072014e-308, 5e-324, 1.7976931348623157e308, -1.0], 0.6),
}


@pytest.mark.parametrize("op", sorted(F64))
def test_f64_results_are_within_a_fraction_of_an_ulp_of_the_exact_result(op):
    lo, hi, thresholds, bound = F64[op]
    x = _sample(np.float64, 1 << 16, lo, hi, thresholds, seed=2)
    if not EXTENDED:
        x = x[np.random.default_rng(3).choice(len(x), 20000)]
    got = _run(getattr(nx, op), x)
    _check_rounded(got, _rounded(op, x, np.float64), 1, f"{op} f64")
    finite = np.isfinite(got) & (got != 0)
    err = _ulp_errors(op, x[finite], got[finite])
    assert err.max() < 1.0, f"{op} f64: {float(err.max())} ULPs at {x[finite][np.argmax(err)]!r}"
    # normal results are rounded once from a value within a few hundredths of an ULP
    normal = np.abs(got[finite]) >= np.finfo(np.float64).tiny
    assert err[normal].max() < bound, f"{op} f64: {float(err[normal].max())} ULPs"


@pytest.mark.parametrize("op, dtype", [(op, {"f32": np.float32, "f64": np.float64}[t])
                                       for op, t in sorted(vmath.FUNCS)])
def test_special_values(op, dtype):
    """Infinities, zeros and the largest values exactly as the reference
    backend computes them, NaN for NaN, the smallest values within 1 ULP."""
    info = np.finfo(dtype)
    x = np.array([np.inf, -np.inf, 0.0, -0.0, info.max, -info.max, np.nan, -np.nan, info.tiny,
                  -info.tiny, info.smallest_subnormal, -info.smallest_subnormal, 1.0, -1.0], dtype)
    got = _run(getattr(nx, op), x)
    want = getattr(nx, op)(nx.from_numpy(x)).to_numpy()       # the reference backend
    assert got[:6].tobytes() == want[:6].tobytes()
    _check_rounded(got, want, 1, f"{op} {dtype.__name__}")


def _simd_loops(source, call):
    """For each ``#pragma omp ... simd`` loop whose body calls ``call``: the
    lines from the pragma to the call (gcc reports a vectorised loop at its
    pragma or at its ``for``)."""
    lines = source.splitlines()
    found = []
    for i, line in enumerate(lines):
        if f"{call}(" in line and "static inline" not in line:
            j = max(k for k in range(i) if lines[k].lstrip().startswith("for ("))
            if re.match(r"\s*#\s*pragma omp .*simd", lines[j - 1]):
                found.append(range(j, i + 1))     # 1-based: the pragma's line is j
    return found


@pytest.mark.parametrize("key", sorted(vmath.FUNCS))
def test_kernels_calling_the_function_vectorise(key, tmp_path):
    """Both kinds of loop: element-wise (the call in a store) and a reduction."""
    op, t = key
    graph = trace(lambda x: (getattr(nx, op)(x), nx.sum(getattr(nx, op)(x * 2))),
                  [nx.template((4096,), t)])
    source = render.render_program(lower(graph, CTarget()), threads=1)
    loops = _simd_loops(source, vmath.FUNCS[key])
    assert len(loops) == 2
    path = tmp_path / "k.c"
    path.write_text(source)
    flags = [f for f in build.compile_flags(source) if f not in ("-shared", "-fPIC")]
    report = subprocess.run(build._compiler() + flags + ["-fopt-info-vec-optimized", "-c", str(path),
                                                         "-o", str(tmp_path / "k.o")],
                            capture_output=True, text=True, check=True).stderr
    vectorised = {int(m) for m in re.findall(r"k\.c:(\d+):\d+: optimized: loop vectorized", report)}
    for lines in loops:
        assert vectorised & set(lines), f"the loop at lines {lines} is not vectorised:\n{report}"
