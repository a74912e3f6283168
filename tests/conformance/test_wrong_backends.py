"""Every deliberately wrong backend (and compiler) of
:mod:`tests.conformance.wrong_backends` is flagged, in the right (op, type,
check) cell of the JSON report, and the correct backend passes the same
selection."""

import json

import pytest

import nx_ref as nx
from conformance import cases, compilers, gradients, report
from conformance.load import load
from conformance.run import run
from tests.conformance import wrong_backends as wrong


@pytest.fixture(autouse=True, scope="module")
def extra_checks():
    """The gradients and programs check kinds, registered for these tests only."""
    added = [c for c in (gradients.CHECK, compilers.CHECK) if c.name not in cases.CHECKS]
    for c in added:
        cases.register_check(c)
    yield
    for c in added:
        del cases.CHECKS[c.name]


def _selection(op, type_, check, options):
    return dict(ops=[op], types=options.get("types", [type_]), checks=[check],
                max_examples=options.get("max_examples", 10), seed=0)


def _json_failures(rep, tmp_path):
    path = tmp_path / "report.json"
    report.write_json(rep, path)
    data = json.loads(path.read_text())
    return {(r["op"], r["type"], r["check"]): r for r in data["results"] if r["status"] == "fail"}


def test_at_least_twelve_kinds_of_bug():
    assert len({cls for cls, *_ in wrong.CASES}) >= 12
    assert len({(op, check) for _, op, _, check, _ in wrong.CASES}) == len(wrong.CASES)


@pytest.mark.parametrize("backend, op, type_, check, options", wrong.CASES,
                         ids=[c[0].__name__ for c in wrong.CASES])
def test_wrong_backend_is_flagged(backend, op, type_, check, options, tmp_path):
    selection = _selection(op, type_, check, options)
    rep = run(backend(), candidate_name=f"tests.conformance.wrong_backends:{backend.__name__}", **selection)
    failures = _json_failures(rep, tmp_path)
    assert (op, type_, check) in failures, rep.results
    details = failures[(op, type_, check)]["details"]
    assert details["reproduction"] and backend.__name__ in details["reproduction"]
    if "call" in details:
        assert details["call"]["op"] == op
    assert not run(nx.ReferenceBackend(), **selection).failed


def test_a_wrong_gradient_shows_only_in_the_gradients_check():
    # sin's values are right on WrongCos; only the gradient (through cos) is wrong
    rep = run(wrong.WrongCos(), ops=["sin"], types=["f32"], checks=["values", "gradients"], max_examples=5)
    assert {r.check: r.status for r in rep.results} == {"values": "pass", "gradients": "fail"}


@pytest.mark.parametrize("compiler, op, type_, check", wrong.WRONG_COMPILERS,
                         ids=[f"{c[0].__name__}-{c[1]}" for c in wrong.WRONG_COMPILERS])
def test_wrong_compiler_is_flagged(compiler, op, type_, check, tmp_path):
    selection = dict(ops=[op], types=[type_], checks=[check], max_examples=3, seed=0)
    rep = run(load(compiler), **selection)
    assert (op, type_, check) in _json_failures(rep, tmp_path)
    assert not run(load(nx.Evaluator), **selection).failed
