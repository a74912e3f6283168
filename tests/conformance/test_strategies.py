"""The generators: every op of the registry drawn from its declaration; the
inputs cover empty, rank-0, named and non-contiguous tensors."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nx_ref as nx
from spec import registry
from conformance import strategies
from conformance.calls import Call, TensorArg
from conformance.run import run


def _draws(op_name, type_, mode="values", n=30):
    op = registry.get(op_name)
    seen = []

    @settings(max_examples=n, database=None, suppress_health_check=list(HealthCheck), deadline=None)
    @given(strategies.calls(op, type_, mode))
    def collect(call):
        seen.append(call)
    collect()
    return seen


def test_every_registry_op_has_generators_for_its_static_parameters():
    missing = {name: strategies.not_generated(op) for name, op in registry.all_ops().items()
               if strategies.not_generated(op)}
    assert missing == {}


def test_drawn_calls_are_valid_and_varied():
    calls = _draws("add", "f32", n=100)
    assert all(strategies.valid(registry.get("add"), c) for c in calls)
    firsts = [c.args[0] for c in calls]
    assert any(t.shape == () for t in firsts) and any(0 in t.shape for t in firsts)
    assert any(any(t.names) for t in firsts)
    tensors = firsts + [c.args[1] for c in calls if isinstance(c.args[1], TensorArg)]
    assert {t._step() for t in tensors} == {None, "transposed", "sliced"}
    assert any(not isinstance(c.args[1], TensorArg) for c in calls)         # a Python number
    assert any(isinstance(c.args[1], TensorArg) and c.args[1].shape != c.args[0].shape for c in calls)


def test_names_mode_names_every_axis_and_errors_mode_keeps_invalid_calls():
    assert all(all(c.args[0].names) for c in _draws("sum", "f32", "names"))
    errors = _draws("sum", "f32", "errors", n=60)
    assert any(not strategies.valid(registry.get("sum"), c) for c in errors)


def test_an_op_without_a_generator_is_reported_not_dropped(monkeypatch):
    monkeypatch.delitem(strategies.STATIC, "repetitions")
    report = run(nx.ReferenceBackend(), ops=["tile"], types=["f32"], checks=["values"], tier="smoke")
    (cell,) = report.results
    assert cell.status == "not generated" and "repetitions" in cell.details["reason"]


def test_a_type_the_spec_rejects_is_said_so(monkeypatch):
    from spec import registry, types as spec_types
    # an accepts list wider than what the type rule takes (bitcast rejects complex)
    monkeypatch.setattr(registry.get("bitcast"), "accepts", spec_types.ALL_TYPES)
    report = run(nx.ReferenceBackend(), ops=["bitcast"], types=["c64"], checks=["values"], tier="smoke")
    (cell,) = report.results
    assert cell.status == "not generated" and "rejects c64" in cell.details["reason"]


@given(st.lists(st.integers(-128, 127), min_size=6, max_size=6), st.sampled_from(["contiguous", "transposed", "sliced"]))
def test_layouts_build_the_same_tensor(values, layout):
    arg = TensorArg(tuple(values), "s8", (2, 3), ("x", None), layout)
    t = arg.build(nx.ReferenceBackend())
    assert (t.shape, t.names, t.to_flat_list()) == ((2, 3), ("x", None), values)
    scope = {"nx": nx, "b": nx.ReferenceBackend()}
    exec(Call("negate", (arg,)).source("b"), scope)  # noqa: S102
    assert scope["out"].to_flat_list() == nx.negate(t).to_flat_list()
