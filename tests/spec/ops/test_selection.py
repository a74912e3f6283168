"""select and clip against numpy (np.where, np.maximum/np.minimum), with Nx's
shape, naming and type rules pinned, their errors and their gradient rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
from spec import registry, types, values
from spec.errors import ArgumentError, NameError_, ShapeError, TypeError_
from tests.spec.ops.test_binary import EXAMPLES, NumpyOps, make, numeric_grads, same_value
from tests.support import assert_close, scalar_values, shapes

TERNARY = sorted(n for n, op in registry.all_ops().items()
                 if op.family == "elementwise" and op.extras.get("arity") == 3)


def test_every_ternary_op_is_covered():
    assert TERNARY == ["clip", "select"]


def _type_of(x):
    return x.type if isinstance(x, nx.Tensor) else types.infer(x)


def _flat_values(x, out, shape):
    """Values of a tensor or number in the output type, broadcast to ``shape``."""
    if isinstance(x, nx.Tensor):
        vals = [values.cast(v, x.type, out) for v in x.to_flat_list()]
        arr = np.empty(len(vals), dtype=object)
        arr[:] = vals
        return np.broadcast_to(arr.reshape(x.shape), shape).reshape(-1).tolist()
    return [values.coerce(out, x)] * math.prod(shape)


def tensor_or_number(data, type_name, shape, names):
    flat = data.draw(st.lists(scalar_values(type_name), min_size=math.prod(shape),
                              max_size=math.prod(shape)))
    if shape == () and data.draw(st.booleans()):  # a Python number of the same value
        v = flat[0]
        number = v if isinstance(v, complex) or types.normalize(type_name).is_integer else float(v)
        if types.infer(number) == type_name:
            return number
    return make(type_name, shape, names, flat)


# -- select --------------------------------------------------------------------------

SELECT_TYPES = [("u8", "s32", "s32"), ("f32", "u8", "f16"), ("s8", "bf16", "f64"),
                ("c64", "c64", "f32"), ("u4", "s2", "u16"), ("f8", "f8", "f8_e4m3fn"),
                ("s32", "f32", "s32"), ("bf16", "c128", "u64")]


@st.composite
def select_shapes(draw):
    out = draw(shapes(max_rank=3, max_side=3))
    names = tuple(draw(st.sampled_from([None, n])) for n in ("a", "b", "c")[:len(out)])

    def operand():
        rank = draw(st.integers(0, len(out)))
        axes = range(len(out) - rank, len(out))
        return (tuple(out[i] if draw(st.booleans()) else 1 for i in axes),
                tuple(names[i] if draw(st.booleans()) else None for i in axes))

    scalar_pred = draw(st.booleans())
    return ((), ()) if scalar_pred else (out, names), operand(), operand()


@pytest.mark.parametrize("pt, tt, ft", SELECT_TYPES)
@settings(max_examples=4 * EXAMPLES)
@given(data=st.data())
def test_select_against_numpy(pt, tt, ft, data):
    (ps, pn), (ts, tn), (fs, fn) = data.draw(select_shapes())
    pred = tensor_or_number(data, pt, ps, pn)
    on_true, on_false = tensor_or_number(data, tt, ts, tn), tensor_or_number(data, ft, fs, fn)
    got = nx.select(pred, on_true, on_false)
    out = types.merge(_type_of(on_true), _type_of(on_false))
    if ps:
        shape, names = ps, pn
    else:
        shape = tuple(np.broadcast_shapes(ts, fs))
        pad = [(None,) * (len(shape) - len(n)) + n for n in (tn, fn)]
        names = tuple(a or b for a, b in zip(*pad))
    assert (got.type, got.shape, got.names) == (out, shape, names)
    truth = np.broadcast_to(np.array(nx.to_numpy(pred) if isinstance(pred, nx.Tensor) else pred) != 0, shape)
    expected = np.where(truth.reshape(-1), _flat_values(on_true, out, shape), _flat_values(on_false, out, shape))
    assert_close(out, got.to_flat_list(), expected.tolist(), context=f"select {pt} {tt} {ft}")


def test_select_rules_from_nx():
    x = nx.tensor([1, 2, 3], type="u8")
    assert str(nx.select(1, 1, x).type) == "s32"  # a number counts as an s32 tensor
    assert str(nx.select(1, 2.5, nx.tensor([1], type="f16")).type) == "f32"
    got = nx.select(nx.tensor([1, 0]), 0.1, nx.tensor([0.0, 0.0], type="f64"))
    assert got.to_list() == [0.1, 0.0]  # the literal is written exactly in the output type
    nan = float("nan")
    assert nx.select(nx.tensor([nan, -0.0, 0j + 1j]), 1, 0).to_list() == [1, 0, 1]
    # a non-scalar pred gives its shape and names; the others' names are ignored
    got = nx.select(nx.tensor([[1, 1], [0, 0]], names=["x", None]), nx.tensor([1, 2], names=["y"]), 0)
    assert (got.shape, got.names, got.to_list()) == ((2, 2), ("x", None), [[1, 2], [0, 0]])


def test_select_errors():
    with pytest.raises(ShapeError, match=r"cannot broadcast tensor of dimensions \(2, 3\) to \(3,\)"):
        nx.select(nx.tensor([1, 0, 1]), nx.tensor([[1, 2, 3], [4, 5, 6]]), 0)
    with pytest.raises(ShapeError, match="on_false"):
        nx.select(nx.tensor([1, 0, 1]), 0, nx.tensor([1, 2]))
    with pytest.raises(ShapeError, match=r"cannot broadcast tensor of dimensions \(3,\) to \(2,\)"):
        nx.select(1, nx.tensor([1, 2, 3]), nx.tensor([1, 2]))
    with pytest.raises(NameError_, match="cannot merge name 'x' on axis 0 with name 'y' on axis 0"):
        nx.select(1, nx.tensor([1, 2], names=["x"]), nx.tensor([1, 2], names=["y"]))


# -- clip ----------------------------------------------------------------------------

CLIP_TYPES = [("s32", "s32", "s32"), ("u8", "u8", "u8"), ("f32", "f32", "f32"), ("f16", "s8", "f16"),
              ("bf16", "bf16", "f32"), ("s8", "u8", "s16"), ("f8_e4m3fn", "f8", "f8"),
              ("u2", "s4", "u2"), ("f64", "s64", "f64"), ("s64", "u64", "s64")]


def _clip_reference(x, lo, hi, out):
    if out.is_integer:
        return min(max(x, lo), hi)
    with np.errstate(all="ignore"):
        return float(np.minimum(np.maximum(np.float64(x), lo), hi))


@pytest.mark.parametrize("xt, lt, ht", CLIP_TYPES)
@settings(max_examples=4 * EXAMPLES)
@given(data=st.data())
def test_clip_against_numpy(xt, lt, ht, data):
    shape = data.draw(shapes(max_rank=3, max_side=3))
    names = tuple(data.draw(st.sampled_from([None, "a", "b", "c"][:1 + i])) for i in range(len(shape)))
    names = tuple(n if n not in names[:i] else None for i, n in enumerate(names))
    x = make(xt, shape, names, data.draw(st.lists(scalar_values(xt), min_size=math.prod(shape),
                                                  max_size=math.prod(shape))))
    lo, hi = tensor_or_number(data, lt, (), ()), tensor_or_number(data, ht, (), ())
    got = nx.clip(x, lo, hi)
    out = types.merge(x.type, types.merge(_type_of(lo), _type_of(hi)))
    assert (got.type, got.shape, got.names) == (out, shape, names)
    bound_lo, bound_hi = _flat_values(lo, out, ())[0], _flat_values(hi, out, ())[0]
    expected = [values.round_to(out, _clip_reference(v, bound_lo, bound_hi, out))
                for v in _flat_values(x, out, shape)]
    assert_close(out, got.to_flat_list(), expected, context=f"clip {xt} {lt} {ht}")


def test_clip_rules():
    x = nx.tensor([1, 5, 9], type="u8")
    assert str(nx.clip(x, 2, 4).type) == "s32"  # numbers count as s32 tensors, as in Nx
    assert str(nx.clip(nx.tensor([1.0], type="f16"), 0.0, 2.0).type) == "f32"
    assert str(nx.clip(x, nx.tensor(2, type="u8"), nx.tensor(4, type="u8")).type) == "u8"
    nan = float("nan")
    got = nx.clip(nx.tensor([nan, -1.0, 3.0]), 0.0, 2.0).to_list()
    assert got[0] != got[0] and got[1:] == [0.0, 2.0]
    assert all(v != v for v in nx.clip(nx.tensor([1.0, 5.0]), nan, 2.0).to_list())
    assert nx.clip(nx.tensor([1, 5, 9]), 6, 2).to_list() == [2, 2, 2]  # min > max gives max
    assert same_value(nx.clip(nx.tensor([-0.0]), 0.0, 1.0).to_list()[0], 0.0)


def test_clip_errors():
    t = nx.tensor([1, 2, 3])
    with pytest.raises(ArgumentError, match=r"nx.clip: min value must be a scalar, got a tensor of shape \(3,\)"):
        nx.clip(t, t, 3)
    with pytest.raises(ArgumentError, match=r"nx.clip: max value must be a scalar, got a tensor of shape \(1,\)"):
        nx.clip(t, 1, nx.tensor([3]))
    with pytest.raises(TypeError_, match="nx.clip/3 does not support complex inputs, got: c64"):
        nx.clip(t, 1j, 3)


# -- gradient rules --------------------------------------------------------------------

def test_select_grad():
    pred = np.array([1, 0, 1, 0])
    g = np.array([1.0, 2.0, 3.0, 4.0])
    dpred, dt, df = registry.get("select").grad(NumpyOps, g, None, pred, g, g)
    assert dpred is None and list(dt) == [1.0, 0.0, 3.0, 0.0] and list(df) == [0.0, 2.0, 0.0, 4.0]


def test_clip_grad_matches_finite_differences():
    x = np.array([-1.0, 0.5, 1.7, 3.0, 2.2])
    g = np.array([1.0, -2.0, 0.5, 3.0, 1.5])
    fn = lambda v, lo, hi: np.minimum(np.maximum(v, lo), hi)  # noqa: E731
    lo, hi = np.float64(0.2), np.float64(2.0)
    got = registry.get("clip").grad(NumpyOps, g, fn(x, lo, hi), x, lo, hi)
    dx, dlo, dhi = numeric_grads(fn, [x, lo, hi], g)
    np.testing.assert_allclose(got[0], dx)
    np.testing.assert_allclose(np.sum(got[1]), np.sum(dlo))  # bounds are scalars: summed
    np.testing.assert_allclose(np.sum(got[2]), np.sum(dhi))
    # on a bound the gradient goes to the tensor, not to the bound
    at = registry.get("clip").grad(NumpyOps, np.ones(2), np.array([0.2, 2.0]), np.array([0.2, 2.0]), lo, hi)
    assert [list(v) for v in at] == [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
