"""spec.json holds the registry: every op, its params with defaults, tolerance, special cases."""

import json

from spec import registry

import nxspecjson


def test_export_covers_the_registry(tmp_path):
    path = tmp_path / "spec.json"
    nxspecjson.write(path)
    data = json.loads(path.read_text())
    ops = {o["name"]: o for o in data["ops"]}
    assert list(ops) == list(registry.all_ops())
    assert ops["sum"]["params"][1] == {"name": "axes", "kind": "option", "doc": ops["sum"]["params"][1]["doc"],
                                       "default": None}
    assert ops["exp"]["tolerance"] == registry.get("exp").tolerance
    assert {"inputs": "nan", "expected": "nan"} in ops["exp"]["special_cases"]
    assert {"inputs": {"re": "-inf", "im": 0.0}, "expected": {"re": 0.0, "im": 0.0}} in ops["exp"]["special_cases"]
    assert ops["equal"]["differentiable"] is False
    assert data["promotion"]["u8,s8"] == "s16"
