"""One training step of a 2-layer MLP (tanh hidden layer, softmax cross-entropy,
SGD): the autodiff workload (``examples/mlp.py``) timed next to numpy with a
hand-written backward pass and ``jax.jit(jax.value_and_grad(...))``.

The nx rows run the step as a defn (traced once, value and gradient from
``nx.value_and_grad``) on the reference backend; the table's median is the time
of one step, so steps per second is its inverse. The output compared is the
updated parameters, flattened; the reference is numpy's step in float64.

>>> from benchmarks.common import run
>>> result = run(MLP, size=16, rounds=1)
>>> [r.status for r in result.rows if r.status != "skipped"]
['ok', 'ok', 'ok']
"""

from __future__ import annotations

import numpy as np

from benchmarks.common import Benchmark, Candidate, jax_candidate, numpy_candidate

__all__ = ["MLP", "MLP_784", "BENCHMARKS", "numpy_step", "xp_loss"]

HIDDEN, CLASSES, LR = 16, 3, 0.5


def _make_inputs(features, hidden, classes):
    """``make_inputs(size, seed)`` of an MLP: ``size`` examples of ``features``
    values, labels among ``classes``, weights scaled by 1/sqrt(fan-in)."""
    def make(size, seed):
        rng = np.random.default_rng(seed)
        labels = rng.integers(0, classes, size)
        x = (rng.standard_normal((size, features)) + labels[:, None]).astype(np.float32)
        y = np.eye(classes, dtype=np.float32)[labels]
        w1 = (rng.standard_normal((features, hidden)) / np.sqrt(features)).astype(np.float32)
        w2 = (rng.standard_normal((hidden, classes)) / np.sqrt(hidden)).astype(np.float32)
        return x, y, w1, np.zeros(hidden, np.float32), w2, np.zeros(classes, np.float32)
    return make


_inputs = _make_inputs(2, HIDDEN, CLASSES)


def numpy_step(np_, x, y, w1, b1, w2, b2):
    """One SGD step with the backward pass written by hand; returns the new
    parameters flattened into one vector.

    >>> out = numpy_step(np, *_inputs(4, 0))
    >>> out.shape
    (99,)
    """
    n = x.shape[0]
    h = np_.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np_.exp(shifted) / np_.exp(shifted).sum(axis=1, keepdims=True)
    d_logits = (p - y) / n
    d_w2, d_b2 = h.T @ d_logits, d_logits.sum(axis=0)
    d_h = (d_logits @ w2.T) * (1 - h * h)
    d_w1, d_b1 = x.T @ d_h, d_h.sum(axis=0)
    new = [w1 - LR * d_w1, b1 - LR * d_b1, w2 - LR * d_w2, b2 - LR * d_b2]
    return np_.concatenate([a.reshape(-1) for a in new])


def _expected(*inputs):
    return numpy_step(np, *[a.astype(np.float64) for a in inputs])


def xp_loss(xp, params, x, y):
    """The loss for an array namespace (jax.numpy).

    >>> float(round(xp_loss(np, _inputs(4, 0)[2:], *_inputs(4, 0)[:2]), 3)) > 0
    True
    """
    w1, b1, w2, b2 = params
    logits = xp.tanh(x @ w1 + b1) @ w2 + b2
    m = logits.max(axis=1, keepdims=True)
    log_probs = logits - (m + xp.log(xp.exp(logits - m).sum(axis=1, keepdims=True)))
    return -(y * log_probs).sum(axis=1).mean()


def _jax_step(jnp, x, y, w1, b1, w2, b2):
    import jax
    params = (w1, b1, w2, b2)
    _, grads = jax.value_and_grad(lambda p: xp_loss(jnp, p, x, y))(params)
    return jnp.concatenate([(p - LR * g).reshape(-1) for p, g in zip(params, grads)])


def _step(nx, x, y, w1, b1, w2, b2):
    from examples import mlp
    params = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    new, _ = mlp.train_step(params, x, y, LR)
    return nx.concatenate([nx.flatten(new[k]) for k in ("w1", "b1", "w2", "b2")])


def _nx_candidate(name, compiler, note):
    def setup(inputs):
        import nx_ref as nx
        if compiler == "C":
            import nx_codegen
            step = nx.jit(lambda *a: _step(nx, *a), compiler=nx_codegen.C)
            return step, [nx.from_numpy(a, backend=nx_codegen.CBackend()) for a in inputs]
        return nx.jit(lambda *a: _step(nx, *a)), [nx.from_numpy(a) for a in inputs]

    return Candidate(name, setup=setup, run=lambda state: state[0](*state[1]),
                     result=lambda t: t.to_numpy(), note=note)


def _candidates(reference=True):
    rows = [numpy_candidate("numpy", numpy_step, note="the backward pass written by hand")]
    if reference:
        rows.append(_nx_candidate("nx_ref defn, reference", None, "nx.value_and_grad + SGD as "
                                  "one defn, Evaluator on the reference backend"))
    return rows + [
        _nx_candidate("nx_codegen.C (jit)", "C", "the same defn compiled into C kernels"),
        jax_candidate("jax.jit (cpu)", _jax_step, note="jax.value_and_grad + SGD"),
    ]


MLP = Benchmark(
    name="mlp", title=f"one SGD step of a 2-{HIDDEN}-{CLASSES} MLP, softmax cross-entropy",
    dtype="f32", baseline="numpy", rtol=2e-4, make_inputs=_inputs, expected=_expected,
    candidates=_candidates, default_size=256)

# issue 7's training step: 784-256-10, batch 128 (the plain-Python reference would
# take seconds per step, so it has no row here). The check is element-wise relative
# error against float64: for parameters near zero (the biases after one step) the
# f32 sums over the batch leave a few percent, numpy's own f32 step included.
MLP_784 = Benchmark(
    name="mlp_784", title="one SGD step of a 784-256-10 MLP, softmax cross-entropy",
    dtype="f32", baseline="numpy", rtol=0.1, make_inputs=_make_inputs(784, 256, 10),
    expected=_expected, candidates=lambda: _candidates(reference=False), default_size=128)

BENCHMARKS = (MLP, MLP_784)
