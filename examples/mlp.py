"""A 2-layer MLP trained with softmax cross-entropy and plain SGD, through
``nx.value_and_grad`` and ``@nx.defn``: the workload of the autodiff tests and of
``python -m benchmarks mlp``.

>>> params, losses = train(steps=3)
>>> len(losses), losses[-1] < losses[0]
(3, True)
"""

from __future__ import annotations

import math

import nx_ref as nx

__all__ = ["blobs", "init_params", "loss", "train_step", "train", "accuracy"]


def blobs(n=60, classes=3, seed=0):
    """``(x, labels)``: ``n`` points in 2-D around ``classes`` centres on a circle,
    as f32 ``[n][2]`` and one-hot f32 ``[n][classes]`` (deterministic)."""
    key = nx.random.key(seed)
    noise, key = nx.random.normal(key, 0.0, 0.5, shape=(n, 2))
    labels = [i % classes for i in range(n)]
    centres = nx.tensor([[3 * math.cos(2 * math.pi * c / classes),
                          3 * math.sin(2 * math.pi * c / classes)] for c in labels])
    one_hot = nx.equal(nx.reshape(nx.tensor(labels), (n, 1)),
                       nx.iota((1, classes)))
    return nx.add(centres, noise), nx.as_type(one_hot, "f32")


def init_params(hidden=8, inputs=2, classes=3, seed=1):
    """Small random weights and zero biases: ``{"w1", "b1", "w2", "b2"}``."""
    key = nx.random.key(seed)
    w1, key = nx.random.normal(key, 0.0, 0.5, shape=(inputs, hidden))
    w2, key = nx.random.normal(key, 0.0, 0.5, shape=(hidden, classes))
    return {"w1": w1, "b1": nx.broadcast(0.0, (hidden,)),
            "w2": w2, "b2": nx.broadcast(0.0, (classes,))}


def _logits(params, x):
    h = nx.tanh(nx.dot(x, params["w1"]) + params["b1"])
    return nx.dot(h, params["w2"]) + params["b2"]


def loss(params, x, y):
    """Mean softmax cross-entropy of the MLP's predictions."""
    logits = _logits(params, x)
    log_probs = logits - nx.logsumexp(logits, axes=[1], keep_axes=True)
    return nx.negate(nx.mean(nx.sum(y * log_probs, axes=[1])))


@nx.defn
def train_step(params, x, y, lr):
    """One SGD step: ``(new_params, loss_before_the_step)``."""
    value, grads = nx.value_and_grad(loss)(params, x, y)
    new = {k: params[k] - lr * grads[k] for k in params}
    return new, value


def accuracy(params, x, y):
    """Fraction of points whose largest logit is their class."""
    hits = nx.equal(nx.argmax(_logits(params, x), axis=1), nx.argmax(y, axis=1))
    return nx.mean(hits).to_number()


def train(steps=40, lr=0.5, hidden=8, n=60):
    """Train on :func:`blobs`; returns ``(params, losses)``."""
    x, y = blobs(n)
    params = init_params(hidden)
    losses = []
    for _ in range(steps):
        params, value = train_step(params, x, y, nx.tensor(lr))
        losses.append(value.to_number())
    return params, losses


if __name__ == "__main__":
    params, losses = train()
    x, y = blobs()
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, accuracy {accuracy(params, x, y):.2f}")
