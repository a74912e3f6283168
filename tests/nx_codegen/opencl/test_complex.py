"""Complex numbers (c64 as float2, c128 as double2) in OpenCL kernels
(nx_codegen.opencl.complex) against the reference: every element-wise op that
accepts complex values and lowers to kernels, generated from the registry, on
hypothesis values and on a grid of NaN/Inf/-0.0 parts; conversions between
complex and every real type; complex sums and products (empty, rank-0, long);
constants, select and the ``complex`` constructor."""

import math

import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
import nx_codegen
from spec import registry, types
from nx_ref.defn.expr import trace
from nx_codegen import ir
from nx_codegen.lower import lower
from nx_codegen.opencl import complex as cx, reduce, render
from tests.support import assert_close, scalar_values
from tests.nx_codegen.opencl import DEVICE

POCL = nx_codegen.OpenCL(device=DEVICE)
COMPLEX = ("c64", "c128")
INF, NAN = math.inf, math.nan
PARTS = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e300, -1e-310, 1e-5]
GRID = [complex(a, b) for a in PARTS for b in PARTS]
# every grid value as the first operand, with 8 grid values as the second: one
# shape for every element-wise test, so that each type builds one program
PAIRS = [(GRID[i], GRID[(7 * i + 23 * j) % len(GRID)]) for i in range(len(GRID)) for j in range(8)]


def _tensor(vals, t, shape):
    if not vals:
        return nx.broadcast(nx.tensor(0, type=t), shape)
    return nx.reshape(nx.tensor(vals, type=t), shape)


def _lowers_to_kernels(fun, templates):
    return all(isinstance(s, ir.Kernel) for s in lower(trace(fun, templates), render.OpenCLTarget()).steps)


def _kernel_ops(t):
    """The element-wise ops taking ``t`` arguments that lower to OpenCL kernels."""
    out = []
    for name, op in registry.all_ops().items():
        if op.family != "elementwise" or name in ("select", "clip") \
                or types.normalize(t) not in op.accepts:
            continue
        arity = op.extras["arity"]
        if _lowers_to_kernels(lambda *a, name=name: getattr(nx, name)(*a), [nx.template((3,), t)] * arity):
            out.append(name)
    return out


OPS = {t: _kernel_ops(t) for t in COMPLEX}


def _ill_conditioned_pow(a, b):
    """Whether ``a ** b`` has a phase so large that one ULP of the logarithm
    (the device's libm against the reference's) turns its parts around."""
    a, b = complex(a), complex(b)
    if not (math.isfinite(abs(a)) and math.isfinite(abs(b))) or a == 0:
        return False
    return abs(b.imag * math.log(abs(a)) + b.real * math.atan2(a.imag, a.real)) > 2.0 ** 20


def _check(name, got, want, context="", skip=()):
    assert got.spec == want.spec, name
    if skip:
        keep = [i for i in range(want.size) if i not in skip]
        got, want = (nx.take(nx.flatten(v), nx.tensor(keep)) for v in (got, want))
    tolerance = registry.get(name).tolerance.get(str(want.type), 0) if registry.get(name) else 0
    assert_close(want.type, got.to_flat_list(), want.to_flat_list(), ulps=tolerance,
                 context=f"{name} {context}")
    # the sign of a zero part is part of the result
    for i, (g, w) in enumerate(zip(got.to_flat_list(), want.to_flat_list())):
        if isinstance(w, (float, complex)):
            for a, b in ((complex(g).real, complex(w).real), (complex(g).imag, complex(w).imag)):
                assert not (a == 0 and b == 0 and math.copysign(1, a) != math.copysign(1, b)), \
                    f"{name} {context}: element {i}: got {g!r}, expected {w!r}"


def _operands(t, drawn=((), ())):
    """The grid's operands, the first ones replaced by ``drawn`` values."""
    xs, ys = [a for a, _ in PAIRS], [b for _, b in PAIRS]
    for column, values in zip((xs, ys), drawn):
        column[:len(values)] = values
    return nx.tensor(xs, type=t), nx.tensor(ys, type=t)


def _run_all(ops, *inputs):
    def every_op(*a):
        return tuple(getattr(nx, name)(*a[:registry.get(name).extras["arity"]]) for name in ops)
    got = nx.jit(every_op, compiler=POCL)(*inputs)
    ill = {i for i, (a, b) in enumerate(zip(*(x.to_flat_list() for x in inputs[:2])))
           if len(inputs) > 1 and _ill_conditioned_pow(a, b)}
    for name, g, w in zip(ops, got, every_op(*inputs)):
        _check(name, g, w, str(inputs[0].type), skip=ill if name == "pow" else ())


def test_the_ops_c_computes_for_complex_values_run_as_kernels():
    """The C target's complex ops all lower to OpenCL kernels (expm1 and sigmoid
    of complex values stay on the host, as in C)."""
    for t in COMPLEX:
        assert {"add", "subtract", "multiply", "divide", "negate", "conjugate", "real", "imag",
                "abs", "phase", "exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh",
                "tanh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "sign", "cbrt",
                "log1p", "rsqrt", "pow", "atan2", "equal", "not_equal", "is_nan",
                "is_infinity", "logical_and", "logical_or", "logical_xor",
                "logical_not"} <= set(OPS[t])
        assert "expm1" not in OPS[t] and "sigmoid" not in OPS[t]
    program = lower(trace(lambda z: nx.exp(z) * z, [nx.template((4,), "c64")]), render.OpenCLTarget())
    source = render.render_program(program)
    assert "__global const float2 *restrict b0" in source and "_Complex" not in source


@pytest.mark.parametrize("t", COMPLEX)
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_element_wise_ops_agree_with_the_reference(t, data):
    drawn = [data.draw(st.lists(scalar_values(t), min_size=7, max_size=7)) for _ in range(2)]
    _run_all(OPS[t], *_operands(t, drawn))


@pytest.mark.parametrize("t", COMPLEX)
def test_special_values(t):
    """NaN, infinite, signed-zero, huge and subnormal parts (C99 Annex G's values)."""
    _run_all(OPS[t], *_operands(t))


REAL = [u for u in render.TYPES if u not in COMPLEX]


@pytest.mark.parametrize("t", COMPLEX)
def test_conversions_between_complex_and_every_real_type(t):
    """Real to complex: a +0.0 imaginary part; complex to real: the real part,
    rounded, saturated or wrapped as the spec casts; c64 <-> c128 per part."""
    z = nx.tensor([complex(1.5, -2.0), complex(-3e9, 1.0), complex(NAN, 1.0), complex(-INF, NAN),
                   complex(-0.0, -0.0), complex(70000.7, 5.0), complex(-1e-45, 3.0)], type=t)
    other = "c128" if t == "c64" else "c64"
    reals = [nx.as_type(nx.tensor([0.0, -0.0, 1.5, -7.25, 1e5, NAN, INF, -INF]), u) for u in REAL]

    def convert(v, *vs):     # one program: to every type, and from every real one
        return tuple(nx.as_type(v, u) for u in REAL + [other]) + tuple(nx.as_type(w, t) for w in vs)
    cases = [f"{t} -> {u}" for u in REAL + [other]] + [f"{u} -> {t}" for u in REAL]
    for case, got, want in zip(cases, nx.jit(convert, compiler=POCL)(z, *reals), convert(z, *reals)):
        _check("as_type", got, want, case)


CASES = [((2, 3), None, False), ((2, 3), [1], True), ((3, 2, 2), [0, 2], False),
         ((0,), None, False), ((2, 0), [1], True), ((), None, False), ((0, 3), [1], False)]


@pytest.mark.parametrize("t", COMPLEX)
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_sums_and_products(t, data):
    values = scalar_values(t, allow_nan=False, allow_infinity=False, min_value=-4, max_value=4)
    xs = []
    for shape, _, _ in CASES:
        vals = data.draw(st.lists(values, min_size=math.prod(shape), max_size=math.prod(shape)))
        xs.append(_tensor(vals, t, shape))

    def every_reduction(*inputs):
        return tuple(getattr(nx, r)(x, axes=axes, keep_axes=keep)
                     for x, (_, axes, keep) in zip(inputs, CASES) for r in ("sum", "product"))
    got = nx.jit(every_reduction, compiler=POCL)(*xs)
    names = [r for _ in CASES for r in ("sum", "product")]
    for name, g, w in zip(names, got, every_reduction(*xs)):
        _check(name, g, w, t)


def test_long_reductions_of_and_over_complex_values():
    """A long complex sum runs one work-item per output (compensated for c128,
    NaN and infinite parts flow); a long real reduction of complex loads runs
    as a work-group reduction."""
    n = 2 * reduce.MIN_INNER + 3
    import numpy as np
    rng = np.random.default_rng(5)
    data = (rng.standard_normal(n) + 1j * rng.standard_normal(n)) * 1e6
    data = np.concatenate([data, -data[:-1] * (1 + 1e-9)])
    for t in COMPLEX:
        z = nx.as_type(nx.from_numpy(data), t)
        f = nx.jit(lambda v: (nx.sum(v), nx.sum(nx.abs(v)), nx.product(v[:40] / 1e6)), compiler=POCL)
        program = lower(trace(lambda v: nx.sum(nx.abs(v)), [nx.template(z.shape, t)]), render.OpenCLTarget())
        assert all(reduce.splits(k) for k in program.kernels())
        want = (nx.sum(z), nx.sum(nx.abs(z)), nx.product(z[:40] / 1e6))
        for name, g, w in zip(("sum", "sum", "product"), f(z), want):
            tolerance = 64 if name == "sum" and w.type == types.normalize("f32") else None
            if tolerance is None:
                _check(name, g, w, t)
            else:        # a sum of 2n f32 moduli in another order
                assert_close("f32", g.to_flat_list(), w.to_flat_list(), ulps=tolerance)
    s = nx.tensor([complex(1.0, INF), complex(NAN, 2.0), 3j], type="c128")
    got = nx.jit(nx.sum, compiler=POCL)(s)
    _check("sum", got, nx.sum(s))


@pytest.mark.parametrize("t", COMPLEX)
def test_constants_select_complex_and_empty_or_rank_0(t):
    part = cx.part(t)
    a = nx.tensor([1.0, -0.0, NAN, INF], type=part)
    b = nx.tensor([-2.0, 0.0, 1.0, -INF], type=part)

    def f(x, y, z, e, s):
        w = nx.complex(x, y)
        return (w, w * complex(NAN, INF) + 1j, nx.select(nx.greater(x, 0), w, z),
                nx.conjugate(w) - complex(-0.0, 2.5), nx.exp(e) * 2, nx.sqrt(s) + s,
                nx.real(z), nx.imag(w), nx.reduce(nx.reshape(z, (2, 2)), 1, lambda u, v: u * v + 1j, axes=[1]))
    z = nx.tensor([1j, -2 + 0.5j, complex(0.0, -0.0), complex(INF, 1.0)], type=t)
    e = _tensor([], t, (0, 3))
    s = nx.tensor(complex(-4.0, -0.0), type=t)
    names = ("complex", "add", "select", "subtract", "multiply", "add", "real", "imag", "reduce")
    program = lower(trace(f, [a, b, z, e, s]), render.OpenCLTarget())
    assert all(isinstance(step, ir.Kernel) for step in program.steps)
    for name, got, want in zip(names, nx.jit(f, compiler=POCL)(a, b, z, e, s), f(a, b, z, e, s)):
        _check(name, got, want, t)
