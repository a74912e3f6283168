"""The driver: the reference passes, planted bugs are flagged with op and type,
manifests and expectations shape the statuses."""

import pytest

import nx_ref as nx
from conformance import cases, run as run_mod
from conformance.run import run
from tests.conformance import planted

# Every op of the registry at the smoke tier (one example per cell), in two types
# to keep the suite's own tests fast (`python -m conformance nx_ref:ReferenceBackend
# --tier smoke` runs all twenty).
SMOKE_TYPES = ["s8", "f32"]


def test_reference_passes_smoke_on_every_op():
    report = run(nx.ReferenceBackend(), tier="smoke", types=SMOKE_TYPES)
    assert report.failures() == []
    ops = {r.op for r in report.results}
    assert ops == {op.name for op in run_mod.select_ops()}
    generated = {r.op for r in report.results if r.check == "values" and r.status == "pass"}
    assert len(generated) >= 0.95 * len(ops)
    # every op appears, even one whose values cannot be generated (then said so)
    for r in report.results:
        if r.status == "not generated":
            assert r.details["reason"]


@pytest.mark.parametrize("backend, op, type_", [
    (planted.ExpOffByUlps, "exp", "f32"),
    (planted.SaturatingAdd, "add", "s8"),
])
def test_planted_bug_is_flagged_with_op_and_type(backend, op, type_):
    report = run(backend(), ops=[op], max_examples=10, tier="smoke")
    failed = {(r.op, r.type) for r in report.failures()}
    assert (op, type_) in failed
    failure = next(r for r in report.failures() if r.type == type_)
    details = failure.details
    assert details["call"]["op"] == op and details["seed"] == 0
    assert details["difference"]["what"] == "values"
    assert f"nx.{op}(" in details["reproduction"]
    # the cells of other types are not blamed: only the planted type fails
    assert {r.type for r in report.failures() if r.check == "types"} <= {type_}


def test_ulp_error_reported_for_a_float_bug():
    report = run(planted.ExpOffByUlps(), ops=["exp"], types=["f32"], checks=["values"], max_examples=5)
    (failure,) = report.failures()
    assert failure.details["difference"]["ulps"] == 3
    assert failure.details["difference"]["tolerance"] == 1


def test_reproduction_snippet_runs_and_shows_the_bug():
    report = run(planted.SaturatingAdd(), ops=["add"], types=["s8"], checks=["values"], max_examples=10,
                 candidate_name="tests.conformance.planted:SaturatingAdd")
    (failure,) = report.failures()
    scope = {}
    exec(failure.details["reproduction"].replace("print(out)", ""), scope)  # noqa: S102
    got = scope["out"].to_flat_list()
    expected = nx.backend_copy(scope["out"]).to_flat_list()
    diff = failure.details["difference"]
    assert got[diff["index"]] == diff["got"] != diff["expected"]
    assert expected == got  # the snippet runs the candidate: it shows the candidate's value


def test_manifest_marks_cells_unsupported_and_runs_the_rest():
    report = run(planted.OnlyAdd(), ops=["add", "exp"], tier="smoke")
    by_status = {}
    for r in report.results:
        by_status.setdefault(r.status, set()).add((r.op, r.type))
    assert ("exp", "f32") in by_status["unsupported"]
    assert ("add", "u8") in by_status["unsupported"]
    assert {t for (o, t) in by_status["pass"] if o == "add"} <= {"s8", "f32", "-"}
    assert not report.failed


def test_not_implemented_is_unsupported_not_a_failure():
    report = run(planted.NoExp(), ops=["exp"], types=["f32", "f64"], tier="smoke")
    statuses = {(r.check, r.status) for r in report.results}
    assert ("values", "unsupported") in statuses and not report.failed


def test_expectations_turn_failures_into_expected_failures_and_flag_unexpected_passes():
    expectations = [("add", "s8", "values"), ("add", "s16", "values")]
    report = run(planted.SaturatingAdd(), ops=["add"], types=["s8", "s16"], checks=["values"],
                 max_examples=10, expectations=expectations)
    statuses = {r.type: r.status for r in report.results}
    assert statuses == {"s8": "expected failure", "s16": "unexpected pass"}
    assert not report.failed


def test_preflight_stops_a_broken_backend_with_one_message():
    report = run(planted.NoFromBinary(), ops=["exp"])
    assert report.results == [] and report.failed
    assert "from_binary" in report.preflight and "no memory for you" in report.preflight


def test_against_another_backend():
    # the planted backend as the baseline: the correct one now departs from it
    report = run(nx.ReferenceBackend(), ops=["add"], types=["s8"], checks=["values"], max_examples=10,
                 reference=planted.SaturatingAdd())
    assert report.failed


def test_a_new_check_kind_is_one_registration():
    class Always:
        name = "always"

        def cells(self, op, ctx):
            return ["-"]

        def run(self, ctx, op, type_):
            return cases.Result(op.name, type_, self.name, "pass", {}, 1)

    cases.register_check(Always())
    try:
        report = run(nx.ReferenceBackend(), ops=["exp"], checks=["always"])
        assert [(r.op, r.check, r.status) for r in report.results] == [("exp", "always", "pass")]
    finally:
        del cases.CHECKS["always"]


def test_forked_workers_give_the_same_cells():
    one = run(nx.ReferenceBackend(), ops=["negate", "sum"], types=["s8"], tier="smoke")
    two = run(nx.ReferenceBackend(), ops=["negate", "sum"], types=["s8"], tier="smoke", jobs=2)
    assert [(r.op, r.type, r.check, r.status) for r in one.results] == \
        [(r.op, r.type, r.check, r.status) for r in two.results]


def test_a_process_running_threads_is_not_forked(monkeypatch):
    """Forking a process whose libraries run threads (an OpenCL runtime's) can
    hang the children: its ops run in this process instead."""
    import multiprocessing
    import threading
    from conformance import run as run_module

    def no_fork(*args):
        raise AssertionError("forked a process that runs threads")
    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert run_module._os_threads() > 1
        report = run(nx.ReferenceBackend(), ops=["negate"], types=["s8"], tier="smoke", jobs=2)
    finally:
        stop.set()
        worker.join()
    assert report.results and not report.failed


def test_a_compiler_runs_each_call_through_jit():
    compiled = []

    class Counting(nx.Evaluator):
        def compile(self, graph):
            compiled.append(graph)
            return super().compile(graph)

    from conformance.load import load
    report = run(load(Counting), ops=["add", "concatenate"], types=["f32"], tier="smoke")
    assert not report.failed and compiled
    assert {r.check for r in report.results if r.status == "pass"} >= {"values", "types", "errors"}
