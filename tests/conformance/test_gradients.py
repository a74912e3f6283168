"""The gradients check: generated for every differentiable op, passes on the
reference and through the Evaluator, fails with a runnable reproduction."""

import pytest

import nx_ref as nx
from conformance import cases, gradients
from conformance.load import load
from spec import registry
from tests.conformance import wrong_backends as wrong


def _ctx(candidate, **kw):
    kw.setdefault("max_examples", 2)
    return cases.Context(candidate, nx.ReferenceBackend(), **kw)


def test_cells_cover_the_differentiable_ops_in_float_types():
    ctx = _ctx(nx.ReferenceBackend())
    covered = {op.name for op in registry.all_ops().values() if gradients.CHECK.cells(op, ctx)}
    assert {"exp", "sin", "sum", "dot", "conv", "sort", "cholesky", "window_sum"} <= covered
    assert not covered & {"argmax", "equal", "bitwise_and", "iota"}
    assert gradients.CHECK.cells(registry.get("exp"), ctx) == ["f32", "f64"]
    assert gradients.CHECK.cells(registry.get("exp"), _ctx(nx.ReferenceBackend(), tier="smoke")) == ["f32"]


def test_reference_passes_every_differentiable_op():
    ctx = _ctx(nx.ReferenceBackend(), tier="smoke")
    statuses = {}
    for op in registry.all_ops().values():
        for t in gradients.CHECK.cells(op, ctx):
            r = gradients.CHECK.run(ctx, op, t)
            statuses[op.name] = r.status
            if r.status == "not generated":
                assert r.details["reason"]
    assert "fail" not in statuses.values()
    assert sum(s == "pass" for s in statuses.values()) >= 0.9 * len(statuses)


@pytest.mark.parametrize("op", ["logsumexp", "reduce_max", "window_max", "dot"])
def test_a_compiler_runs_the_gradient_graph(op):
    ctx = _ctx(load(nx.Evaluator), max_examples=2)
    assert gradients.CHECK.run(ctx, registry.get(op), "f32").status == "pass"


def test_failure_reproduction_replays_the_candidates_gradient():
    ctx = _ctx(wrong.WrongCos(), max_examples=3, candidate_name="tests.conformance.wrong_backends:WrongCos")
    result = gradients.CHECK.run(ctx, registry.get("sin"), "f32")
    assert result.status == "fail" and result.details["rtol"] == gradients.RTOL["f32"]
    scope = {}
    exec(result.details["reproduction"].replace("print(out)", ""), scope)  # noqa: S102
    diff = result.details["difference"]
    assert diff["path"] == "result[0]"   # the gradients are a tuple, one per float argument
    assert nx.to_flat_list(scope["out"][0])[diff["index"]] == pytest.approx(diff["got"])
    assert diff["got"] == pytest.approx(-diff["expected"])


def test_a_compilers_reproduction_runs_through_the_compiler():
    ctx = _ctx(load(wrong.WrongCosCompiler), max_examples=3,
               candidate_name="tests.conformance.wrong_backends:WrongCosCompiler")
    result = gradients.CHECK.run(ctx, registry.get("sin"), "f32")
    assert result.status == "fail" and "compiler=b.compiler" in result.details["reproduction"]
    scope = {}
    exec(result.details["reproduction"].replace("print(out)", ""), scope)  # noqa: S102
    diff = result.details["difference"]
    assert nx.to_flat_list(scope["out"][0])[diff["index"]] == pytest.approx(diff["got"])
