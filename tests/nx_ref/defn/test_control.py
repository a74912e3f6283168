"""nx.cond, nx.while_loop and side effects, eager and traced."""

import pytest

import nx_ref as nx
from spec.errors import ArgumentError, ShapeError, TypeError_


@pytest.mark.parametrize("x, want", [(3, 6), (-4, 4), (0, 0)])
def test_two_way_cond_eager_and_traced(x, want):
    f = lambda t: nx.cond(t > 0, lambda: t * 2, lambda: -t) 
    assert f(nx.tensor(x)).to_number() == want
    assert nx.jit(f)(nx.tensor(x)).to_number() == want


@pytest.mark.parametrize("x, want", [(-5, 0), (5, 1), (50, 2)])
def test_multi_clause_cond(x, want):
    f = lambda t: nx.cond([(t < 0, lambda: 0), (t < 10, lambda: 1)], lambda: 2) 
    assert nx.jit(f)(nx.tensor(x)).to_number() == want
    assert f(nx.tensor(x)) == want


def test_cond_with_operands_and_python_predicates():
    f = nx.jit(lambda a, b: nx.cond(a > b, lambda u, v: u - v, lambda u, v: v - u, a, b))
    assert f(nx.tensor(5), nx.tensor(2)).to_number() == 3
    g = nx.jit(lambda x: nx.cond(True, lambda: x + 1, lambda: x - 1))
    assert g(nx.tensor(1)).to_number() == 2
    assert [n.op for n in g.lower(nx.tensor(1)).nodes if n.op == "cond"] == []


def test_cond_merges_types_and_broadcasts_shapes_as_nx():
    f = nx.jit(lambda x: nx.cond(nx.sum(x) > 0, lambda: x, lambda: 0))
    got = f(nx.tensor([-1.0, -2.0]))
    assert str(got.type) == "f32" and got.to_list() == [0.0, 0.0]
    g = nx.jit(lambda x: nx.cond(x[0] > 0, lambda: x, lambda: nx.as_type(x, "f64")))
    assert str(g(nx.tensor([1, 2])).type) == "f64"


def test_cond_branches_returning_different_structures_raise():
    f = nx.jit(lambda x: nx.cond(x > 0, lambda: (x, x), lambda: x))
    with pytest.raises(ArgumentError, match="cond/if expects all branches to return compatible"):
        f(nx.tensor(1))
    g = nx.jit(lambda x: nx.cond(x[0] > 0, lambda: x, lambda: nx.tensor([1, 2, 3])))
    with pytest.raises(ShapeError, match="do not broadcast"):
        g(nx.tensor([1, 2]))
    h = nx.jit(lambda x: nx.cond(x > 0, lambda: x, lambda: "no"))
    with pytest.raises(TypeError_):
        h(nx.tensor(1))


def test_cond_predicate_must_be_a_scalar():
    with pytest.raises(ShapeError, match="scalar tensor, got a tensor of shape"):
        nx.jit(lambda x: nx.cond(x > 0, lambda: x, lambda: -x))(nx.tensor([1, 2]))


def test_while_power_loop_and_container_state():
    def power(x, n):
        def body(s):
            return {"i": s["i"] + 1, "acc": s["acc"] * x}
        return nx.while_loop(lambda s: s["i"] < n, body, {"i": 0, "acc": nx.tensor(1.0)})["acc"]

    f = nx.jit(power)
    assert f(nx.tensor(2.0), nx.tensor(10)).to_number() == 1024.0
    assert f(nx.tensor(3.0), nx.tensor(0)).to_number() == 1.0
    assert power(nx.tensor(2.0), 3).to_number() == 8.0       # eager: a Python loop


def test_while_body_changing_its_state_raises():
    with pytest.raises(ArgumentError, match=r"element 0 starts as f32\[2\] but the body returns f32\[3\]"):
        nx.jit(lambda x: nx.while_loop(lambda s: nx.sum(s) < 10, lambda s: nx.concatenate([s, s[0:1]]), x))(
            nx.tensor([1.0, 2.0]))
    with pytest.raises(ArgumentError, match=r"starts as s32 but the body returns f32"):
        nx.jit(lambda x: nx.while_loop(lambda s: s < 10, lambda s: s * 1.5, x))(nx.tensor(1))
    with pytest.raises(ArgumentError, match="same structure"):
        nx.jit(lambda x: nx.while_loop(lambda s: s[0] < 10, lambda s: s[0], (x, x)))(nx.tensor(1))


def test_cond_inside_while_and_while_inside_cond():
    def collatz_steps(n):
        def body(s):
            k, steps = s
            k = nx.cond(k % 2 == 0, lambda: nx.quotient(k, 2), lambda: 3 * k + 1)
            return k, steps + 1
        return nx.while_loop(lambda s: s[0] != 1, body, (n, 0))[1]

    f = nx.jit(collatz_steps)
    assert [f(nx.tensor(v)).to_number() for v in (1, 6, 27)] == [0, 8, 111]

    def g(x):
        return nx.cond(x > 0, lambda: nx.while_loop(lambda s: s < 100, lambda s: s * 2, x), lambda: x)
    j = nx.jit(g)
    assert j(nx.tensor(3)).to_number() == 192
    assert j(nx.tensor(-3)).to_number() == -3


def test_loop_body_sees_outer_values_as_captures():
    w = nx.tensor([1, 2])

    def f(x, y):
        return nx.while_loop(lambda s: nx.sum(s) < 20, lambda s: s + x + w + y, nx.tensor([0, 0]))
    assert nx.jit(f)(nx.tensor(1), nx.tensor([0, 1])).to_list() == [8, 16]


def test_tensors_of_a_branch_cannot_escape_it():
    leaked = []

    def f(x):
        nx.cond(x > 0, lambda: leaked.append(x * 2) or x, lambda: x)
        return leaked[0] + 1
    with pytest.raises(ArgumentError, match="used outside of it"):
        nx.jit(f)(nx.tensor(1))


def test_hooks_fire_once_per_iteration_in_order():
    events = []

    def f(x):
        def body(s):
            i, acc = s
            acc = nx.io_call(acc * 2, "step")
            i = nx.io_call(i + 1, lambda v: events.append(("i", v.to_number())))
            return i, acc
        return nx.while_loop(lambda s: s[0] < 3, body, (0, x))

    j = nx.jit(f, hooks={"step": lambda v: events.append(("acc", v.to_list()))})
    _, acc = j(nx.tensor([1.0]))
    assert acc.to_list() == [8.0]
    assert events == [("acc", [2.0]), ("i", 1), ("acc", [4.0]), ("i", 2), ("acc", [8.0]), ("i", 3)]


def test_hooks_overridden_at_jit_time_and_unused_results_still_run():
    seen = []

    def f(x):
        nx.io_call(x + 1, "tap", lambda v: seen.append(("default", v.to_number())))
        return x * 2
    assert nx.jit(f)(nx.tensor(1)).to_number() == 2
    assert nx.jit(f, hooks={"tap": lambda v: seen.append(("override", v.to_number()))})(
        nx.tensor(5)).to_number() == 10
    assert seen == [("default", 2), ("override", 6)]
    nx.jit(lambda x: nx.io_call(x, "nobody"))(nx.tensor(1))   # a name with no callback: no call


def test_hooks_inside_cond_branches():
    seen = []
    f = nx.jit(lambda x: nx.cond(x > 0, lambda: nx.io_call(x, seen.append), lambda: -x))
    f(nx.tensor(2))
    f(nx.tensor(-2))
    assert [t.to_number() for t in seen] == [2]


def test_print_value(capsys):
    nx.jit(lambda x: nx.print_value(x * 2, label="double"))(nx.tensor([1, 2]))
    assert capsys.readouterr().out == "double: #Nx.Tensor<\n  s32[2]\n  [2, 4]\n>\n"


def test_runtime_call_checks_its_result():
    f = nx.jit(lambda x: nx.runtime_call(nx.template((2,), "s32"), x, lambda t, o: nx.sum(t)))
    with pytest.raises(ArgumentError, match="must return a result matching the output template"):
        f(nx.tensor([1, 2]))


def test_eager_io_call_calls_at_once():
    seen = []
    assert nx.io_call(nx.tensor(1), seen.append).to_number() == 1
    assert len(seen) == 1
    with pytest.raises(TypeError_, match="expects a name"):
        nx.io_call(nx.tensor(1), 42)
