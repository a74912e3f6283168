"""The dedicated C kernels of nx_codegen.c.kernels_scan (sort, argsort, argmax,
argmin, all, any, the window folds and the window scatters) against the
reference backend, on hypothesis values of every type the C renderer computes.

Shapes and options are fixed by the table CASES, so each type compiles once
(every case of the table in one jitted function); hypothesis draws the values,
from a small pool part of the time, so that ties, -0.0 next to 0.0, NaN and
infinities are common."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nx_codegen
import nx_ref as nx
from nx_codegen import ir
from nx_codegen.c import kernels_scan
from nx_codegen.c.compiler import CTarget
from nx_codegen.lower import lower
from nx_ref.defn.expr import trace
from spec import registry
from tests.support import assert_close, scalar_values

C_TYPES = list(kernels_scan.TYPES)
SHAPE = (3, 5)
_SAME = {"padding": "same"}


def _source_shape(op, **opts):
    """The shape of the windows of a SHAPE tensor (what a scatter's source must have)."""
    return getattr(nx, op)(nx.iota(SHAPE, type="f32"), **opts).shape


SCATTER_MAX = {"window_dimensions": (2, 2), "strides": (1, 1)}
SCATTER_MIN = {"window_dimensions": (2, 3), "strides": (2, 2), "padding": "same"}

# (label, op, function of (x, source of scatter max, source of scatter min))
CASES = [
    ("sort axis 1", "sort", lambda x, a, b: nx.sort(x, axis=1)),
    ("sort axis 0 desc", "sort", lambda x, a, b: nx.sort(x, axis=0, direction="desc")),
    ("argsort axis 1 desc", "argsort", lambda x, a, b: nx.argsort(x, axis=1, direction="desc")),
    ("argsort axis 0 into x's type", "argsort",
     lambda x, a, b: nx.argsort(x, axis=0, type=x.type)),
    ("argmax", "argmax", lambda x, a, b: nx.argmax(x)),
    ("argmax axis 1 high", "argmax", lambda x, a, b: nx.argmax(x, axis=1, tie_break="high")),
    ("argmin axis 0 keep", "argmin", lambda x, a, b: nx.argmin(x, axis=0, keep_axis=True)),
    ("argmin high u8", "argmin", lambda x, a, b: nx.argmin(x, tie_break="high", type="u8")),
    ("all axis 1", "all", lambda x, a, b: nx.all(x, axes=[1])),
    ("any", "any", lambda x, a, b: nx.any(x)),
    ("any axis 0 keep", "any", lambda x, a, b: nx.any(x, axes=[0], keep_axes=True)),
    ("window_sum same", "window_sum", lambda x, a, b: nx.window_sum(x, (2, 3), **_SAME)),
    ("window_sum strided dilated", "window_sum",
     lambda x, a, b: nx.window_sum(x, (2, 2), strides=(1, 2), window_dilations=(1, 2))),
    ("window_product padded", "window_product",
     lambda x, a, b: nx.window_product(x, (1, 3), strides=(1, 2), padding=[(0, 1), (1, 1)])),
    ("window_max same dilated", "window_max",
     lambda x, a, b: nx.window_max(x, (2, 2), window_dilations=(2, 1), **_SAME)),
    ("window_min padded strided", "window_min",
     lambda x, a, b: nx.window_min(x, (3, 2), strides=(2, 1), padding=[(1, 1), (0, 0)])),
    ("window_scatter_max", "window_scatter_max",
     lambda x, a, b: nx.window_scatter_max(x, a, nx.tensor(0, type=x.type), **SCATTER_MAX)),
    ("window_scatter_min same", "window_scatter_min",
     lambda x, a, b: nx.window_scatter_min(x, b, nx.tensor(1, type=x.type), **SCATTER_MIN)),
]

SOURCE_SHAPES = (_source_shape("window_max", **SCATTER_MAX),
                 _source_shape("window_min", **SCATTER_MIN))


def every_case(x, a, b):
    return tuple(fn(x, a, b) for _, _, fn in CASES)


def _templates(t):
    return [nx.template(SHAPE, t)] + [nx.template(s, t) for s in SOURCE_SHAPES]


def _values(data, t, n):
    """``n`` values of ``t``, often repeating a few drawn ones (ties)."""
    pool = data.draw(st.lists(scalar_values(t), min_size=1, max_size=3))
    return data.draw(st.lists(st.one_of(st.sampled_from(pool), scalar_values(t)),
                              min_size=n, max_size=n))


def _tensor(data, t, shape):
    return nx.reshape(nx.tensor(_values(data, t, math.prod(shape)), type=t), shape)


def _same(got, want):
    """Equal values, NaN equal to NaN (its payload is not part of the spec), -0.0
    distinct from 0.0."""
    def key(v):
        if isinstance(v, float):
            return "nan" if math.isnan(v) else (v, math.copysign(1.0, v))
        return v
    return [key(v) for v in got.to_flat_list()] == [key(v) for v in want.to_flat_list()]


def test_the_table_covers_every_op_of_the_module():
    assert {op for _, op, _ in CASES} | {op for op, _ in SCANS} == set(kernels_scan.OPS)
    assert all(registry.get(op) for op in kernels_scan.OPS)


@pytest.mark.parametrize("t", C_TYPES)
def test_every_case_lowers_to_a_dedicated_kernel(t):
    for label, op, fn in CASES:
        program = lower(trace(fn, _templates(t)), CTarget())
        assert not [s for s in program.steps if isinstance(s, ir.HostStep)], label
        assert [s for s in program.externs() if s.node.op == op], label


def test_complex_and_packed_types_stay_on_the_host():
    for t, fn in [("c64", lambda x: nx.all(x, axes=[0])), ("s4", lambda x: nx.sort(x)),
                  ("u2", lambda x: nx.argmax(x)), ("c128", lambda x: nx.window_sum(x, (2,)))]:
        program = lower(trace(fn, [nx.template((4,), t)]), CTarget())
        assert [type(s).__name__ for s in program.steps] == ["HostStep"], t


@pytest.mark.parametrize("t", C_TYPES)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_kernels_agree_with_the_reference(t, data):
    """Every case of the table in one compiled function (one build per type):
    bit for bit, except where the op declares a tolerance (float sums and
    products, summed scatters)."""
    x = _tensor(data, t, SHAPE)
    sources = [_tensor(data, t, s) for s in SOURCE_SHAPES]
    got = nx.jit(every_case, compiler=nx_codegen.C)(x, *sources)
    want = every_case(x, *sources)
    for (label, op, _), g, w in zip(CASES, got, want):
        assert g.spec == w.spec, label
        ulps = registry.get(op).tolerance.get(str(w.type), 0)
        if ulps == 0:
            assert _same(g, w), (label, g.to_list(), w.to_list())
        else:
            assert_close(w.type, g.to_flat_list(), w.to_flat_list(), ulps=ulps,
                         context=f"{label} {t}")


# longer than the insertion-sorted runs of 16, so that runs get merged
LONG = [[float("nan"), -0.0, 0.0, 1.5, -2.0, float("inf"), 3.0][(k * 5) % 7] for k in range(70)]
EDGES = [
    ("sort of rows of length 0", lambda x, z: nx.sort(z, axis=1)),
    ("argsort of an empty axis", lambda x, z: nx.argsort(z, axis=0)),
    ("argmax of no groups", lambda x, z: nx.argmax(z, axis=1)),
    ("all of nothing", lambda x, z: nx.all(z, axes=[0])),
    ("any of nothing", lambda x, z: nx.any(z)),
    ("window_sum of padding only", lambda x, z: nx.window_sum(z, (1, 1), padding=[(1, 0), (0, 0)])),
    ("argmax of a scalar", lambda x, z: nx.argmax(x)),
    ("all of a scalar", lambda x, z: nx.all(x)),
    ("window_max only padding", lambda x, z: nx.window_max(nx.reshape(x, (1,)), (3,),
                                                            padding=[(2, 2)], strides=(2,))),
    ("window_product only padding", lambda x, z: nx.window_product(
        nx.reshape(x, (1,)), (2,), padding=[(3, 0)])),
    ("long argsort", lambda x, z: nx.argsort(nx.tensor(LONG), direction="desc")),
    ("long sort", lambda x, z: nx.sort(nx.tensor(LONG))),
]


@pytest.mark.parametrize("t", ["f32", "s8"])
def test_empty_and_rank_0_tensors(t):
    x = nx.tensor(-3, type=t)
    z = nx.broadcast(nx.tensor(1, type=t), (0, 4))

    def every_edge(x, z):
        return tuple(fn(x, z) for _, fn in EDGES)
    program = lower(trace(every_edge, [nx.template((), t), nx.template((0, 4), t)]), CTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    got = nx.jit(every_edge, compiler=nx_codegen.C)(x, z)
    for (label, _), g, w in zip(EDGES, got, every_edge(x, z)):
        assert g.spec == w.spec and _same(g, w), (label, g.to_list(), w.to_list())


def test_special_values_pinned():
    """The rules the reference sets, written out (values computed by hand)."""
    nan, inf = float("nan"), float("inf")
    x = nx.tensor([0.0, nan, -0.0, -inf, 2.0, nan])
    zeros = nx.tensor([-0.0, 0.0, -0.0])
    f = nx.jit(lambda x, z: (nx.sort(x), nx.sort(x, direction="desc"), nx.argsort(x),
                             nx.argmax(x), nx.argmin(x, tie_break="high"),
                             nx.window_max(z, (2,)), nx.window_min(z, (2,)),
                             nx.window_sum(z, (1,)), nx.window_sum(x, (2,))),
               compiler=nx_codegen.C)
    s, d, a, amax, amin, wmax, wmin, wsum, wsum_x = f(x, zeros)
    assert str(s.to_list()) == "[-inf, 0.0, -0.0, 2.0, nan, nan]"     # -0.0 == 0.0: input order
    assert str(d.to_list()) == "[nan, nan, 2.0, 0.0, -0.0, -inf]"
    assert a.to_list() == [3, 0, 2, 4, 1, 5]
    assert amax.to_list() == 1 and amin.to_list() == 1                  # the first NaN wins
    assert str(wmax.to_list()) == "[0.0, 0.0]" and str(wmin.to_list()) == "[-0.0, -0.0]"
    assert str(wsum.to_list()) == "[0.0, 0.0, 0.0]"                     # the fold starts at 0
    assert str(wsum_x.to_list()) == "[nan, nan, -inf, -inf, nan]"


def test_window_sum_is_exact_under_cancellation():
    x = nx.tensor([2.0 ** 1000, 1.0, 2.0 ** -100, -2.0 ** 1000, -1.0], type="f64")
    got = nx.jit(lambda x: nx.window_sum(x, (5,)), compiler=nx_codegen.C)(x)
    assert got.to_list() == [2.0 ** -100] == nx.window_sum(x, (5,)).to_list()


# -- cumulative ops -------------------------------------------------------------------
# They are composites, which tracing expands into the associative scan; their
# kernels take a graph holding the op as one node, built here by hand.

SCAN_SHAPE = (4, 7)
SCANS = [("cumulative_sum", {"axis": 1}), ("cumulative_product", {"axis": 0, "reverse": True}),
         ("cumulative_max", {"axis": 1, "reverse": True}), ("cumulative_min", {"axis": 0}),
         ("cumulative_sum", {"axis": 0, "reverse": True}), ("cumulative_product", {"axis": 1})]


def _scan_graph(t, shape, scans):
    """A graph of one parameter and one node per (op, options) of ``scans``."""
    from nx_ref.defn.expr import Graph
    from spec import types
    from spec.registry import TensorSpec
    g = Graph()
    x = g.parameter(TensorSpec(types.normalize(t), shape, (None,) * len(shape)))
    nodes = []
    for op, opts in scans:
        spec_op = registry.get(op)
        opts = spec_op.normalize(x.out, **opts)
        nodes.append(g.add(op, spec_op.infer(x.out, **opts), (x,), opts))
    return g.finish(nodes, ("tuple", tuple(("leaf",) for _ in nodes)))


@pytest.mark.parametrize("t", C_TYPES)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_cumulative_ops_agree_with_the_composite_bit_for_bit(t, data):
    """The kernel combines in the composite's tree order, so even float sums
    and products are equal to the reference's."""
    program = lower(_scan_graph(t, SCAN_SHAPE, SCANS), CTarget())
    assert [s.node.op for s in program.externs()] == [op for op, _ in SCANS]
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    x = _tensor(data, t, SCAN_SHAPE)
    got = _run_scan_graph(t, SCAN_SHAPE, SCANS, x)
    for (op, opts), g in zip(SCANS, got):
        w = getattr(nx, op)(x, **opts)
        assert g.spec == w.spec and _same(g, w), (op, opts, g.to_list(), w.to_list())


_SCAN_RUNS = {}


def _run_scan_graph(t, shape, scans, x):
    key = (t, shape, repr(scans))
    if key not in _SCAN_RUNS:           # one build per graph
        _SCAN_RUNS[key] = nx_codegen.C().compile(_scan_graph(t, shape, scans))
    return _SCAN_RUNS[key]([x])


@pytest.mark.parametrize("n", [0, 1, 2, 37, 64])
def test_cumulative_ops_of_other_lengths(n):
    scans = [("cumulative_sum", {"axis": 0}), ("cumulative_product", {"axis": 0, "reverse": True}),
             ("cumulative_max", {"axis": 0})]
    x = nx.tensor([((k * 7919) % 13 - 6) / 4 for k in range(n)], type="f32") if n else \
        nx.broadcast(nx.tensor(1.0), (0,))
    for (op, opts), g in zip(scans, _run_scan_graph("f32", (n,), scans, x)):
        w = getattr(nx, op)(x, **opts)
        assert _same(g, w), (op, n, g.to_list(), w.to_list())
