"""The dedicated C kernel of ``conv`` (nx_codegen.c.kernels_conv) against the
reference backend: a table of geometries (every option, empty dimensions, groups,
permutations) compiled into one function per output type (one build each), on
hypothesis values; operands of other types; random geometries; the direct plan
and the multi-threaded one; and the types left on the host.

Most cases draw "grid" values (a few significant bits, small exponents), whose
sums of products are exact in double: the kernel's one rounding then equals the
reference's, so they compare bit for bit, special values included. The "full"
cases draw any value of the type but sum only two products per output, where
the spec's tolerance bounds the double rounding."""

import functools
import math

import pytest
from hypothesis import assume, given, settings, strategies as st

import nx_ref as nx
import nx_codegen
from spec import registry, types
from spec.errors import ShapeError
from nx_ref.defn.expr import trace
from nx_codegen import ir
from nx_codegen.c import kernels_conv
from nx_codegen.c.compiler import CTarget, coverage
from nx_codegen.lower import lower
from tests.support import assert_close, scalar_values

TYPES = ["f32", "f64", "f16", "bf16", "f8", "f8_e4m3fn"]
TOLERANCE = registry.get("conv").tolerance

# (name, input shape, kernel shape, options, values): "grid" or "full" (see above)
CASES = [
    ("plain", (2, 3, 6), (5, 3, 2), {}, "grid"),
    ("strides, asymmetric padding, input dilation", (2, 3, 5), (5, 3, 2),
     dict(strides=2, padding=[(1, 2)], input_dilation=2), "grid"),
    ("2d same, kernel dilation", (1, 2, 5, 6), (3, 2, 2, 3),
     dict(padding="same", kernel_dilation=[2, 1], strides=[1, 2]), "grid"),
    ("negative padding", (1, 2, 6, 5), (2, 2, 2, 2), dict(padding=[(-1, 1), (2, -2)]), "grid"),
    ("feature groups", (2, 4, 5, 4), (6, 2, 2, 1), dict(feature_group_size=2, padding="same"),
     "grid"),
    ("feature groups, partial blocks", (1, 6, 7), (9, 2, 3), dict(feature_group_size=3), "grid"),
    ("feature groups, a block and a part", (1, 4, 6), (10, 2, 2), dict(feature_group_size=2),
     "grid"),
    ("batch groups", (4, 3, 5), (6, 3, 2), dict(batch_group_size=2, strides=2), "grid"),
    ("channels last", (2, 4, 5, 3), (2, 3, 3, 4),
     dict(input_permutation=[0, 3, 1, 2], kernel_permutation=[3, 2, 0, 1],
          output_permutation=[0, 3, 1, 2], padding=[(1, 0), (0, 1)]), "grid"),
    ("odd permutations, batch groups", (5, 2, 3, 4), (2, 3, 4, 2),
     dict(input_permutation=[3, 2, 1, 0], kernel_permutation=[2, 1, 3, 0],
          output_permutation=[1, 3, 0, 2], batch_group_size=2), "grid"),
    ("3d", (1, 2, 3, 4, 5), (2, 2, 2, 1, 2),
     dict(strides=[1, 2, 1], input_dilation=[1, 1, 2], kernel_dilation=[1, 1, 2],
          padding=[(0, 1), (1, 0), (1, 1)]), "grid"),
    ("wide rows: several tiles", (1, 2, 41), (5, 2, 3), dict(padding=[(2, 0)]), "grid"),
    ("wide strided rows", (1, 2, 47), (2, 2, 3), dict(strides=3, padding=[(0, 4)]), "grid"),
    ("empty batch", (0, 2, 4), (3, 2, 2), {}, "grid"),
    ("empty batch, batch groups", (0, 2, 4), (4, 2, 2), dict(batch_group_size=2), "grid"),
    ("empty channels", (2, 0, 4), (3, 0, 2), {}, "grid"),
    ("empty output channels", (2, 2, 4), (0, 2, 2), {}, "grid"),
    ("empty kernel window", (2, 2, 4), (3, 2, 0), {}, "grid"),
    ("empty input, padded", (1, 2, 0), (3, 2, 1), dict(padding=[(1, 1)]), "grid"),
    ("two products, padded", (2, 1, 3), (2, 1, 2), dict(padding=[(1, 1)]), "full"),
    ("two products, channels", (1, 2, 3, 2), (3, 2, 1, 1), {}, "full"),
]
NAMES = [c[0] for c in CASES]


def _every_case(*flat):
    return tuple(nx.conv(flat[2 * k], flat[2 * k + 1], **opts)
                 for k, (_, _, _, opts, _) in enumerate(CASES))


_SPECIAL = [math.nan, math.inf, -math.inf, -0.0]


def _pool(t, kind, specials):
    """Values of type ``t`` to draw from (see the module docstring); None: any value."""
    ty = types.normalize(t)
    if kind == "full":
        return None
    if ty.is_integer:
        lo = 0 if ty.name.startswith("u") else -7
        return list(range(lo, 8)) + [types.min_finite(ty), types.max_finite(ty)]
    grid = [k * 2.0 ** e for k in range(-7, 8) for e in range(-2, 3)]
    return grid + (_SPECIAL * 4 if specials else [])


def _tensor(data, shape, t, kind, specials):
    """A tensor of hypothesis values: full-range ones drawn one by one, the
    others picked by a hypothesis-seeded generator (much faster to draw)."""
    size = math.prod(shape)
    if not size:
        return nx.broadcast(nx.tensor(0, type=t), shape)
    pool = _pool(t, kind, specials)
    if pool is None:
        vals = data.draw(st.lists(scalar_values(t), min_size=size, max_size=size))
    else:
        rng = data.draw(st.randoms(use_true_random=False))
        vals = [rng.choice(pool) for _ in range(size)]
    return nx.reshape(nx.tensor(vals, type=t), shape)


def _draw_inputs(data, tx, tk):
    specials = data.draw(st.booleans())
    out = []
    for _, xs, ks, _, kind in CASES:
        out += [_tensor(data, xs, tx, kind, specials), _tensor(data, ks, tk, kind, specials)]
    return out


def _same(want, got, context, exact):
    assert got.spec == want.spec, context
    t = want.type
    gv, wv = got.to_flat_list(), want.to_flat_list()
    assert_close(t, gv, wv, ulps=0 if exact else TOLERANCE[t.name], context=context)
    assert [math.copysign(1, v) for v in gv if v == 0] == \
        [math.copysign(1, v) for v in wv if v == 0], context


def _check_all(compiled, inputs, context):
    for (name, _, _, _, kind), g, w in zip(CASES, compiled(*inputs), _every_case(*inputs)):
        _same(w, g, f"{name} {context}", exact=kind == "grid")


@functools.cache
def _compiled(t):
    """Every case on type ``t``, C-compiled (one build per type)."""
    return nx.jit(_every_case, compiler=nx_codegen.C)


@pytest.mark.parametrize("t", TYPES)
def test_every_case_lowers_to_conv_kernels_and_no_host_step(t):
    templates = [nx.template(s, t) for _, xs, ks, _, _ in CASES for s in (xs, ks)]
    graph = trace(_every_case, templates)
    program = lower(graph, CTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    assert [s.node.op for s in program.externs()] == ["conv"] * len(CASES)
    assert coverage(graph)[1] == []


@pytest.mark.parametrize("t", TYPES)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_conv_agrees_with_the_reference(t, data):
    _check_all(_compiled(t), _draw_inputs(data, t, t), t)


MIXED = [("s8", "u8"), ("s64", "f16"), ("u16", "bf16"), ("f8", "f8_e4m3fn"), ("s32", "f64"),
         ("u64", "f32"), ("f16", "bf16"), ("u32", "s16")]


def _every_mixed(*flat):
    return tuple(nx.conv(flat[2 * k], flat[2 * k + 1], padding=[(1, 0)], strides=2)
                 for k in range(len(MIXED)))


_MIXED_C = nx.jit(_every_mixed, compiler=nx_codegen.C)


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_operands_convert_into_the_output_type_first(data):
    """Integer operands (their extremes included) and floats of other types are
    cast into the output type before the products, as the reference does."""
    inputs = []
    for tx, tk in MIXED:
        inputs += [_tensor(data, (2, 2, 5), tx, "grid", True),
                   _tensor(data, (3, 2, 2), tk, "grid", True)]
    graph = trace(_every_mixed, [x.spec for x in inputs])
    assert coverage(graph)[1] == []
    for (tx, tk), g, w in zip(MIXED, _MIXED_C(*inputs), _every_mixed(*inputs)):
        _same(w, g, f"{tx} * {tk}", exact=False)


@st.composite
def _geometries(draw):
    """(input shape, kernel shape, options) of a random conv, in any layout (the
    table above has the empty batches, channels and kernels)."""
    n = draw(st.integers(1, 2))
    kind = draw(st.sampled_from(["feature", "batch", "none"]))
    g = 1 if kind == "none" else draw(st.integers(1, 3))
    cin = draw(st.integers(1, 3))
    xs = [draw(st.integers(1, 2)) * (g if kind == "batch" else 1),
          cin * (g if kind == "feature" else 1)] + [draw(st.integers(0, 7)) for _ in range(n)]
    ks = [draw(st.integers(1, 3)) * g, cin] + [draw(st.integers(1, 3)) for _ in range(n)]
    small = st.lists(st.integers(1, 3), min_size=n, max_size=n)
    opts = dict(strides=draw(small), input_dilation=draw(small), kernel_dilation=draw(small),
                padding=[tuple(draw(st.integers(-1, 3)) for _ in "lh") for _ in range(n)])
    if kind != "none":
        opts[f"{kind}_group_size"] = g
    perms = [draw(st.permutations(range(n + 2))) for _ in range(3)]
    opts.update(input_permutation=perms[0], kernel_permutation=perms[1],
                output_permutation=perms[2])
    return _physical(xs, perms[0]), _physical(ks, perms[1]), opts


def _physical(canonical, perm):
    shape = [0] * len(canonical)
    for i, axis in enumerate(perm):
        shape[axis] = canonical[i]
    return tuple(shape)


@settings(max_examples=8, deadline=None)
@given(geo=_geometries(), t=st.sampled_from(TYPES), data=st.data())
def test_random_geometries_agree_with_the_reference(geo, t, data):
    """One build per example: keep the examples few."""
    xs, ks, opts = geo
    x, k = _tensor(data, xs, t, "grid", True), _tensor(data, ks, t, "grid", True)
    try:
        want = nx.conv(x, k, **opts)
    except ShapeError:          # the kernel does not fit the padded input
        assume(False)
    got = nx.jit(lambda a, b: nx.conv(a, b, **opts), compiler=nx_codegen.C)(x, k)
    _same(want, got, f"{xs} {ks} {opts} {t}", exact=True)


@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_the_direct_plan_agrees_with_the_reference(data):
    """The plan that runs when the packed copies cannot be allocated."""
    original = kernels_conv.DIRECT_ONLY
    kernels_conv.DIRECT_ONLY = True
    try:
        compiled = nx.jit(_every_case, compiler=nx_codegen.C)
        inputs = _draw_inputs(data, "f32", "f32")
        _check_all(compiled, inputs, "direct")
        source = kernels_conv.render_conv("x0", trace(_every_case, [x.spec for x in inputs])
                                          .outputs[0])
        assert "_packed" not in source and "x0_direct(b);" in source
    finally:
        kernels_conv.DIRECT_ONLY = original


@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_the_parallel_plan_agrees_with_the_reference(data):
    """Every case with its units shared out among OpenMP threads."""
    original = kernels_conv.PARALLEL_FLOPS
    kernels_conv.PARALLEL_FLOPS = 0
    try:
        compiled = nx.jit(_every_case, compiler=nx_codegen.C)
        _check_all(compiled, _draw_inputs(data, "f64", "f64"), "parallel")
        graph = trace(lambda a, b: nx.conv(a, b), [nx.template((1, 1, 3), "f64")] * 2)
        assert "omp parallel for" in kernels_conv.render_conv("x0", graph.outputs[0])
    finally:
        kernels_conv.PARALLEL_FLOPS = original


def test_padding_zeros_times_infinity_are_nan_as_in_the_reference():
    x, k = nx.tensor([[[1.0, 2.0]]]), nx.tensor([[[math.inf, 1.0]]])
    f = nx.jit(lambda a, b: nx.conv(a, b, padding=[(1, 0)]), compiler=nx_codegen.C)
    got, want = f(x, k).to_flat_list(), nx.conv(x, k, padding=[(1, 0)]).to_flat_list()
    assert math.isnan(got[0]) and math.isnan(want[0])
    assert got[1:] == want[1:] == [math.inf]


def test_f32_sums_round_once_from_double():
    """1e8 + 1 - 1e8 is 1 in the reference's exact sum; f32 sums would lose it."""
    x, k = nx.tensor([[[1e8, 1.0, -1e8]]]), nx.tensor([[[1.0, 1.0, 1.0]]])
    f = nx.jit(lambda a, b: nx.conv(a, b), compiler=nx_codegen.C)
    assert f(x, k).to_list() == nx.conv(x, k).to_list() == [[[1.0]]]


def test_complex_and_packed_types_stay_on_the_host():
    for t in ("c64", "s4"):
        graph = trace(lambda a, b: nx.conv(a, b), [nx.template((1, 1, 3), t)] * 2)
        assert coverage(graph) == (0, ["conv"])
    graph = trace(lambda a, b: nx.conv(a, b), [nx.template((1, 1, 3), "f32"),
                                                nx.template((1, 1, 2), "c128")])
    assert coverage(graph) == (0, ["conv"])
