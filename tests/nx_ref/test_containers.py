"""nx.to_tensor and nx.to_template over tensors, numbers and containers."""

import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from nx_ref.template_backend import TemplateBackend
from spec import types
from spec.errors import ArgumentError, TypeError_
from tests.support import shapes


def test_to_tensor():
    t = nx.tensor([1, 2])
    assert nx.to_tensor(t) is t
    for number, type_name in ((1, "s32"), (1.5, "f32"), (True, "u8"), (2j, "c64")):
        s = nx.to_tensor(number)
        assert (str(s.type), s.shape, s.to_number()) == (type_name, (), number)
    for container in ((t,), [t], {"a": t}):
        with pytest.raises(ArgumentError, match="represents a collection of tensors"):
            nx.to_tensor(container)
    with pytest.raises(ArgumentError, match=r"or nx.tensor for nested lists"):
        nx.to_tensor([1, 2])
    with pytest.raises(TypeError_, match="expected a tensor or a number, got str"):
        nx.to_tensor("1")


@given(shapes(), st.sampled_from(types.ALL_TYPES))
def test_to_template_keeps_type_shape_and_names(shape, type_):
    names = [f"n{i}" if i % 2 else None for i in range(len(shape))]
    t = nx.to_template(nx.broadcast(nx.tensor(0, type=type_), shape, names=names))
    assert (t.type, t.shape, t.names) == (type_, tuple(shape), tuple(names))
    assert isinstance(t.backend, TemplateBackend)


def test_to_template_of_containers():
    value = {"a": (nx.iota((2, 3)), 1), "b": [2.0, {"c": nx.tensor([1j])}]}
    out = nx.to_template(value)
    assert type(out["a"]) is tuple and type(out["b"]) is list
    specs = [(str(t.type), t.shape) for t in (out["a"][0], out["a"][1], out["b"][0], out["b"][1]["c"])]
    assert specs == [("s32", (2, 3)), ("s32", ()), ("f32", ()), ("c64", (1,))]
    assert nx.to_template(out)["a"][0].shape == (2, 3)        # templates of templates
    with pytest.raises(TypeError_, match="nx.to_template: expected a tensor, a number"):
        nx.to_template({"a": "text"})
    with pytest.raises(ArgumentError, match="cannot perform operations on a Nx.TemplateBackend"):
        nx.add(out["a"][0], 1)
