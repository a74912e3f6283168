"""The Expr graph: nodes, hash-consing, captures, dead code, the printed form."""

from pathlib import Path

import pytest

import nx_ref as nx
from nx_ref.defn.expr import TracingError, trace

GOLDEN = Path(__file__).parent / "golden"


def softmax(t):
    return nx.exp(t) / nx.sum(nx.exp(t))


def power_loop(x, n):
    def body(s):
        i, acc = s
        return i + 1, acc * x
    return nx.while_loop(lambda s: s[0] < n, body, (0, nx.broadcast(1.0, x.shape)))[1]


@pytest.mark.parametrize("name, fun, args", [
    ("softmax", softmax, [nx.template((2, 3), "f32", names=["batch", None])]),
    ("power_loop", power_loop, [nx.template((3,), "f32"), nx.template((), "s32")]),
])
def test_print_expr_matches_golden(name, fun, args, capsys):
    text = repr(nx.debug_expr(fun)(*args))
    assert text == (GOLDEN / f"{name}.txt").read_text().rstrip("\n")
    inputs = [nx.broadcast(nx.tensor(1, type=t.type), t.shape, names=list(t.names)) for t in args]
    nx.jit(lambda *a: nx.print_expr(fun(*a)))(*inputs)
    assert capsys.readouterr().out.rstrip("\n") == text


def test_common_subexpressions_are_shared():
    g = trace(lambda x: nx.exp(x) + nx.exp(x) * nx.exp(x), [nx.template((2,), "f32")])
    assert [n.op for n in g.nodes] == ["parameter", "exp", "multiply", "add"]
    g = trace(lambda x: (x + 1) - (x + 1.0), [nx.template((), "f32")])
    assert [n.op for n in g.nodes].count("add") == 2      # 1 and 1.0 are different literals


def test_dead_nodes_are_dropped_but_effects_are_kept():
    def f(x):
        nx.exp(x)                                  # unused: dropped
        nx.io_call(nx.sin(x), lambda v: None)      # unused result, but a side effect: kept
        return x + 1
    g = trace(f, [nx.template((), "f32")])
    assert [n.op for n in g.nodes] == ["parameter", "sin", "io_call", "constant", "add"]
    assert g.effects == [g.nodes[2]]


def test_effects_are_chained_in_program_order():
    def f(x):
        a = nx.io_call(x, "first")
        b = nx.io_call(x * 2, "second")
        return a, b
    g = trace(f, [nx.template((), "f32")])
    first, second = g.effects
    assert second.deps == (first,)


def test_sub_graphs_are_closed_over_their_captures():
    def f(x, y):
        return nx.cond(x > 0, lambda: x + y, lambda: y)
    g = trace(f, [nx.template((), "f32"), nx.template((), "f32")])
    cond = next(n for n in g.nodes if n.op == "cond")
    true_branch, false_branch = cond.opts["branches"]
    assert [c.opts["index"] for c in true_branch.captures] == [0, 1]
    assert [c.opts["index"] for c in false_branch.captures] == [1]
    assert len(cond.args) == 1 + 3       # the predicate and the captures of both branches


def test_multi_output_ops_read_through_elem_nodes():
    g = trace(lambda a: nx.linalg.qr(a), [nx.template((2, 2), "f32")])
    assert [n.op for n in g.nodes] == ["parameter", "qr", "elem", "elem"]


def test_graph_size_counts_sub_graphs():
    g = nx.jit(power_loop).lower(nx.tensor([1.0]), nx.tensor(3))
    assert g.count() > len(g.nodes)


def test_expr_tensors_outside_a_trace():
    out = nx.debug_expr(lambda x: x + 1)(nx.template((), "s32"))
    with pytest.raises(TracingError, match="no defn function is being traced"):
        out * 2
