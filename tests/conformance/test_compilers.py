"""The programs check: composite programs through a candidate compiler agree
with the Evaluator; hooks fire with the same values in the same order."""

import pytest

import nx_ref as nx
from conformance import cases, compilers
from conformance.load import load
from spec import registry
from tests.conformance import wrong_backends as wrong


def _ctx(candidate, n=2):
    return cases.Context(candidate, nx.ReferenceBackend(), max_examples=n,
                         candidate_name="tests.conformance.wrong_backends:LoopOneShort")


def test_programs_apply_to_compilers_only_one_cell_per_program():
    compiled = _ctx(load(nx.Evaluator))
    anchors = [op for op in registry.all_ops().values() if compilers.CHECK.cells(op, compiled)]
    assert sorted(op.name for op in anchors) == sorted(p.op for p in compilers.PROGRAMS.values())
    assert not any(compilers.CHECK.cells(op, _ctx(nx.ReferenceBackend())) for op in anchors)
    assert {"softmax", "while", "cond", "mlp_step", "hooks"} <= set(compilers.PROGRAMS)


@pytest.mark.parametrize("name", sorted(compilers.PROGRAMS))
def test_evaluator_passes_every_program(name):
    program = compilers.PROGRAMS[name]
    result = compilers.CHECK.run(_ctx(load(nx.Evaluator)), registry.get(program.op), "f32")
    assert (result.status, result.details["program"], result.examples) == ("pass", name, 2)


def test_hooks_fire_in_program_order_with_their_values():
    import random
    program = compilers.PROGRAMS["hooks"]
    (ok, out), log = compilers.run_program(program, nx.Evaluator(), program.inputs(random.Random(0)))
    assert ok == "ok" and [n for n, _ in log] == ["first", "step", "step", "step", "last"]
    assert log[-1][1] == [out.to_number()]
    assert compilers._compare_logs(log, log) is None
    assert compilers._compare_logs(log[::-1], log)["what"] == "hooks"
    changed = [(n, [v + 1 for v in vals]) for n, vals in log]
    assert compilers._compare_logs(changed, log)["what"] == "hook values"


def test_failure_has_a_reproduction_that_shows_the_difference():
    result = compilers.CHECK.run(_ctx(load(wrong.LoopOneShort)), registry.get("add"), "f32")
    assert result.status == "fail" and result.details["program"] == "while"
    assert "run_program(PROGRAMS['while']" in result.details["reproduction"]


def test_c_compiler_runs_the_programs():
    import nx_codegen
    ctx = _ctx(load(nx_codegen.C), n=1)
    for program in compilers.PROGRAMS.values():
        result = compilers.CHECK.run(ctx, registry.get(program.op), "f32")
        assert result.status == "pass", (program.name, result.details)
