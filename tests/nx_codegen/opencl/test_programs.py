"""Whole programs on nx_codegen.OpenCL (PoCL): the MLP training step
(forward, loss, ``value_and_grad``, SGD update) over several steps, ``while``
loops, ``cond`` with every branch taken, gradients through control flow,
containers in and out, and hooks; each equal to the Evaluator (the reference)
within tolerance, with the state staying on the device between calls."""

import math

import pytest

import nx_codegen
import nx_ref as nx
from nx_codegen import ir
from nx_codegen.lower import lower
from nx_codegen.opencl import render
from tests.support import assert_close
from tests.nx_codegen.opencl import DEVICE

POCL = nx_codegen.OpenCL(device=DEVICE)
B = nx_codegen.OpenCLBackend(device=DEVICE)


def _on_device(t):
    return type(t.data).__name__ == "DeviceArray" and t.backend == B


def _close(got, want, rtol=1e-5, context=""):
    """``got`` (an OpenCL tensor) equals ``want`` (a reference tensor) in spec,
    and elementwise within ``rtol`` relative to the tensor's largest value
    (programs compose many ops, each within its own tolerance)."""
    assert got.spec == want.spec, context
    g, w = got.to_flat_list(), want.to_flat_list()
    scale = 1.0 + max((abs(v) for v in w), default=0.0)
    bad = [(i, a, b) for i, (a, b) in enumerate(zip(g, w)) if not abs(a - b) <= rtol * scale]
    assert not bad, f"{context}: {bad[:5]}"


def _to_device(tree):
    if isinstance(tree, dict):
        return {k: _to_device(v) for k, v in tree.items()}
    if isinstance(tree, tuple):
        return tuple(_to_device(v) for v in tree)
    return nx.backend_transfer(tree, B)


# -- the MLP training step ------------------------------------------------------------

def test_mlp_training_steps_match_the_reference_and_stay_on_the_device():
    from examples import mlp
    x, y = mlp.blobs(n=24)
    lr = nx.tensor(0.5)
    ref_params = mlp.init_params(hidden=8)
    step = nx.jit(mlp.train_step, compiler=POCL)
    reference = nx.jit(mlp.train_step)                      # the Evaluator
    params, dx, dy, dlr = _to_device(ref_params), _to_device(x), _to_device(y), _to_device(lr)
    losses = []
    for i in range(4):
        params, value = step(params, dx, dy, dlr)            # device outputs feed the next step
        ref_params, ref_value = reference(ref_params, x, y, lr)
        assert all(_on_device(p) for p in params.values()) and _on_device(value)
        _close(value, ref_value, context=f"loss at step {i}")
        for k in ref_params:
            _close(params[k], ref_params[k], context=f"{k} at step {i}")
        losses.append(value.to_number())
    assert losses[-1] < losses[0]


def test_value_and_grad_with_containers_in_and_out():
    def f(p, data):
        def loss(p):
            h = nx.tanh(nx.dot(data["x"], p["w"]) + p["b"])
            return nx.sum(h * h) / 2 + nx.sum(p["w"] ** 2) * 0.01
        value, grads = nx.value_and_grad(loss)(p)
        return {"value": value, "grads": grads, "echo": (data["x"], p["b"] * 2)}
    p = {"w": nx.reshape(nx.iota((6,), type="f32") / 5 - 0.5, (3, 2)), "b": nx.tensor([0.1, -0.2])}
    data = {"x": nx.reshape(nx.iota((12,), type="f32") / 7 - 0.8, (4, 3))}
    got, want = nx.jit(f, compiler=POCL)(p, data), nx.jit(f)(p, data)
    assert set(got) == {"value", "grads", "echo"} and set(got["grads"]) == {"w", "b"}
    _close(got["value"], want["value"], context="value")
    for k in ("w", "b"):
        _close(got["grads"][k], want["grads"][k], context=f"grad {k}")
    assert isinstance(got["echo"], tuple)
    for g, w in zip(got["echo"], want["echo"]):
        assert g.to_binary() == w.to_binary()


# -- while loops ----------------------------------------------------------------------

def newton_sqrt(a):
    """sqrt(a) by Newton's iteration until the step is below 1e-6 (a data-
    dependent trip count), also returning the number of steps."""
    def body(s):
        i, x, _ = s
        nxt = (x + a / x) / 2
        return i + 1, nxt, nx.reduce_max(nx.abs(nxt - x))
    i, x, _ = nx.while_loop(lambda s: (s[2] > 1e-6) & (s[0] < 50), body, (0, a + 1.0, nx.tensor(1.0, type=a.type)))
    return i, x


def test_a_newton_while_loop_gives_the_references_result():
    a = nx.tensor([2.0, 9.0, 0.25, 1e4], type="f64")
    (i, x), (ri, rx) = nx.jit(newton_sqrt, compiler=POCL)(a), nx.jit(newton_sqrt)(a)
    assert i.to_number() == ri.to_number() and i.type == ri.type
    assert_close("f64", x.to_flat_list(), rx.to_flat_list(), ulps=4)
    assert_close("f64", x.to_flat_list(), [math.sqrt(v) for v in a.to_flat_list()], ulps=4)
    assert _on_device(x)
    # the host drives the loop; its condition and body run as device kernels
    (loop,) = [s for s in lower(nx.jit(newton_sqrt).lower(a), render.OpenCLTarget()).steps
               if isinstance(s, ir.HostStep)]
    for sub in (loop.node.opts["condition"], loop.node.opts["body"]):
        assert all(isinstance(s, ir.Kernel) for s in lower(sub, render.OpenCLTarget()).steps)


def test_a_counter_loop_with_a_tensor_state_wraps_like_the_reference():
    def f(x, n):
        def body(s):
            i, acc, total = s
            return i + 1, acc * 3 + 1, total + nx.reduce_max(acc)
        return nx.while_loop(lambda s: s[0] < n, body, (0, x, nx.tensor(0, type="s8")))
    x, n = nx.tensor([1, -2, 100], type="s8"), nx.tensor(6)
    got, want = nx.jit(f, compiler=POCL)(_to_device(x), n), nx.jit(f)(x, n)
    assert [g.to_list() for g in got] == [w.to_list() for w in want]
    assert [g.type for g in got] == [w.type for w in want]
    # zero trips: the initial state comes back
    zero = nx.jit(f, compiler=POCL)(x, nx.tensor(0))
    assert zero[1].to_list() == x.to_list() and zero[0].to_number() == 0


def test_the_gradient_of_a_while_loop():
    def f(x):
        def power(x):
            return nx.sum(nx.while_loop(lambda s: s[0] < 3, lambda s: (s[0] + 1, s[1] * x), (0, x))[1])
        return nx.grad(power)(x)
    x = nx.tensor([0.5, -1.5, 2.0])
    got = nx.jit(f, compiler=POCL)(x)
    _close(got, nx.jit(f)(x), context="d/dx sum(x^4)")
    _close(got, nx.tensor([4 * v ** 3 for v in x.to_flat_list()]), context="4 x^3")


# -- cond ------------------------------------------------------------------------------

def branches(x):
    first = nx.cond(nx.sum(x) > 0, lambda: nx.exp(x) - 1.0, lambda: x * x)
    second = nx.cond([(nx.reduce_max(x) > 1.5, lambda: x + 10.0),
                      (nx.reduce_min(x) < -1.5, lambda: (x - 10.0))], lambda: nx.negate(x))
    return first, second


@pytest.mark.parametrize("values", [[1.0, 2.0, -0.5], [-1.0, -2.0, 0.5], [0.5, -0.25, 1.0],
                                    [-0.0, 0.0, 0.0]])
def test_cond_takes_every_branch_like_the_reference(values):
    x = nx.tensor(values)
    f = nx.jit(branches, compiler=POCL)
    for g, w in zip(f(_to_device(x)), nx.jit(branches)(x)):
        _close(g, w, rtol=2e-7, context=str(values))
        assert _on_device(g)


def test_the_gradient_through_cond():
    def f(x):
        return nx.grad(lambda x: nx.sum(nx.cond(nx.sum(x) > 0, lambda: nx.sin(x) * x, lambda: x ** 3)))(x)
    for values in ([0.5, 1.0], [-0.5, -1.0]):
        x = nx.tensor(values)
        _close(nx.jit(f, compiler=POCL)(x), nx.jit(f)(x), context=str(values))


# -- hooks and device kernels --------------------------------------------------------

def test_hooks_fire_in_order_with_the_references_values():
    def program(x):
        doubled = nx.io_call(x * 2.0, "first")

        def body(s):
            i, acc = s
            return i + 1, nx.io_call(acc * 0.5 + 1.0, "step")
        _, acc = nx.while_loop(lambda s: s[0] < 3, body, (0, doubled))
        return nx.io_call(nx.sum(acc), "last")

    def run(compiler):
        log = []
        hooks = {n: (lambda t, n=n: log.append((n, t.to_flat_list()))) for n in ("first", "step", "last")}
        out = nx.jit(program, compiler=compiler, hooks=hooks)(nx.tensor([1.0, 2.0, 3.0]))
        return out, log
    (got, got_log), (want, want_log) = run(POCL), run(nx.Evaluator())
    assert [n for n, _ in got_log] == ["first", "step", "step", "step", "last"]
    assert got_log == want_log and got.to_list() == want.to_list()


def test_a_program_of_host_steps_only_runs():
    """No kernel to build, so no queue: the host steps still run (an io_call
    alone; found by the conformance suite with the c64 conv example)."""
    seen = []
    f = nx.jit(lambda x: nx.io_call(x, seen.append), compiler=POCL)
    x = nx.tensor([1.0, -2.0])
    assert [type(s).__name__ for s in lower(f.lower(x), render.OpenCLTarget()).steps] == ["HostStep"]
    out = f(x)
    assert out.to_list() == [1.0, -2.0] and [t.to_list() for t in seen] == [[1.0, -2.0]]
    assert _on_device(out)


def test_the_whole_mlp_step_lowers_to_device_kernels():
    """Forward, loss, gradient and update: fused kernels and dedicated (dot)
    kernels only, no host step."""
    from examples import mlp
    x, y = mlp.blobs(n=6)
    g = nx.jit(mlp.train_step).lower(mlp.init_params(hidden=4), x, y, nx.tensor(0.5))
    steps = lower(g, render.OpenCLTarget()).steps
    assert sum(isinstance(s, ir.Kernel) for s in steps) >= 5
    assert {s.node.op for s in steps if isinstance(s, ir.Extern)} == {"dot"}
    assert [s.node.op for s in steps if isinstance(s, ir.HostStep)] == []
