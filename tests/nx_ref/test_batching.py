"""nx.to_batched against a direct formula: batch i holds rows (i * size + j) mod n."""

import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec import codec, types
from spec.errors import ArgumentError
from spec.registry import TensorSpec
from tests.support import scalar_values

TYPE_NAMES = [t.name for t in types.ALL_TYPES]


@st.composite
def cases(draw):
    type_name = draw(st.sampled_from(TYPE_NAMES))
    shape = (draw(st.integers(1, 7)),) + tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    size = 1
    for d in shape:
        size *= d
    vals = draw(st.lists(scalar_values(type_name), min_size=size, max_size=size))
    names = tuple(draw(st.sampled_from([None, f"a{i}"])) for i in range(len(shape)))
    out = TensorSpec(types.normalize(type_name), shape, names)
    t = nx.default_backend().from_binary(out, bytes(codec.encode(type_name, vals)))
    batch_size = draw(st.integers(1, shape[0]))
    return t, vals, batch_size, draw(st.sampled_from(["repeat", "discard"]))


@given(cases())
def test_batches_match_the_formula(case):
    t, vals, size, leftover = case
    n = t.shape[0]
    row = len(vals) // n
    full, rest = divmod(n, size)
    count = full + (1 if rest and leftover == "repeat" else 0)
    batches = nx.to_batched(t, size, leftover=leftover)
    assert len(batches) == count
    got = list(batches)
    assert len(got) == count
    for i, b in enumerate(got):
        assert (b.type, b.shape, b.names) == (t.type, (size,) + t.shape[1:], t.names)
        rows = [(i * size + j) % n for j in range(size)]
        expected = [vals[r * row + k] for r in rows for k in range(row)]
        assert b.to_binary() == bytes(codec.encode(t.type, expected))


def test_nx_examples():
    first, second, third = nx.to_batched(nx.iota((5, 2), names=["x", "y"]), 2)
    assert first.to_list() == [[0, 1], [2, 3]] and second.to_list() == [[4, 5], [6, 7]]
    assert third.to_list() == [[8, 9], [0, 1]] and third.names == ("x", "y")
    assert [b.to_list() for b in nx.to_batched(nx.iota((5, 2)), 2, leftover="discard")] == \
        [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]


def test_batches_are_lazy_and_reiterable():
    batches = nx.to_batched(nx.tensor([1, 2, 3]), 2)
    assert [b.to_list() for b in batches] == [b.to_list() for b in batches] == [[1, 2], [3, 1]]
    assert "2 batches of s32[2]" in repr(batches)


def test_a_backend_may_batch_itself():
    calls = []

    class Batching(nx.ReferenceBackend):
        def to_batched(self, out, tensor, *, leftover):
            calls.append((out.shape, leftover))
            return iter(["batch"])

    t = nx.tensor([1, 2, 3], backend=Batching())
    batches = nx.to_batched(t, 2)
    assert calls == []                     # nothing computed before iterating
    assert list(batches) == ["batch"] and calls == [((2,), "repeat")]


@pytest.mark.parametrize("args, kwargs, message", [
    ((nx.tensor([1, 2]), 0), {}, "batch_size must be a positive integer, got: 0"),
    ((nx.tensor([1, 2]), -1), {}, "batch_size must be a positive integer"),
    ((nx.tensor([1, 2]), 1.0), {}, "batch_size must be a positive integer"),
    ((nx.tensor([1, 2]), True), {}, "batch_size must be a positive integer"),
    ((nx.tensor([1, 2]), 1), {"leftover": "keep"}, "leftover must be \"repeat\" or \"discard\""),
    ((nx.tensor(1), 1), {}, "cannot batch non-vectorized scalar tensor"),
    ((7, 1), {}, "cannot batch non-vectorized scalar tensor"),
    ((nx.tensor([1, 2]), 3), {}, "cannot batch beyond original tensor"),
    ((nx.iota((0, 2)), 1), {}, "cannot batch beyond original tensor"),
])
def test_bad_arguments(args, kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        nx.to_batched(*args, **kwargs)
