"""The OpenCL kernels of ``dot`` and ``conv`` (nx_codegen/opencl/kernels_dot.py)
on PoCL against the reference backend: the C kernels' tables and strategies
(tests/nx_codegen/c/test_dot.py, test_kernels_conv.py) on the OpenCL compiler,
both dot plans (the tiled one forced onto small and empty products too), every
supported type, mixed operand types, NaN and infinities, integer wrap-around,
a 256 x 256 f32 product within the spec's tolerance, and the lowering of both
ops to Extern steps.

Float operands are drawn on grids whose sums of products are exact in double,
so that results equal the reference's exactly (each kernel rounds once)."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nx_codegen
import nx_ref as nx
from nx_codegen import ir
from nx_codegen.lower import lower
from nx_codegen.opencl import kernels_dot
from nx_codegen.opencl.render import OpenCLTarget, render_program
from nx_ref import interop
from nx_ref.defn.expr import trace
from spec import registry
from tests.nx_codegen.c.test_dot import _values, contractions
from tests.nx_codegen.c.test_kernels_conv import (
    CASES,
    MIXED,
    _every_mixed,
    _geometries,
    _same,
    _tensor,
)
from tests.support import assert_close
from tests.nx_codegen.opencl import DEVICE

POCL = nx_codegen.OpenCL(device=DEVICE)
DOT_TOLERANCE = registry.get("dot").tolerance
# operand type pairs: the C kernel's, and the narrow floats only this kernel computes
PAIRS = [("f32", "f32"), ("f64", "f64"), ("f32", "f64"), ("s32", "f32"), ("u64", "f32"),
         ("s8", "s8"), ("u8", "s8"), ("s16", "u16"), ("s32", "s32"), ("u32", "s32"),
         ("s64", "s64"), ("u64", "u64"), ("u8", "u8"), ("f16", "f16"), ("bf16", "f32"),
         ("f8", "f8_e4m3fn"), ("s8", "bf16"), ("f8", "f8")]
# the pairs whose product is f32 or f64: the tiled plan's
TILED_PAIRS = [("f32", "f32"), ("f64", "f64"), ("f32", "f64"), ("s32", "f32"), ("u64", "f32"),
               ("bf16", "f32"), ("f16", "f64"), ("s8", "f64")]


def _operand(t, floats, shape, rng, special):
    """The C test's operand values (bf16 ones drawn as f32, then rounded)."""
    if t == "bf16":
        return _values("f32", True, shape, rng, special).astype(interop.numpy_dtype(t))
    return _values(t, floats, shape, rng, special)


def _steps(fun, inputs):
    return lower(trace(fun, [nx.template(t.shape, t.type) for t in inputs]), OpenCLTarget())


def _check_dots(data, cases, special=False, tiled=None, pairs=PAIRS):
    """Draw types and values for ``cases`` and compare one OpenCL jit (one
    build) of all their dots with the reference backend, exactly."""
    inputs, axes = [], []
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    for shape1, shape2, ax in cases:
        t1, t2 = data.draw(st.sampled_from(pairs))
        floats = "f" in t1[0] + t2[0] or "bf16" in (t1, t2)
        inputs += [nx.from_numpy(_operand(t1, floats, shape1, rng, special)),
                   nx.from_numpy(_operand(t2, floats, shape2, rng, special))]
        axes.append(ax)

    def dots(*ts):
        return tuple(nx.dot(ts[2 * i], c1, b1, ts[2 * i + 1], c2, b2)
                     for i, (c1, b1, c2, b2) in enumerate(axes))
    program = _steps(dots, inputs)
    assert [type(s) for s in program.steps] == [ir.Extern] * len(cases)
    if tiled:
        assert all(kernels_dot.plan(s.node) == "tiled" for s in program.steps)
    got = nx.jit(dots, compiler=POCL)(*inputs)
    for g, w in zip(got, dots(*inputs)):
        assert g.spec == w.spec
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(), ulps=0, context=f"dot {w.spec}")


@settings(max_examples=5)
@given(data=st.data())
def test_small_contractions_agree_with_the_reference(data):
    """Any axes, empty dimensions, rank-0 operands, mixed types (the loop plan)."""
    _check_dots(data, [data.draw(contractions()) for _ in range(5)])


@settings(max_examples=4)
@given(data=st.data())
def test_the_tiled_plan_agrees_on_small_and_empty_products(data):
    """With the tiled plan forced on small products: tiles mostly edges, K over
    several slices of the tile, empty M, N, K and batches, operands in any axis
    order."""
    original, kernels_dot.TILE_MIN = kernels_dot.TILE_MIN, 0
    try:
        cases = [data.draw(contractions(batch=(0, 2, 0, 2), contract=(0, 2, 0, 7),
                                        kept1=(0, 2, 0, 5), kept2=(0, 2, 0, 5)))
                 for _ in range(4)]
        _check_dots(data, cases, tiled=True, pairs=TILED_PAIRS)
    finally:
        kernels_dot.TILE_MIN = original


@settings(max_examples=4)
@given(data=st.data())
def test_wide_contractions_run_tiled_and_agree_with_the_reference(data):
    """Several tiles and partial ones, batches, transposed or split operands."""
    cases = [data.draw(contractions(batch=(0, 1, 1, 2), contract=(1, 2, 3, 12),
                                    kept1=(1, 2, 4, 16), kept2=(1, 1, 16, 70)))
             for _ in range(2)]
    for s1, _, (c1, b1, _, _) in cases:
        assume(math.prod(s1) // math.prod(s1[a] for a in c1 + b1) >= kernels_dot.TILE_MIN)
    _check_dots(data, cases, tiled=True, pairs=TILED_PAIRS)


@settings(max_examples=3)
@given(data=st.data())
def test_nan_and_infinities_propagate_as_in_the_reference(data):
    small = data.draw(contractions(batch=(0, 0, 0, 0)))
    wide = data.draw(contractions(batch=(0, 0, 0, 0), contract=(1, 1, 8, 20), kept1=(1, 1, 16, 70),
                                  kept2=(1, 1, 16, 70)))
    _check_dots(data, [small, wide], special=True)


def test_default_forms_scalars_vectors_and_matrices():
    f = nx.jit(lambda a, b, v, s: (nx.dot(a, b), nx.dot(a, v), nx.dot(v, b), nx.dot(v, v),
                                   nx.dot(s, s), nx.dot(s, a)), compiler=POCL)
    a = nx.reshape(nx.iota((6,), type="f32"), (2, 3)) - 2.5
    b = nx.as_type(nx.reshape(nx.iota((6,), type="s32"), (3, 2)), "f32")
    v, s = nx.tensor([1.5, -2.0, 4.0]), nx.tensor(3, type="s8")
    got = f(a, b, v, s)
    want = (nx.dot(a, b), nx.dot(a, v), nx.dot(v, b), nx.dot(v, v), nx.dot(s, s), nx.dot(s, a))
    assert [g.to_list() for g in got] == [w.to_list() for w in want]
    assert [g.spec for g in got] == [w.spec for w in want]


def test_integers_wrap_around():
    def dots(a, b, c):
        return (nx.dot(a, b), nx.dot(nx.as_type(a, "u8"), nx.as_type(b, "u8")),
                nx.dot(nx.as_type(a, "s64"), c))
    a = nx.tensor([[100] * 40] * 20, type="s8")
    b = nx.tensor([[-100] * 20] * 40, type="s8")
    c = nx.tensor([[-100 * 2**55] * 20] * 40, type="s64")
    got = nx.jit(dots, compiler=POCL)(a, b, c)
    assert got[0].to_list()[0][0] == (100 * -100 * 40 + 128) % 256 - 128
    assert got[1].to_list()[0][0] == (100 * 156 * 40) % 256
    assert got[2].to_list()[0][0] == (100 * -100 * 2**55 * 40 + 2**63) % 2**64 - 2**63
    assert [g.to_list() for g in got] == [w.to_list() for w in dots(a, b, c)]


def test_f32_sums_keep_what_an_f32_sum_would_lose():
    """1e8 + 1 - 1e8 is 1 in the reference's exact sum, in both plans."""
    a = nx.tensor([[1e8, 1.0, -1e8]] * 16)
    b = nx.broadcast(nx.tensor(1.0), (3, 16))
    got = nx.jit(lambda x, y: (nx.dot(x, y), nx.dot(x[0], y[:, 0])), compiler=POCL)(a, b)
    assert kernels_dot.plan(trace(lambda x, y: nx.dot(x, y), [a.spec, b.spec]).outputs[0]) == "tiled"
    assert got[0].to_list() == nx.dot(a, b).to_list() == [[1.0] * 16] * 16
    assert got[1].to_list() == 1.0


def test_f64_sums_are_compensated():
    """1e20 + 1 - 1e20 is 1 in the reference's exact sum of the rounded products;
    a plain double sum gives 0 (dot in both plans, conv)."""
    a = nx.tensor([[1e20, 1.0, -1e20]] * 16, type="f64")
    b = nx.broadcast(nx.tensor(1.0, type="f64"), (3, 16))
    x, k = nx.reshape(a[0], (1, 1, 3)), nx.reshape(b[:, 0], (1, 1, 3))
    got = nx.jit(lambda p, q, r, s: (nx.dot(p, q), nx.dot(p[0], q[:, 0]), nx.conv(r, s)),
                 compiler=POCL)(a, b, x, k)
    assert got[0].to_list() == nx.dot(a, b).to_list() == [[1.0] * 16] * 16
    assert got[1].to_list() == 1.0
    assert got[2].to_list() == nx.conv(x, k).to_list() == [[[1.0]]]


@pytest.mark.parametrize("t", ["f32", "f64"])
def test_a_256_square_product_is_within_the_spec_tolerance(t):
    rng = np.random.default_rng(256)
    dtype = np.float32 if t == "f32" else np.float64
    a, b = (nx.from_numpy(rng.standard_normal((256, 256)).astype(dtype)) for _ in range(2))
    assert kernels_dot.plan(trace(lambda x, y: nx.dot(x, y), [a.spec, b.spec]).outputs[0]) == "tiled"
    got = nx.jit(lambda x, y: nx.dot(x, y), compiler=POCL)(a, b)
    assert_close(t, got.to_flat_list(), nx.dot(a, b).to_flat_list(), ulps=DOT_TOLERANCE[t],
                 context=f"256 x 256 {t}")


@pytest.mark.parametrize("t1,t2,extern", [("f32", "s32", True), ("u8", "s64", True),
                                          ("f16", "f32", True), ("bf16", "bf16", True),
                                          ("f8_e4m3fn", "u16", True), ("c64", "f32", False),
                                          ("s4", "s8", False)])
def test_the_lowering_gives_supported_dots_and_convs_extern_steps(t1, t2, extern):
    g = trace(lambda a, b, x, k: (nx.dot(a, b), nx.conv(x, k)),
              [nx.template((3, 4), t1), nx.template((4, 2), t2), nx.template((1, 2, 5), t1),
               nx.template((3, 2, 2), t2)])
    steps = lower(g, OpenCLTarget()).steps
    assert [type(s) for s in steps] == [ir.Extern if extern else ir.HostStep] * 2
    if extern:
        assert "__kernel" in render_program(lower(g, OpenCLTarget()))


def test_plans_and_launch_geometry():
    def node(s1, s2, t="f32"):
        return trace(lambda a, b: nx.dot(a, b), [nx.template(s1, t), nx.template(s2, t)]).outputs[0]
    assert kernels_dot.plan(node((16, 3), (3, 16))) == "tiled"
    assert kernels_dot.plan(node((15, 64), (64, 64))) == "loop"     # M too narrow for a tile
    assert kernels_dot.plan(node((64, 64), (64, 64), "bf16")) == "loop"
    [launch] = kernels_dot.render_dot("x0", node((2, 130, 7), (7, 65))).launches
    assert launch.global_size == (2 * 16, 5 * 16, 1) and launch.local_size == (16, 16, 1)


# -- conv ----------------------------------------------------------------------------

CONV_TYPES = ["f32", "f64", "f16", "bf16", "f8", "f8_e4m3fn"]
# f32 and f64 run the C kernel's whole table; the narrow floats (the same kernel
# but for their loads, casts and stores) a part of it covering every option
NARROW = ["strides, asymmetric padding, input dilation", "2d same, kernel dilation",
          "feature groups, partial blocks", "batch groups", "odd permutations, batch groups",
          "3d", "empty batch", "two products, padded", "two products, channels"]
TABLES = {t: CASES if t in ("f32", "f64") else [c for c in CASES if c[0] in NARROW]
          for t in CONV_TYPES}


def _convs(cases):
    """The function computing ``nx.conv`` of each case's pair of operands."""
    def convs(*flat):
        return tuple(nx.conv(flat[2 * k], flat[2 * k + 1], **c[3]) for k, c in enumerate(cases))
    return convs


_CONV = {t: nx.jit(_convs(TABLES[t]), compiler=POCL) for t in CONV_TYPES}


@pytest.mark.parametrize("t", CONV_TYPES)
@settings(max_examples=3)
@given(data=st.data())
def test_conv_cases_agree_with_the_reference(t, data):
    """The C kernel's table (every option, empty dimensions, groups, permutations)
    in one build per type; grid values bit for bit, special values included."""
    table, specials = TABLES[t], data.draw(st.booleans())
    inputs = [_tensor(data, shape, t, kind, specials)
              for _, xs, ks, _, kind in table for shape in (xs, ks)]
    assert len(NARROW) == len(TABLES["f16"]) and len(TABLES["f32"]) == len(CASES)
    assert [type(s) for s in _steps(_convs(table), inputs).steps] == [ir.Extern] * len(table)
    for (name, _, _, _, kind), g, w in zip(table, _CONV[t](*inputs), _convs(table)(*inputs)):
        _same(w, g, f"{name} {t}", exact=kind == "grid")


_MIXED = nx.jit(_every_mixed, compiler=POCL)


@settings(max_examples=5)
@given(data=st.data())
def test_conv_operands_convert_into_the_output_type_first(data):
    inputs = []
    for tx, tk in MIXED:
        inputs += [_tensor(data, (2, 2, 5), tx, "grid", True), _tensor(data, (3, 2, 2), tk, "grid", True)]
    assert all(isinstance(s, ir.Extern) for s in _steps(_every_mixed, inputs).steps)
    for (tx, tk), g, w in zip(MIXED, _MIXED(*inputs), _every_mixed(*inputs)):
        _same(w, g, f"{tx} * {tk}", exact=False)


@settings(max_examples=4)
@given(geos=st.lists(_geometries(), min_size=3, max_size=3), t=st.sampled_from(CONV_TYPES),
       data=st.data())
def test_random_conv_geometries_agree_with_the_reference(geos, t, data):
    """Three random geometries per build (those whose kernel does not fit the
    padded input are left out)."""
    from spec.errors import ShapeError
    cases, inputs = [], []
    for xs, ks, opts in geos:
        x, k = _tensor(data, xs, t, "grid", True), _tensor(data, ks, t, "grid", True)
        try:
            nx.conv(x, k, **opts)
        except ShapeError:
            continue
        cases.append(opts)
        inputs += [x, k]
    assume(cases)

    def convs(*flat):
        return tuple(nx.conv(flat[2 * i], flat[2 * i + 1], **o) for i, o in enumerate(cases))
    for opts, g, w in zip(cases, nx.jit(convs, compiler=POCL)(*inputs), convs(*inputs)):
        _same(w, g, f"{opts} {t}", exact=True)


def test_conv_padding_zeros_times_infinity_are_nan_and_sums_round_once():
    x, k = nx.tensor([[[1.0, 2.0]]]), nx.tensor([[[math.inf, 1.0]]])
    y, w = nx.tensor([[[1e8, 1.0, -1e8]]]), nx.tensor([[[1.0, 1.0, 1.0]]])
    got = nx.jit(lambda a, b, c, d: (nx.conv(a, b, padding=[(1, 0)]), nx.conv(c, d)),
                 compiler=POCL)(x, k, y, w)
    first = got[0].to_flat_list()
    assert math.isnan(first[0]) and first[1:] == nx.conv(x, k, padding=[(1, 0)]).to_flat_list()[1:]
    assert got[1].to_list() == nx.conv(y, w).to_list() == [[[1.0]]]
