"""Manifests, expectations files and the preflight."""

import json

import pytest

import nx_ref as nx
from conformance import manifest
from tests.conformance import planted


def test_manifest_dict_and_method():
    assert manifest.supported(planted.OnlyAdd(), "add", "s8")
    assert not manifest.supported(planted.OnlyAdd(), "add", "u8")
    assert not manifest.supported(planted.OnlyAdd(), "exp", "s8")
    assert manifest.supported(nx.ReferenceBackend(), "exp", "f8")

    class Method(nx.ReferenceBackend):
        def conformance_manifest(self, op, type_):
            return type_ != "f64"
    assert manifest.supported(Method(), "exp", "f32") and not manifest.supported(Method(), "exp", "f64")


def test_expectations_text_and_json(tmp_path):
    text = tmp_path / "e.txt"
    text.write_text("exp f32 values\n# comment\n\nadd * *  # every add cell\n")
    as_json = tmp_path / "e.json"
    as_json.write_text(json.dumps([{"op": "exp", "type": "f32", "check": "values"}, ["add", "*", "*"]]))
    for path in (text, as_json):
        entries = manifest.load_expectations(path)
        assert manifest.expected(("exp", "f32", "values"), entries)
        assert manifest.expected(("add", "u8", "types"), entries)
        assert not manifest.expected(("exp", "f64", "values"), entries)
    with pytest.raises(ValueError, match="op type check"):
        manifest.parse_expectations("exp f32\n")


class BadToBinary(nx.ReferenceBackend):
    def to_binary(self, tensor, limit=None):
        return bytes(reversed(super().to_binary(tensor, limit)))


class WrongType(nx.ReferenceBackend):
    def from_binary(self, out, data):
        from spec.registry import TensorSpec
        from spec import types
        return super().from_binary(TensorSpec(types.normalize("u8"), (len(data),), (None,)), data)


@pytest.mark.parametrize("backend, words", [
    (planted.NoFromBinary, ["from_binary", "RuntimeError"]),
    (BadToBinary, ["to_binary", "does not give back"]),
    (WrongType, ["from_binary made a u8"]),
])
def test_preflight_names_the_broken_foundation(backend, words):
    message = manifest.preflight(backend())
    assert message.startswith("preflight:") and "\n" not in message
    for w in words:
        assert w in message
    assert manifest.preflight(nx.ReferenceBackend()) is None
