"""The example third-party backend on numpy: its conformance report is generated
here (smoke tier, JSON), its unsupported cells are reported as such, and its
genuine departures from the spec are reported as failures (and listed in its
expectations file), not hidden."""

import copy
import json
import pathlib

import pytest

import nx_ref as nx
from conformance import manifest
from conformance import report as report_mod
from conformance.run import run
from examples.numpy_backend import NumpyBackend

EXPECTATIONS = pathlib.Path(__file__).parents[2] / "examples" / "numpy_backend" / "expectations.txt"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    rep = run(NumpyBackend(), tier="smoke", candidate_name="examples.numpy_backend:NumpyBackend")
    path = tmp_path_factory.mktemp("numpy") / "numpy_backend.json"
    report_mod.write_json(rep, path)
    return rep, json.loads(path.read_text())


def _cells(data, status):
    return {(r["op"], r["type"], r["check"]) for r in data["results"] if r["status"] == status}


def test_it_computes_with_numpy():
    t = nx.tensor([[1, 2], [3, 4]], type="s8", names=["x", "y"], backend=NumpyBackend())
    out = nx.dot(t, t)
    assert type(out.data).__module__ == "numpy" and out.to_list() == [[7, 10], [15, 22]]
    assert nx.sum(t, axes=["y"]).names == ("x",)


def test_cells_outside_the_manifest_are_unsupported_not_failures(report):
    _, data = report
    unsupported = _cells(data, "unsupported")
    assert ("cumulative_sum", "f32", "values") in unsupported      # an op it does not claim
    assert ("exp", "bf16", "values") in unsupported                 # a type numpy does not hold
    assert not any(op == "cumulative_sum" for op, _, _ in _cells(data, "fail"))


def test_what_it_claims_mostly_passes(report):
    _, data = report
    passed = _cells(data, "pass")
    for cell in [("exp", "f32", "values"), ("add", "s8", "values"), ("dot", "f32", "values"),
                 ("sort", "f32", "values"), ("sum", "f32", "names"), ("transpose", "f32", "values")]:
        assert cell in passed, cell


@pytest.mark.parametrize("cell", [
    ("quotient", "s32", "special"),   # x // 0: numpy 0, the spec -1
    ("remainder", "s32", "values"),   # x rem 0: numpy 0, the spec x
    ("max", "f32", "special"),        # max(0.0, -0.0): numpy -0.0, the spec 0.0
    ("min", "f32", "special"),
    ("pow", "s32", "values"),         # negative integer powers: numpy raises
    ("as_type", "-", "examples"),     # inf and NaN to s32: numpy gives the minimum
])
def test_genuine_departures_are_reported(report, cell):
    rep, data = report
    assert cell in _cells(data, "fail")
    assert rep.failed
    failure = next(r for r in data["results"] if (r["op"], r["type"], r["check"]) == cell)
    assert failure["details"]


def test_the_expectations_file_lists_every_departure(report):
    """Every failure of the smoke run is a listed departure. (A listed departure
    may pass a smoke run that happens not to draw its input: the suite reports
    it as an unexpected pass, which does not fail a run.)"""
    rep, _ = report
    expectations = manifest.load_expectations(EXPECTATIONS)
    after = [manifest.apply_expectations(copy.copy(r), expectations) for r in rep.results]
    statuses = {r.status for r in after}
    assert "fail" not in statuses and "expected failure" in statuses
    assert "expected failure" in statuses
