"""Tests of the type short-hands ``nx.u8`` ... ``nx.c128``."""

from __future__ import annotations

import copy
import pickle

import pytest

import nx_ref as nx
from nx_ref import shorthands
from spec import types
from spec.types import ALL_TYPES

NAMES = [t.name for t in ALL_TYPES]


def test_one_shorthand_per_type_exported_by_nx():
    assert shorthands.__all__ == NAMES
    assert all(name in nx.__all__ for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_shorthand_is_the_type(name):
    sh = getattr(nx, name)
    t = types.normalize(name)
    assert isinstance(sh, types.Type) and sh == name and name == sh and sh == t and sh == t.as_tuple()
    assert hash(sh) == hash(name) and {name: 1}[sh] == 1 and sh in {t}
    assert types.normalize(sh) is t and str(sh) == name and repr(sh) == f"nx.{name}"
    assert (sh.kind, sh.bits) == (t.kind, t.bits)
    assert pickle.loads(pickle.dumps(sh)) is sh and copy.deepcopy(sh) is sh


@pytest.mark.parametrize("name", NAMES)
def test_calling_a_shorthand_is_nx_tensor_with_that_type(name):
    sh = getattr(nx, name)
    data = [[1, 0], [1, 1]]
    t = sh(data, names=["x", None])
    same = nx.tensor(data, type=name, names=["x", None])
    assert (t.type, t.shape, t.names) == (name, (2, 2), ("x", None))
    assert t.to_binary() == same.to_binary()
    assert isinstance(sh(1, backend=nx.ReferenceBackend).backend, nx.ReferenceBackend)


def test_shorthands_follow_nx_tensor_rules():
    assert nx.u8([300, -1]).to_list() == [44, 255]          # integers wrap, as nx.tensor's do
    assert nx.f8_e4m3fn([1000.0]).to_list() == [448.0]
    assert nx.s32(nx.s32([1])).to_list() == [1]
    with pytest.raises(TypeError, match="type s32 but it was given a tensor of type f32"):
        nx.s32(nx.f32([1.0]))
    with pytest.raises(ValueError, match="it needs a floating type"):
        nx.s8([1.5])


@pytest.mark.parametrize("name", NAMES)
def test_shorthands_go_wherever_a_type_does(name):
    sh = getattr(nx, name)
    one = 1
    uses = [
        nx.tensor([one], type=sh).type, nx.as_type(nx.tensor([one], type="u8"), sh).type,
        nx.constant(one, type=sh).type, nx.from_binary(nx.tensor([one], type=name).to_binary(), sh).type,
        nx.template((2,), sh).type, types.merge(sh, sh), types.to_string(sh),
    ]
    if not types.normalize(name).is_complex:
        uses.append(nx.iota((2,), type=sh).type)
        uses.append(nx.constants.max_finite(sh).type)
    assert all(u == name for u in uses)
    assert nx.tensor([one], type=name).type == sh


def test_shorthands_in_type_functions():
    assert nx.types.merge(nx.u8, nx.s8) == "s16" and nx.types.to_floating(nx.s64) == nx.f32
    assert nx.types.merge_number(nx.u4, 1) == nx.u4 and nx.types.is_float(nx.bf16)
    assert nx.constants.pi(nx.f64).to_number() == 3.141592653589793
