"""nx.jit / @nx.defn / nx.compile: tracing once per signature, containers,
captured constants, compilers, and errors that point at the user's line."""

import collections
import dataclasses

import pytest

import nx_ref as nx
from spec.errors import ArgumentError, ShapeError, TypeError_
from nx_ref.defn.expr import TracingError


def softmax(t):
    return nx.exp(t) / nx.sum(nx.exp(t))


@pytest.mark.parametrize("type_", ["f32", "f64", "f16", "bf16"])
def test_softmax_defn_equals_eager(type_):
    t = nx.tensor([[1.0, -2.0, 3.5], [0.0, 7.25, -1.0]], type=type_)
    got = nx.defn(softmax)(t)
    want = softmax(t)
    assert got.spec == want.spec
    assert got.to_binary() == want.to_binary()


def test_second_call_with_same_specs_does_not_trace_again():
    f = nx.defn(softmax)
    f(nx.tensor([1.0, 2.0]))
    f(nx.tensor([3.0, 4.0]))
    assert f.cache_info() == (1, 1, 1, 1)
    f(nx.tensor([1.0, 2.0, 3.0]))                       # new shape
    f(nx.tensor([1.0, 2.0], type="f64"))               # new type
    f(nx.tensor([1.0, 2.0], names=["x"]))              # new names
    assert f.cache_info().traces == 4
    f(nx.tensor([5.0, 6.0], names=["x"]))
    assert f.cache_info() == (4, 2, 4, 4)


def test_keyword_arguments_and_non_tensors_are_static():
    calls = []

    def scale(x, factor, *, mode="mul"):
        calls.append((factor, mode))
        return x * factor if mode == "mul" else x + factor

    f = nx.jit(scale)
    x = nx.tensor([1, 2])
    assert f(x, 3).to_list() == [3, 6]           # 3 is a number: a parameter
    assert f(x, 4).to_list() == [4, 8]
    assert len(calls) == 1
    assert f(x, 3, mode="add").to_list() == [4, 5]
    assert len(calls) == 2
    g = nx.jit(lambda x, how: nx.exp(x) if how == "exp" else nx.log(x))
    assert g(nx.tensor(1.0), "exp").to_number() == pytest.approx(2.7182817)
    assert g(nx.tensor(1.0), "log").to_number() == 0.0
    assert g.cache_info().traces == 2


def test_captured_tensors_become_constants():
    w = nx.tensor([10, 20])
    f = nx.jit(lambda x: x + w)
    graph = f.lower(nx.tensor([1, 2]))
    assert [n.op for n in graph.nodes] == ["parameter", "tensor", "add"]
    assert f(nx.tensor([1, 2])).to_list() == [11, 22]


Pair = collections.namedtuple("Pair", "left right")


@nx.container(keep=("scale",))
@dataclasses.dataclass
class Params:
    w: object
    b: object
    scale: float = 2.0


def test_nested_containers_in_and_out():
    def f(inputs):
        p, pair = inputs["params"], inputs["pair"]
        return {"out": [p.w * p.scale + p.b, (pair.left - pair.right,)],
                "params": Params(p.w + 1, p.b, p.scale), "pair": Pair(pair.right, pair.left)}

    args = {"params": Params(nx.tensor([1.0, 2.0]), nx.tensor(0.5)),
            "pair": Pair(nx.tensor(3), nx.tensor(1))}
    got = nx.jit(f)(args)
    assert got["out"][0].to_list() == [2.5, 4.5]
    assert got["out"][1][0].to_number() == 2
    assert isinstance(got["params"], Params) and got["params"].w.to_list() == [2.0, 3.0]
    assert got["params"].scale == 2.0
    assert isinstance(got["pair"], Pair) and got["pair"].left.to_number() == 1


def test_static_dataclass_fields_are_part_of_the_cache_key():
    f = nx.jit(lambda p: p.w * p.scale)
    w = nx.tensor([1.0])
    assert f(Params(w, w, 2.0)).to_list() == [2.0]
    assert f(Params(w, w, 3.0)).to_list() == [3.0]
    assert f.cache_info().traces == 2


def test_unregistered_dataclass_is_a_clear_error():
    @dataclasses.dataclass
    class Plain:
        x: object

    with pytest.raises(TypeError_, match="not registered as a container"):
        nx.jit(lambda p: p.x)(Plain(nx.tensor(1)))


def test_aot_compile_from_templates():
    f = nx.compile(softmax, [nx.template((3,), "f32")])
    t = nx.tensor([1.0, 2.0, 3.0])
    assert f(t).to_binary() == softmax(t).to_binary()
    with pytest.raises(ArgumentError, match=r"argument 0 is f32\[4\] but the function was compiled for f32\[3\]"):
        f(nx.tensor([1.0, 2.0, 3.0, 4.0]))
    g = nx.compile(lambda d: d["a"] + d["b"], [{"a": nx.template((), "s32"), "b": nx.template((), "s32")}])
    assert g({"a": nx.tensor(1), "b": nx.tensor(2)}).to_number() == 3


def test_defn_inside_defn_is_inlined():
    inner = nx.defn(lambda x: x * 2)
    outer = nx.defn(lambda x: inner(x) + 1)
    assert outer(nx.tensor(3)).to_number() == 7
    assert inner.cache_info().traces == 0
    assert [n.op for n in outer.lower(nx.tensor(3)).nodes] == ["parameter", "constant", "multiply",
                                                               "constant", "add"]


def test_numbers_and_arrays_are_inputs():
    np = pytest.importorskip("numpy")
    f = nx.jit(lambda a, b: a + b)
    assert f(1, 2.5).to_number() == 3.5
    assert f(np.array([1, 2], dtype=np.int32), 1).to_list() == [2, 3]


def test_returning_a_non_container_is_an_error():
    def bad(x):
        return "hello"

    with pytest.raises(TypeError_, match=r"defn bad must return a tensor.*str: 'hello'.*test_jit.py"):
        nx.jit(bad)(nx.tensor(1))


def test_trace_errors_point_at_the_users_line():
    def f(x):
        return nx.add(x, nx.tensor([1, 2, 3]))   # the bad line

    line = f.__code__.co_firstlineno + 1
    with pytest.raises(ShapeError, match=rf"in defn, at .*test_jit.py:{line}\)"):
        nx.jit(f)(nx.tensor([1, 2]))


def test_reading_data_while_tracing_is_an_error():
    with pytest.raises(TracingError, match="cannot read the data of a tensor inside defn"):
        nx.jit(lambda x: float(x))(nx.tensor(1.0))
    with pytest.raises(TracingError, match="cannot read the data"):
        nx.jit(lambda x: x.to_list())(nx.tensor([1.0]))


class CountingCompiler(nx.Compiler):
    """A third-party compiler: counts compilations, runs with the Evaluator."""

    def __init__(self, tag="x"):
        self.tag, self.compiled = tag, []

    def compile(self, graph):
        self.compiled.append(graph)
        inner = nx.Evaluator().compile(graph)
        return lambda args, hooks: inner(args, hooks)


def test_compiler_protocol_and_default_compiler():
    c = CountingCompiler()
    f = nx.jit(lambda x: x + 1, compiler=c)
    f(nx.tensor(1))
    f(nx.tensor(2))
    assert len(c.compiled) == 1
    assert [n.op for n in c.compiled[0].nodes] == ["parameter", "constant", "add"]
    g = nx.jit(lambda x: x - 1, compiler=CountingCompiler, tag="y")
    assert g(nx.tensor(1)).to_number() == 0
    with nx.default_compiler(c):
        assert nx.default_compiler() is c
        nx.jit(lambda x: x * 3)(nx.tensor(1))
    assert len(c.compiled) == 2
    assert isinstance(nx.default_compiler(), nx.Evaluator)
    with pytest.raises(ArgumentError, match="compiler options"):
        nx.jit(lambda x: x, compiler=c, tag="z")(nx.tensor(1))


def test_evaluator_releases_intermediates_after_their_last_use():
    from nx_ref.defn.evaluator import _Plan
    f = nx.jit(lambda x: nx.exp(nx.sin(nx.cos(x))) + x)
    graph = f.lower(nx.tensor([1.0]))
    plan = _Plan(graph)
    ops = [n.op for n in graph.nodes]
    assert ops == ["parameter", "cos", "sin", "exp", "add"]
    released = {graph.nodes[i].op: [m.op for m in graph.nodes if m.id in set(ids)]
                for i, ids in enumerate(plan.release)}
    assert released == {"parameter": [], "cos": [], "sin": ["cos"], "exp": ["sin"],
                        "add": ["parameter", "exp"]}


def test_jit_apply_and_debug_expr():
    assert nx.jit_apply(lambda a, b: a * b, [nx.tensor(3), nx.tensor(4)]).to_number() == 12
    out = nx.debug_expr(lambda x: (x, nx.exp(x)))(nx.template((2,), "f32"))
    assert isinstance(out, tuple) and nx.is_traced(out[1])
    assert "b = exp a" in repr(out[1])
