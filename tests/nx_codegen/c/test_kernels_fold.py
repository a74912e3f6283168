"""window_reduce with the user's function as a C kernel (nx_codegen.c.kernels_fold),
against the reference's fold, over the types, window options and initial values."""

import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
import nx_codegen
from nx_ref.defn.expr import trace
from nx_codegen.c.compiler import coverage
from nx_codegen.c.kernels_scan import TYPES
from tests.support import assert_close, scalar_values

FUNS = [lambda v, a: nx.max(v, a) + 1, lambda v, a: a - v * a + v]


@pytest.mark.parametrize("t", TYPES)
@settings(max_examples=4)
@given(data=st.data())
def test_window_reduce_kernel_agrees_with_the_reference(t, data):
    finite = t in ("f32", "f64")
    vals = data.draw(st.lists(scalar_values(t, allow_nan=not finite, allow_infinity=not finite,
                                            min_value=-3 if finite else None,
                                            max_value=3 if finite else None),
                              min_size=12, max_size=12))
    x = nx.reshape(nx.tensor(vals, type=t), (3, 4))
    init = nx.tensor(data.draw(st.sampled_from([0, 1])), type=t)
    opts = data.draw(st.sampled_from([
        dict(), dict(strides=[1, 2]), dict(padding=[(1, 0), (0, 1)]),
        dict(window_dilations=[2, 1], padding="same")]))

    def f(a, acc):
        return tuple(nx.window_reduce(a, acc, (2, 2), fun, **opts) for fun in FUNS)
    assert coverage(trace(f, [nx.template((3, 4), t), nx.template((), t)]))[1] == []
    for g, w in zip(nx.jit(f, compiler=nx_codegen.C)(x, init), f(x, init)):
        assert g.spec == w.spec
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(), ulps=0, context=f"{t} {opts}")


def test_initial_values_of_another_type_keep_the_kernel_only_where_results_cannot_change():
    x = nx.tensor([[1.5, -2.0, 3.25]])

    def exact(a):       # a Python 0 is an s32 constant, exact in f32: same operations
        return nx.window_reduce(a, 0, (1, 2), lambda v, acc: v + acc)

    def changes(a):     # abs of an s32 accumulator is s32: another graph, host fallback
        return nx.window_reduce(a, 0, (1, 2), lambda v, acc: v + nx.abs(acc))
    template = [nx.template((1, 3), "f32")]
    assert coverage(trace(exact, template))[1] == []
    assert coverage(trace(changes, template))[1] == ["window_reduce"]
    for f in (exact, changes):
        assert nx.jit(f, compiler=nx_codegen.C)(x).to_list() == f(x).to_list()
