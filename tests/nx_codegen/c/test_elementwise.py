"""nx_codegen.c.elementwise: the element-wise ops beyond the renderer's core,
compiled with nx_codegen.C and compared with the eager reference on tables of
special values (every pair of a table, so one build per type covers them all):
integer division by zero and ``INT_MIN / -1``, shifts by negative and too
large amounts, negative integer exponents, NaN, infinities and signed zeros
for rounding, ``sign``, ``atan2`` and ``remainder``, complex zeros and
infinities. The registry-driven test in test_compiler.py covers random values."""

import math

import pytest

import nx_ref as nx
import nx_codegen
from spec import registry, types
from nx_ref.defn.expr import trace
from nx_codegen.c import elementwise
from nx_codegen.c.compiler import coverage
from tests.support import assert_close

BYTE_ALIGNED = ["f32", "f64", "f16", "bf16", "f8", "f8_e4m3fn", "s8", "s16", "s32", "s64",
                "u8", "u16", "u32", "u64", "c64", "c128"]
# the 2- and 4-bit integers compute one per byte, wrapped by the renderer: the
# integer rules, written from signedness and width, hold for them too
PACKED = ["s2", "s4", "u2", "u4"]
INTS = [t for t in BYTE_ALIGNED if t[0] in "su"] + PACKED
FLOATS = ["f32", "f64", "f16", "bf16", "f8", "f8_e4m3fn"]
COMPLEX = ["c64", "c128"]

# complex expm1 and sigmoid recompute cancelling parts in extended
# precision (spec/ops/_math.py); their C versions are not written yet
STILL_ON_HOST = {(op, t) for op in ("expm1", "sigmoid") for t in COMPLEX}

NAN, INF = float("nan"), float("inf")

UNARY = ["abs", "sign", "ceil", "floor", "round", "bitwise_not", "population_count",
         "count_leading_zeros", "real", "imag", "phase", "erf_inv", "is_nan", "is_infinity",
         "logical_not", "rsqrt", "cbrt", "log1p"]
BINARY = ["quotient", "remainder", "pow", "atan2", "complex", "bitwise_and", "bitwise_or",
          "bitwise_xor", "left_shift", "right_shift", "logical_and", "logical_or", "logical_xor"]


def _host_ops(name, t):
    op = registry.get(name)
    if name == "clip":
        templates = [nx.template((3,), t), nx.template((), t), nx.template((), t)]
    else:
        templates = [nx.template((3,), t)] * op.extras["arity"]
    return coverage(trace(lambda *a: getattr(nx, name)(*a), templates))[1]


@pytest.mark.parametrize("t", BYTE_ALIGNED + PACKED)
def test_no_element_wise_op_falls_back_to_the_host(t):
    ops = [name for name, op in registry.all_ops().items()
           if op.family == "elementwise" and types.normalize(t) in op.accepts]
    host = {name for name in ops if _host_ops(name, t)}
    assert host == {name for name, u in STILL_ON_HOST if u == t}


def test_rules_decline_what_they_do_not_compute():
    assert elementwise.rule("ceil", ["x"], "c64", "c64") is None
    assert elementwise.rule("is_nan", ["x"], "f32", "u8") is None     # the core's rule
    assert elementwise.rule("bitwise_and", ["a", "b"], "f32", "f32") is None


def test_integer_rules_depend_only_on_signedness_and_width():
    # a 4-bit type held in a byte: the width, not the container, bounds shifts
    assert "< 4" in elementwise.rule("left_shift", ["a", "b"], "s4", "s4")
    assert "int8_t" in elementwise.rule("quotient", ["a", "b"], "s4", "s4")
    assert "15ULL" in elementwise.rule("population_count", ["a"], "u4", "u4")


def _int_values(t):
    info = types.normalize(t)
    lo, hi = types.min_finite(info), types.max_finite(info)
    bits = info.bits
    vals = [lo, hi, lo + 1, hi - 1, 0, 1, 2, 3, 7, bits - 1, bits, bits + 1, 64, 65,
            -1, -2, -7, -bits, -64, -100]
    return sorted({v for v in vals if lo <= v <= hi})


def _float_values(t):
    vals = [NAN, INF, -INF, 0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1.0, -1.0, 2.0, -3.0,
            0.49999997, 0.9, -0.99, 1e-30, 3.0e38, -7.0]
    return vals if t in ("f32", "f64") else [v for v in vals if abs(v) < 1e4 or v != v]


def _complex_values(t):
    return [0j, complex(-0.0, 0.0), complex(0.0, -0.0), complex(-0.0, -0.0), 1 + 0j, -1 + 0j, 1j,
            -1j, complex(INF, 0.0), complex(-INF, 1.0), complex(0.0, INF), complex(1.0, -INF),
            complex(INF, INF), complex(NAN, 1.0), complex(1.0, NAN), 3 + 4j, -2.5 + 0.5j,
            complex(0.5, -0.0), complex(1e30, 1e30), complex(-0.0, 2.0),
            complex(-2.0, INF), complex(INF, -3.0)] + [  # near |1 + z| = 1, where log1p cancels
        complex(math.cos(a) - 1, math.sin(a)) for a in (1e-3, 0.3, 2.0, 3.1)]


VALUES = {**{t: _int_values for t in INTS}, **{t: _float_values for t in FLOATS},
          **{t: _complex_values for t in COMPLEX}}


def _grid(t):
    """Every pair of the table of ``t``, as two tensors."""
    vals = VALUES[t](t)
    left = nx.tensor([a for a in vals for _ in vals], type=t)
    right = nx.tensor([b for _ in vals for b in vals], type=t)
    return left, right


def _ops_of(t):
    accepted = [name for name in UNARY + BINARY
                if types.normalize(t) in registry.get(name).accepts]
    return [name for name in accepted if not _host_ops(name, t)]


def _same_zero_signs(t, got, want, context):
    part = [x for v in want for x in ((v.real, v.imag) if isinstance(v, complex) else (v,))]
    mine = [x for v in got for x in ((v.real, v.imag) if isinstance(v, complex) else (v,))]
    for i, (g, w) in enumerate(zip(mine, part)):
        if w == 0:
            assert math.copysign(1.0, g) == math.copysign(1.0, w), \
                f"{context}: component {i}: {g} != {w}"


def _check(names, got, want, inputs):
    for name, g, w in zip(names, got, want):
        assert g.spec == w.spec, name
        t = str(w.type)
        context = f"{name} on {inputs}"
        assert_close(t, g.to_flat_list(), w.to_flat_list(),
                     ulps=registry.get(name).tolerance.get(t, 0), context=context)
        if not types.normalize(t).is_integer:
            _same_zero_signs(t, g.to_flat_list(), w.to_flat_list(), context)


@pytest.mark.parametrize("t", BYTE_ALIGNED + PACKED)
def test_special_values_agree_with_the_reference(t):
    """All the ops of a type on every pair of its special values, in one build;
    for real types also ``clip`` between bounds of the table (a NaN bound for
    floats, ``min > max``)."""
    names = _ops_of(t)
    x, y = _grid(t)
    vals = VALUES[t](t)
    bounds = [] if t in COMPLEX else \
        [nx.tensor(v, type=t) for v in (vals[0], vals[-1], vals[2], vals[3], vals[-1], vals[0])]

    def every_op(a, b, *bounds):
        ops = [getattr(nx, n)(*([a, b][:registry.get(n).extras["arity"]])) for n in names]
        return tuple(ops + [nx.clip(a, lo, hi) for lo, hi in zip(bounds[::2], bounds[1::2])])
    got = nx.jit(every_op, compiler=nx_codegen.C)(x, y, *bounds)
    _check(names + ["clip"] * (len(bounds) // 2), got, every_op(x, y, *bounds), t)


def test_mixed_types_scalars_and_clip():
    """Operands of different types merge before the rule applies (s8 and u8 give
    s16, an integer and a float give the float); Python numbers become constants."""
    a = nx.tensor([-128, -7, -1, 0, 1, 7, 127], type="s8")
    b = nx.tensor([0, 3, 255, 1, 2, 8, 9], type="u8")
    f = nx.tensor([-0.0, 0.5, -2.5, NAN, INF, 3.0, -1.0], type="f16")

    def fun(a, b, f):
        return (nx.quotient(a, b), nx.remainder(a, b), nx.left_shift(a, b), nx.right_shift(a, b),
                nx.pow(a, -1), nx.pow(b, 2), nx.pow(f, a), nx.atan2(a, f), nx.remainder(f, a),
                nx.complex(f, a), nx.clip(a, -5, 5), nx.clip(f, nx.tensor(-1.0, type="f16"), 2.0),
                nx.clip(b, nx.tensor(3, type="u8"), nx.tensor(1, type="u8")))
    names = ["quotient", "remainder", "left_shift", "right_shift", "pow", "pow", "pow", "atan2",
             "remainder", "complex", "clip", "clip", "clip"]
    assert _host_ops("clip", "f16") == []
    got = nx.jit(fun, compiler=nx_codegen.C)(a, b, f)
    _check(names, got, fun(a, b, f), "mixed")


def test_pinned_results():
    """A few results written out, as the spec's declarations give them."""
    c = nx.jit(lambda q, r, s, n: (nx.quotient(q, r), nx.remainder(q, r), nx.right_shift(s, n),
                                   nx.left_shift(s, n), nx.pow(r, n)), compiler=nx_codegen.C)
    q = nx.tensor([-128, 7, -7, 5], type="s8")
    r = nx.tensor([-1, 0, 2, -1], type="s8")
    s = nx.tensor([-64, 1, -1, 3], type="s8")
    n = nx.tensor([100, -1, 8, 7], type="s8")
    got = [t.to_list() for t in c(q, r, s, n)]
    assert got == [[-128, -1, -3, -5], [0, 7, -1, 0], [-1, 0, -1, 0], [0, 0, 0, -128],
                   [1, 0, 0, -1]]
    g = nx.jit(lambda x: (nx.round(x), nx.ceil(x), nx.floor(x), nx.sign(x)), compiler=nx_codegen.C)
    x = nx.tensor([-2.5, -0.4, 0.5, 0.49999997, -0.0])
    want = [[-3.0, -0.0, 1.0, 0.0, -0.0], [-2.0, -0.0, 1.0, 1.0, -0.0],
            [-3.0, -1.0, 0.0, 0.0, -0.0], [-1.0, -1.0, 1.0, 1.0, -0.0]]
    assert [t.to_binary() for t in g(x)] == [nx.tensor(w).to_binary() for w in want]



def _near_unit_circle(t):
    """Points where ``|z|^2 - 1`` cancels: exact circle points, and
    ``(cos a, sin a)`` scaled by ``1 +- k eps`` of the part type, around the circle."""
    eps = types.epsilon(types.to_real(types.normalize(t)))
    points = [complex(0.6, 0.8), complex(-0.8, 0.6), complex(0.6, -0.8), complex(1.0, 1e-8),
              complex(-1.0, 1e-8), complex(1e-8, -1.0), complex(1.0, 0.0), complex(0.0, -1.0)]
    for j in range(24):
        a = 2 * math.pi * j / 24 + 0.1
        points += [complex(r * math.cos(a), r * math.sin(a))
                   for k in (0, 1, 2, 3, 64, 4096) for r in (1 + k * eps, 1 - k * eps)]
    return points


@pytest.mark.parametrize("t", COMPLEX)
def test_complex_logarithms_near_the_unit_circle(t):
    """``log z`` and ``log1p(z - 1)`` where ``|z|`` is near 1: the real part
    ``log|z|`` cancels there, and the reference computes ``|z|^2 - 1`` exactly;
    the C results stay within the spec's tolerance (the formula of CPython's
    ``cmath.log`` loses every digit of the real part on some of these)."""
    z = nx.tensor(_near_unit_circle(t), type=t)
    w = nx.subtract(z, 1)

    def logs(z, w):
        return nx.log(z), nx.log1p(w)
    got = nx.jit(logs, compiler=nx_codegen.C)(z, w)
    _check(["log", "log1p"], got, logs(z, w), f"near |z| = 1 in {t}")


@pytest.mark.parametrize("t", ["bf16", "f16"])
def test_rounding_every_value_of_a_16_bit_float(t):
    """floor, ceil, round and sign on every bf16 (f32's exponent range: huge
    values, subnormals, infinities, NaN) and every f16 value, bit for bit."""
    x = nx.from_binary(b"".join(k.to_bytes(2, "little") for k in range(1 << 16)), t)

    def rounding(x):
        return nx.floor(x), nx.ceil(x), nx.round(x), nx.sign(x)
    for name, g, w in zip(("floor", "ceil", "round", "sign"),
                          nx.jit(rounding, compiler=nx_codegen.C)(x), rounding(x)):
        gl, wl = g.to_flat_list(), w.to_flat_list()
        wrong = [i for i, (a, b) in enumerate(zip(gl, wl)) if not (a != a and b != b)
                 and (a != b or math.copysign(1, a) != math.copysign(1, b))]
        assert not wrong, f"{name} {t}: {[(x.to_flat_list()[i], gl[i], wl[i]) for i in wrong[:5]]}"
