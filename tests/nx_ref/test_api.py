"""The nx.* frontends: argument handling common to every op (options, non-tensor
arguments, Python numbers, numpy arrays) and the hand-written creation and
conversion functions."""

import inspect

import numpy as np
import pytest

import nx_ref as nx
from spec import registry
from spec.errors import ArgumentError, NameError_, TypeError_

OPS = sorted(registry.all_ops())


# -- options ---------------------------------------------------------------------------

def _function(name):
    """The nx function of an op: linalg ops live in nx.linalg."""
    return getattr(nx.linalg if registry.get(name).family == "linalg" else nx, name)


@pytest.mark.parametrize("name", OPS)
def test_unknown_options_are_rejected_listing_the_valid_ones(name):
    fn = _function(name)
    op = registry.get(name)
    with pytest.raises(ArgumentError) as e:
        fn(not_an_option=1)
    valid = ", ".join(op.option_names) or "none"
    assert str(e.value) == f"nx.{name}: unknown option not_an_option=1, expected one of: {valid}"


def test_the_misspelled_axes_option_of_sum():
    with pytest.raises(ArgumentError) as e:
        nx.sum(nx.tensor([[1, 2], [3, 4]]), axis=0)
    assert str(e.value) == "nx.sum: unknown option axis=0, expected one of: axes, keep_axes"


@pytest.mark.parametrize("name", OPS)
def test_signatures_put_options_after_the_positional_parameters(name):
    params = list(inspect.signature(_function(name)).parameters.values())
    kinds = [p.kind for p in params]
    assert kinds == sorted(kinds)
    option_names = {p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert option_names == set(registry.get(name).option_names)


def test_options_given_positionally_and_missing_arguments_are_type_errors():
    with pytest.raises(TypeError_, match="nx.sum: too many positional arguments"):
        nx.sum(nx.tensor([1]), [0])
    with pytest.raises(TypeError_, match="nx.add: missing a required argument: 'right'"):
        nx.add(1)


# -- tensor arguments ---------------------------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: nx.add("a", 1), "nx.add: expected a tensor or a number for argument 'left', got str: 'a'"),
    (lambda: nx.exp(None), "nx.exp: expected a tensor or a number for argument 'tensor', got NoneType"),
    (lambda: nx.sum([1, 2]), "got list: [1, 2]; build one with nx.tensor(...)"),
    (lambda: nx.add(nx.tensor(1), object()), "for argument 'right', got object"),
    (lambda: nx.to_flat_list("x"), "nx.to_flat_list: expected a tensor or a number, got str"),
    (lambda: nx.to_binary(None), "nx.to_binary: expected a tensor or a number"),
])
def test_non_tensor_arguments(call, message):
    with pytest.raises(TypeError_) as e:
        call()
    assert message in str(e.value)


def test_python_numbers_become_literals_of_the_op_type():
    assert nx.add(nx.tensor([1, 2], type="u8"), 255).to_list() == [0, 1]
    assert str(nx.add(nx.tensor([1], type="u8"), 256).type) == "u16"
    assert str(nx.add(nx.tensor([1], type="s8"), 1.5).type) == "f32"
    assert str(nx.add(nx.tensor([1], type="f64"), 1.5).type) == "f64"
    assert nx.add(True, 1).to_list() == 2


def test_numpy_arrays_and_scalars_are_tensors():
    assert nx.add(np.array([1, 2], dtype=np.int16), 1).to_list() == [2, 3]
    assert str(nx.add(np.array([1, 2], dtype=np.int16), 1).type) == "s16"
    assert nx.exp(np.float32(0.0)).to_list() == 1.0


# -- nx.tensor ----------------------------------------------------------------------------

def test_tensor_of_a_tensor_keeps_data_and_drops_names():
    t = nx.tensor([1, 2, 3], names=["column"])
    assert nx.tensor(t).names == (None,) and nx.tensor(t).to_list() == [1, 2, 3]
    assert nx.tensor(nx.tensor([1, 2, 3]), names=["row"]).names == ("row",)
    assert nx.tensor(t, names=["column"]).names == ("column",)
    assert nx.tensor(t, type="s32") .type == "s32"
    with pytest.raises(NameError_, match="cannot merge name 'column' on axis 0 with name 'row' on axis 0"):
        nx.tensor(t, names=["row"])
    with pytest.raises(TypeError_, match="nx.tensor expects a tensor with type f32 but it was given a tensor of type s32"):
        nx.tensor(t, type="f32")


def test_tensor_of_a_tensor_checks_the_backend():
    class Other(nx.ReferenceBackend):
        pass

    t = nx.tensor([1])
    assert nx.tensor(t, backend=nx.ReferenceBackend).backend == nx.ReferenceBackend()
    with pytest.raises(ArgumentError, match="nx.tensor wants to allocate on backend Other"):
        nx.tensor(t, backend=Other)


def test_tensor_allocates_on_the_given_backend():
    class Other(nx.ReferenceBackend):
        pass

    assert isinstance(nx.tensor([1.5], backend=Other).backend, Other)
    assert isinstance(nx.tensor([1.5], backend=(Other, {})).backend, Other)
    with pytest.raises(ArgumentError, match="backend must be a Backend subclass"):
        nx.tensor([1], backend="binary")


def test_tensor_from_numpy_arrays():
    a = np.array([[1, 2], [3, 4]], dtype=np.uint16)
    t = nx.tensor(a, names=["x", "y"])
    assert (str(t.type), t.shape, t.names, t.to_list()) == ("u16", (2, 2), ("x", "y"), [[1, 2], [3, 4]])
    assert nx.tensor(a, type="s8").to_list() == [[1, 2], [3, 4]]   # an explicit type: list rules
    with pytest.raises(ArgumentError, match="needs a floating type"):
        nx.tensor(np.array([1.5]), type="s32")


def test_type_shorthands_and_tuple_types():
    assert nx.tensor([1], type=nx.f64).type == "f64"
    assert nx.tensor([1], type=("bf", 16)).type == "bf16"
    assert nx.tensor([1], type=nx.types.normalize("u4")).type == "u4"


# -- conversions --------------------------------------------------------------------------

def test_to_list_nests_and_rejects_scalars():
    assert nx.to_list(nx.iota((2, 3))) == [[0, 1, 2], [3, 4, 5]]
    assert nx.to_list(nx.iota((2, 0))) == [[], []]
    assert nx.to_list(nx.iota((0, 2))) == []
    assert nx.to_list(nx.iota((2, 1, 2))) == [[[0, 1]], [[2, 3]]]
    with pytest.raises(ArgumentError, match="cannot convert a scalar tensor to a list"):
        nx.to_list(nx.tensor(1))


def test_to_flat_list_and_to_number():
    nan = float("nan")
    got = nx.to_flat_list(nx.tensor([-float("inf"), nan, float("inf")]))
    assert got[0] == -float("inf") and got[1] != got[1] and got[2] == float("inf")
    assert nx.to_flat_list(nx.tensor([[1, 2], [3, 4]]), limit=3) == [1, 2, 3]
    assert nx.to_flat_list(nx.tensor([1, 2, 3], type="u4"), limit=1) == [1]
    assert nx.to_flat_list(nx.tensor(5)) == [5]
    assert nx.to_number(nx.tensor(1 + 2j)) == 1 + 2j and nx.to_number(3.5) == 3.5
    with pytest.raises(ArgumentError, match=r"cannot convert tensor of shape \(1,\) to number"):
        nx.to_number(nx.tensor([1]))
    with pytest.raises(ArgumentError, match="limit must be a non-negative integer, got 1.5"):
        nx.to_flat_list(nx.tensor([1]), limit=1.5)


def test_hand_written_frontends_carry_their_op():
    for name in ("tensor", "constant", "from_binary", "to_binary", "template"):
        fn = getattr(nx, name)
        assert fn.op is registry.get(name) and fn.__doc__ == registry.get(name).doc
        assert fn.__name__ == name


# -- bad shapes and axes reach the user as spec errors ------------------------------------

@pytest.mark.parametrize("call,error,message", [
    (lambda: nx.add(nx.tensor([1, 2]), nx.tensor([1, 2, 3])), "ShapeError",
     "cannot broadcast tensor of dimensions (2,) to (3,)"),
    (lambda: nx.sum(nx.iota((2, 3)), axes=[0, -2]), "AxisError",
     "axes [0, -2] must be unique integers between 0 and 1: axis 0 is given twice for shape (2, 3)"),
    (lambda: nx.sum(nx.iota((2, 3)), axes=[2]), "AxisError", "given axis (2) invalid for shape (2, 3) with rank 2"),
    (lambda: nx.sum(nx.iota((2, 3), names=["x", "y"]), axes=["z"]), "NameError_",
     "name 'z' not found in tensor with names ['x', 'y'] and shape (2, 3)"),
    (lambda: nx.tensor([1], type="f33"), "TypeError_", "invalid numerical type: 'f33'"),
    (lambda: nx.iota((2,), type=("f", 7)), "TypeError_", "invalid numerical type: ('f', 7)"),
])
def test_bad_shapes_axes_and_types(call, error, message):
    with pytest.raises(Exception) as e:
        call()
    assert type(e.value).__name__ == error and message in str(e.value)


def test_named_and_negative_axes_in_options():
    t = nx.tensor([[1, 2], [3, 4]], names=["x", "y"])
    assert nx.sum(t, axes=["y"]).to_list() == nx.sum(t, axes=[-1]).to_list() == [3, 7]
    assert nx.sum(t, axes=["x"]).names == ("y",)
