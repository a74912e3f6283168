"""Ops of every family run inside defn (traced, then run by the Evaluator) with
exactly the results of the eager calls: types, shapes, names and bits."""

import pytest

import nx_ref as nx
from nx_ref.defn.tree import flatten

X = nx.tensor([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])

CASES = {
 "reshape": lambda a: nx.reshape(a, (3, 2)),
 "transpose": lambda a: nx.transpose(a),
 "sum_axes": lambda a: nx.sum(a, axes=[1], keep_axes=True),
 "argmax": lambda a: nx.argmax(a, axis=1, tie_break="high"),
 "dot": lambda a: nx.dot(a, nx.transpose(a)),
 "concat": lambda a: nx.concatenate([a, a * 2], axis=0),
 "stack": lambda a: nx.stack([a, a]),
 "slice": lambda a: a[:, 1:3],
 "index": lambda a: a[1],
 "sort": lambda a: nx.sort(a, axis=1, direction="desc"),
 "argsort": lambda a: nx.argsort(a, axis=1),
 "cumsum": lambda a: nx.cumulative_sum(a, axis=1),
 "window_sum": lambda a: nx.window_sum(a, (1, 2)),
 "pad": lambda a: nx.pad(a, 0.0, [(1, 1, 0), (0, 1, 1)]),
 "qr": lambda a: nx.linalg.qr(nx.dot(nx.transpose(a), a) + nx.eye(3)),
 "fft": lambda a: nx.fft(a),
 "reduce": lambda a: nx.reduce(a, 0, lambda p, q: p + q, axes=[0]),
 "iota": lambda a: a + nx.iota((2, 3)),
 "literal": lambda a: a * nx.tensor([1.0, 2.0, 3.0]),
 "take": lambda a: nx.take(a, nx.tensor([1, 0, 1]), axis=1),
 "gather": lambda a: nx.gather(a, nx.tensor([[0, 1], [1, 2]])),
 "put_slice": lambda a: nx.put_slice(a, [0, 1], nx.tensor([[9.0, 9.0]])),
 "select": lambda a: nx.select(a > 0, a, 0),
 "clip": lambda a: nx.clip(a, -1, 1),
 "mean": lambda a: nx.mean(a),
 "logsumexp": lambda a: nx.logsumexp(a, axes=[1]),
 "random": lambda a: nx.random.uniform(nx.random.key(42), shape=(2, 3))[0] + a,
 "conv": lambda a: nx.conv(nx.reshape(a, (1, 1, 2, 3)), nx.tensor([[[[1.0, 2.0]]]])),
 "top_k": lambda a: nx.top_k(a, k=2),
 "median": lambda a: nx.median(a),
 "window_reduce": lambda a: nx.window_reduce(a, 0.0, (1, 2), lambda p, q: p + q),
 "indexed_add": lambda a: nx.indexed_add(a, nx.tensor([[0, 0], [1, 1]]), nx.tensor([1.0, 2.0])),
 "bitcast": lambda a: nx.bitcast(a, "s32"),
 "as_type": lambda a: nx.as_type(a, "bf16"),
 "solve": lambda a: nx.linalg.solve(nx.dot(nx.transpose(a), a) + nx.eye(3), nx.tensor([1.0, 2.0, 3.0])),
 "determinant": lambda a: nx.linalg.determinant(nx.dot(nx.transpose(a), a) + nx.eye(3)),
 "shuffle": lambda a: nx.random.shuffle(nx.random.key(1), a),
 "mode": lambda a: nx.mode(nx.tensor([1, 2, 2, 3])),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_in_defn_equals_eager(name):
    fun = CASES[name]
    want, _ = flatten(fun(X))
    got, _ = flatten(nx.jit(fun)(X))
    assert [g.spec for g in got] == [w.spec for w in want]
    assert [g.to_binary() for g in got] == [w.to_binary() for w in want]


def test_random_functions_work_inside_defn():
    f = nx.jit(lambda key: nx.random.normal(key, shape=(4,)))
    key = nx.random.key(7)
    assert f(key)[0].to_binary() == nx.random.normal(key, shape=(4,))[0].to_binary()
