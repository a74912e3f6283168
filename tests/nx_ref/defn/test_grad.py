"""nx.grad / nx.value_and_grad: Nx's examples, control flow, second order, the
MLP workload, graph size, and errors."""

import math

import pytest

import nx_ref as nx
from spec.errors import ArgumentError, ShapeError, TypeError_


def test_nx_doc_examples():
    # Nx.Defn.grad(fn x -> Nx.sin(x) end).(Nx.tensor(0)): an integer input, an f32 gradient
    g = nx.grad(lambda x: nx.sin(x))(nx.tensor(0))
    assert repr(g) == "#Nx.Tensor<\n  f32\n  1.0\n>"
    value, g = nx.value_and_grad(lambda x: nx.sin(x))(nx.tensor(0))
    assert repr(value) == "#Nx.Tensor<\n  f32\n  0.0\n>" and g.to_number() == 1.0


def test_containers_and_argnums():
    # Nx's grad({a, b}, fn {a, b} -> tanh(a) + pow(b, 2) end)
    ga, gb = nx.grad((nx.tensor(0.5), nx.tensor(3.0)), lambda ab: nx.tanh(ab[0]) + ab[1] ** 2)
    assert ga.to_number() == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-6)
    assert gb.to_number() == 6.0
    params = {"w": nx.tensor([1.0, 2.0]), "b": nx.tensor(0.5)}
    grads = nx.grad(lambda p, x: nx.sum(p["w"] * x + p["b"]))(params, nx.tensor([3.0, 4.0]))
    assert grads["w"].to_list() == [3.0, 4.0] and grads["b"].to_number() == 2.0
    dx, dy = nx.grad(lambda x, y: x * y * y, argnums=(0, 1))(nx.tensor(2.0), nx.tensor(3.0))
    assert (dx.to_number(), dy.to_number()) == (9.0, 12.0)


def power_loop(x):
    return nx.while_loop(lambda s: s[0] < 5, lambda s: (s[0] + 1, s[1] * x), (0, nx.as_type(1, x.type)))[1]


@pytest.mark.parametrize("x", [2.0, -1.5, 0.5])
def test_grad_through_while(x):
    assert nx.grad(power_loop)(nx.tensor(x)).to_number() == pytest.approx(5 * x ** 4, rel=1e-6)


def test_grad_through_while_with_captured_and_vector_state():
    w = nx.tensor([1.0, 2.0])

    def f(x):
        def body(s):
            return s[0] + 1, s[1] * x + w
        return nx.sum(nx.while_loop(lambda s: s[0] < 3, body, (0, x))[1])
    # s3 = x^4 + w x^2 + w x + w, per element
    got = nx.grad(f)(nx.tensor([0.5, -1.0])).to_list()
    want = [4 * v ** 3 + wv * (2 * v + 1) for v, wv in zip([0.5, -1.0], [1.0, 2.0])]
    assert got == pytest.approx(want, rel=1e-6)


def test_grad_through_cond():
    f = lambda x: nx.cond(x > 0, lambda: x * x * x, lambda: nx.sin(x))   # noqa: E731
    assert nx.grad(f)(nx.tensor(2.0)).to_number() == 12.0
    assert nx.grad(f)(nx.tensor(-1.0)).to_number() == pytest.approx(math.cos(-1.0), rel=1e-6)
    g = lambda x: nx.cond([(x < -1, lambda: -x), (x < 1, lambda: x * x)], lambda: 2 * x)  # noqa: E731
    assert [nx.grad(g)(nx.tensor(v)).to_number() for v in (-3.0, 0.5, 4.0)] == [-1.0, 1.0, 2.0]


@pytest.mark.parametrize("f, d2, x", [
    (lambda x: x * x * x, lambda x: 6 * x, 1.5),
    (lambda x: nx.sin(x) * x, lambda x: 2 * math.cos(x) - x * math.sin(x), 0.7),
    (lambda x: nx.exp(2 * x), lambda x: 4 * math.exp(2 * x), 0.3),
    (lambda x: nx.log(x), lambda x: -1 / x ** 2, 2.0),
    (power_loop, lambda x: 20 * x ** 3, 1.25),
])
def test_second_order_against_closed_forms(f, d2, x):
    got = nx.grad(nx.grad(f))(nx.tensor(x, type="f64")).to_number()
    assert got == pytest.approx(d2(x), rel=1e-9)


def test_stop_grad_and_custom_grad():
    assert nx.grad(lambda x: nx.stop_grad(x) * x)(nx.tensor(3.0)).to_number() == 3.0
    f = lambda x: nx.custom_grad(nx.cos(x), [x], lambda g: [g * 10])   # noqa: E731
    assert nx.grad(f)(nx.tensor(1.0)).to_number() == 10.0


def test_piecewise_constant_ops_pass_zero():
    g = nx.grad(lambda x: nx.sum(nx.floor(x) * x))(nx.tensor([1.5, -2.5]))
    assert g.to_list() == [1.0, -3.0]


def test_the_mlp_trains():
    from examples import mlp
    params, losses = mlp.train(steps=40)
    assert losses[0] > 1.0 and losses[-1] < 0.1
    assert all(b <= a + 1e-6 for a, b in zip(losses, losses[1:]))
    x, y = mlp.blobs()
    assert mlp.accuracy(params, x, y) >= 0.95


def test_gradient_graph_of_a_chain_is_linear():
    def chain(n):
        def f(x):
            for i in range(n):
                x = nx.sin(x) * 1.0001 if i % 2 else nx.exp(x) * 0.5
            return nx.sum(x)
        return nx.jit(nx.grad(f)).lower(nx.tensor([0.1, 0.2])).count()
    small, big = chain(500), chain(1000)
    assert big < 12 * 1000
    assert abs(big - 2 * small) <= 20


def test_bad_input_raises():
    with pytest.raises(ShapeError, match="return a scalar tensor, got a tensor of shape"):
        nx.grad(lambda x: x * 2)(nx.tensor([1.0, 2.0]))
    with pytest.raises(TypeError_, match="floating-point tensor, got s32"):
        nx.grad(lambda x: nx.sum(x))(nx.tensor([1, 2]))
    with pytest.raises(ArgumentError, match="cannot compute gradient for nx.reduce"):
        nx.grad(lambda x: nx.reduce(x, 0.0, lambda a, b: a + b))(nx.tensor([1.0]))
    with pytest.raises(ArgumentError, match="cannot compute gradient for nx.runtime_call"):
        nx.grad(lambda x: nx.sum(nx.runtime_call(x, x, lambda t, o: t)))(nx.tensor([1.0]))
    with pytest.raises(TypeError_, match="expects a function"):
        nx.value_and_grad(42)
@pytest.mark.parametrize("op", ["cumulative_sum", "cumulative_product", "cumulative_min",
                                "cumulative_max"])
def test_recorded_composites_stay_whole_and_differentiate_through_their_expansion(op):
    from spec import registry
    from nx_ref.defn.expr import trace
    graph = trace(lambda t: getattr(nx, op)(t, axis=1), [nx.template((2, 3), "f32")])
    assert [n.op for n in graph.nodes if n.op not in ("parameter",)] == [op]
    x = nx.tensor([[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]])
    whole = nx.grad(lambda t: nx.sum(nx.sin(getattr(nx, op)(t, axis=1, reverse=True))))(x)
    expanded = nx.grad(lambda t: nx.sum(nx.sin(
        registry.get(op).composite(nx, t, axis=1, reverse=True))))(x)
    assert whole.to_list() == expanded.to_list()
