"""The Tensor: immutable, its attributes and conversions, and Python's operators
mapped onto nx functions."""

import copy
import operator
import pickle

import numpy as np
import pytest

import nx_ref
import nx_ref as nx
from spec import types
from spec.errors import ArgumentError, TypeError_

# (operator, nx function, whether the tensor is the right operand)
BINARY = [
    (operator.add, "add"), (operator.sub, "subtract"), (operator.mul, "multiply"),
    (operator.truediv, "divide"), (operator.mod, "remainder"), (operator.pow, "pow"),
    (operator.matmul, "dot"), (operator.and_, "bitwise_and"), (operator.or_, "bitwise_or"),
    (operator.xor, "bitwise_xor"), (operator.lshift, "left_shift"),
    (operator.rshift, "right_shift"), (operator.eq, "equal"), (operator.ne, "not_equal"),
    (operator.lt, "less"), (operator.le, "less_equal"), (operator.gt, "greater"),
    (operator.ge, "greater_equal"),
]
UNARY = [(operator.neg, "negate"), (operator.abs, "abs"), (operator.invert, "bitwise_not")]
# a reflected comparison is the mirrored comparison, as Python defines it
MIRRORED = {"less": "greater", "less_equal": "greater_equal", "greater": "less",
            "greater_equal": "less_equal", "equal": "equal", "not_equal": "not_equal"}


@pytest.mark.parametrize("op,name", BINARY, ids=[n for _, n in BINARY])
def test_binary_operators_call_their_nx_function(monkeypatch, op, name):
    calls = []
    monkeypatch.setattr(nx_ref, name, lambda *args: calls.append((name, args)) or "result")
    monkeypatch.setattr(nx_ref, MIRRORED.get(name, name),
                        lambda *args, n=MIRRORED.get(name, name): calls.append((n, args)) or "result")
    t, u = nx.tensor([1]), nx.tensor([2])
    assert op(t, u) == "result" and calls[-1] == (name, (t, u))
    assert op(t, 3) == "result" and calls[-1] == (name, (t, 3))
    assert op(3, t) == "result"
    if name in MIRRORED:
        assert calls[-1] == (MIRRORED[name], (t, 3))
    else:
        assert calls[-1] == (name, (3, t))


@pytest.mark.parametrize("op,name", UNARY, ids=[n for _, n in UNARY])
def test_unary_operators_call_their_nx_function(monkeypatch, op, name):
    monkeypatch.setattr(nx_ref, name, lambda *args: ("called", name, args))
    t = nx.tensor([1])
    assert op(t) == ("called", name, (t,))


@pytest.mark.parametrize("op,name", BINARY + UNARY, ids=[n for _, n in BINARY + UNARY])
def test_operators_compute_what_their_nx_function_computes(op, name):
    t, u = nx.tensor([6, 7], type="s16"), nx.tensor([2, 3], type="s16")
    if name == "dot":
        t, u = nx.tensor([[1, 2]]), nx.tensor([[3], [4]])
    fn = getattr(nx, name)
    args = (t,) if (op, name) in UNARY else (t, u)
    got, expected = op(*args), fn(*args)
    assert (got.type, got.shape, got.to_list()) == (expected.type, expected.shape, expected.to_list())


def test_unary_plus_is_the_tensor_and_indexing_goes_to_nx_indexing(monkeypatch):
    from nx_ref import indexing
    t = nx.tensor([1, 2])
    assert +t is t
    monkeypatch.setattr(indexing, "getitem", lambda tensor, index: ("getitem", tensor, index))
    assert t[1] == ("getitem", t, 1)
    assert t[..., 0:1] == ("getitem", t, (Ellipsis, slice(0, 1)))


def test_attributes():
    t = nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", None], type="u8")
    assert (t.type, t.shape, t.names, t.rank, t.size) == (types.normalize("u8"), (2, 3), ("x", None), 2, 6)
    assert isinstance(t.backend, nx.ReferenceBackend)
    assert str(t.type) == "u8" and t.type == "u8" and t.type == ("u", 8)
    s = nx.tensor(1.5)
    assert (s.shape, s.names, s.rank, s.size) == ((), (), 0, 1)
    assert nx.iota((2, 0)).size == 0


def test_tensors_are_immutable():
    t = nx.tensor([1, 2])
    for attr in ("type", "shape", "names", "data", "backend", "new"):
        with pytest.raises(AttributeError, match="immutable"):
            setattr(t, attr, None)
    with pytest.raises(AttributeError, match="immutable"):
        del t.shape
    u = t + 1
    assert t.to_list() == [1, 2] and u.to_list() == [2, 3]
    assert copy.copy(t) is t and copy.deepcopy(t) is t
    with pytest.raises(TypeError):
        hash(t)


def test_pickling_keeps_type_shape_names_data_and_backend():
    for t in (nx.tensor([[1, 2]], names=["x", "y"], type="s4"), nx.tensor(float("nan"), type="bf16"),
              nx.tensor([1 + 2j]), nx.template((2,), "f32", names=["v"])):
        back = pickle.loads(pickle.dumps(t))
        assert (back.type, back.shape, back.names, type(back.backend)) == \
            (t.type, t.shape, t.names, type(t.backend))
        assert repr(back) == repr(t)


def test_conversion_methods():
    t = nx.tensor([[1, 2], [3, 4]])
    assert t.to_list() == [[1, 2], [3, 4]]
    assert nx.tensor(5).to_list() == 5           # like numpy's tolist on a scalar
    assert t.to_flat_list() == [1, 2, 3, 4] and t.to_flat_list(limit=2) == [1, 2]
    assert nx.tensor(2.5).to_number() == 2.5
    assert t.to_binary(limit=1) == b"\x01\x00\x00\x00"
    a = t.to_numpy()
    assert a.dtype == np.int32 and a.tolist() == [[1, 2], [3, 4]]
    assert np.asarray(t, dtype=np.float64).tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_python_scalars_from_one_element_tensors():
    assert float(nx.tensor([2.5])) == 2.5 and float(nx.tensor(3)) == 3.0
    assert int(nx.tensor([[7]], type="u8")) == 7 and int(nx.tensor(-2.7)) == -2
    assert complex(nx.tensor(1 - 1j)) == 1 - 1j and complex(nx.tensor(2)) == 2 + 0j
    assert bool(nx.tensor(1)) is True and bool(nx.tensor([0.0])) is False
    assert operator.index(nx.tensor(3, type="s8")) == 3
    assert list(range(10))[nx.tensor(2)] == 2


@pytest.mark.parametrize("convert", [float, int, complex, bool])
def test_python_scalars_need_exactly_one_element(convert):
    with pytest.raises(ArgumentError, match=r"tensor of shape \(2,\)"):
        convert(nx.tensor([1, 2]))
    with pytest.raises(ArgumentError, match=r"shape \(0,\)"):
        convert(nx.iota((0,)))


def test_bad_scalar_conversions():
    with pytest.raises(TypeError_, match="cannot convert a c64 tensor to a Python float"):
        float(nx.tensor(1j))
    with pytest.raises(TypeError_, match="cannot convert a c64 tensor to a Python int"):
        int(nx.tensor(1j))
    with pytest.raises(TypeError_, match="only integer tensors can be used as an index, got a f32 tensor"):
        operator.index(nx.tensor(1.0))
    with pytest.raises(ValueError, match="NaN"):
        int(nx.tensor(float("nan")))


def test_len_and_iteration_need_an_axis():
    assert len(nx.iota((3, 2))) == 3
    with pytest.raises(TypeError_, match="len\\(\\) of a scalar tensor"):
        len(nx.tensor(1))
    with pytest.raises(TypeError_, match="iteration over a scalar tensor"):
        iter(nx.tensor(1)).__next__()
