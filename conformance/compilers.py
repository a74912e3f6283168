"""The ``programs`` check: composite defn programs run through a candidate defn
compiler agree with the same programs run by the Evaluator.

Each op is already checked through ``nx.jit(..., compiler=candidate)`` by every
other check kind (:class:`~conformance.load.CompiledOps` runs each call that
way). What single ops cannot show is how a compiler handles a whole program:
fusion of a chain of ops, reductions fed by element-wise ops, control flow,
gradients inside a defn and side effects. :data:`PROGRAMS` lists the programs;
each is filed under the op it exercises most (its cell in the report is
``(op, "f32", "programs")``, with the program's name in the details):

* ``softmax`` (under ``exp``): ``exp(x - max) / sum(exp(x - max))`` on rows;
* ``chain`` (under ``tanh``): a fused element-wise chain feeding a reduction;
* ``while`` (under ``add``): a loop with a data-dependent trip count carrying
  two tensors;
* ``cond`` (under ``select``): both branches of a ``cond`` on a data-dependent
  predicate;
* ``mlp_step`` (under ``dot``): one SGD step of a 2-layer MLP (``value_and_grad``
  of a softmax cross-entropy, as :mod:`examples.mlp`);
* ``hooks`` (under ``multiply``): ``io_call`` callbacks, inside and outside a
  loop: they must fire with the same values, in the same order.

Inputs are drawn from ``random.Random(seed)`` (``max_examples`` draws, at most
3). Outputs are compared with the relative tolerance of
:data:`conformance.gradients.RTOL` (programs compose several ops).

>>> import nx_ref as nx
>>> from spec import registry
>>> from conformance import cases
>>> from conformance.load import load
>>> ctx = cases.Context(load(nx.Evaluator), nx.ReferenceBackend(), max_examples=1)
>>> CHECK.cells(registry.get("exp"), ctx), CHECK.cells(registry.get("exp"),
...     cases.Context(nx.ReferenceBackend(), nx.ReferenceBackend()))
(['f32'], [])
>>> CHECK.run(ctx, registry.get("exp"), "f32").status
'pass'
"""

from __future__ import annotations

import random

from conformance import cases
from conformance.gradients import RTOL, _GradTolerance, _is_compiler

__all__ = ["Program", "PROGRAMS", "ProgramsCheck", "CHECK", "register", "run_program"]


class Program:
    """A composite program: ``fun(*tensors, record)`` (``record`` is the hook
    callback factory), the op it is filed under, and ``inputs(rng)`` giving its
    arguments as ``(values, shape)`` pairs in f32."""

    def __init__(self, name, op, fun, inputs):
        self.name, self.op, self.fun, self.inputs = name, op, fun, inputs


def _rand(rng, shape, lo=-2.0, hi=2.0):
    n = 1
    for d in shape:
        n *= d
    return ([rng.uniform(lo, hi) for _ in range(n)], shape)


def _softmax(x, record):
    import nx_ref as nx
    shifted = x - nx.reduce_max(x, axes=[1], keep_axes=True)
    e = nx.exp(shifted)
    return e / nx.sum(e, axes=[1], keep_axes=True)


def _chain(x, y, record):
    import nx_ref as nx
    return nx.sum(nx.tanh(x * 2.0 + y) - nx.abs(y) / (1.0 + x * x), axes=[1])


def _while(x, record):
    import nx_ref as nx
    limit = nx.sum(nx.abs(x))

    def body(s):
        i, acc, total = s
        return i + 1, nx.sin(acc) * 0.5 + x, total + nx.sum(acc)
    return nx.while_loop(lambda s: s[2] < limit * 3.0, body, (0, x, nx.tensor(0.0)))


def _cond(x, record):
    import nx_ref as nx
    first = nx.cond(nx.sum(x) > 0, lambda: nx.exp(x) - 1.0, lambda: x * x)
    second = nx.cond([(nx.reduce_max(x) > 1.5, lambda: x + 10.0), (nx.reduce_min(x) < -1.5, lambda: x - 10.0)],
                     lambda: nx.negate(x))
    return first, second


def _mlp_step(x, y, w1, b1, w2, b2, record):
    import nx_ref as nx

    def loss(p, x, y):
        h = nx.tanh(nx.dot(x, p["w1"]) + p["b1"])
        logits = nx.dot(h, p["w2"]) + p["b2"]
        log_probs = logits - nx.logsumexp(logits, axes=[1], keep_axes=True)
        return nx.negate(nx.mean(nx.sum(y * log_probs, axes=[1])))
    params = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    value, grads = nx.value_and_grad(loss)(params, x, y)
    new = {k: params[k] - 0.5 * grads[k] for k in sorted(params)}
    return value, new["w1"], new["b1"], new["w2"], new["b2"]


def _mlp_inputs(rng):
    x = _rand(rng, (6, 2))
    labels = [rng.randrange(3) for _ in range(6)]
    y = ([1.0 if labels[i] == c else 0.0 for i in range(6) for c in range(3)], (6, 3))
    return [x, y, _rand(rng, (2, 4), -0.5, 0.5), _rand(rng, (4,), -0.1, 0.1),
            _rand(rng, (4, 3), -0.5, 0.5), _rand(rng, (3,), -0.1, 0.1)]


def _hooks(x, record):
    import nx_ref as nx
    doubled = nx.io_call(x * 2.0, "first", record("first"))

    def body(s):
        i, acc = s
        acc = nx.io_call(acc * 0.5 + 1.0, "step", record("step"))
        return i + 1, acc
    _, acc = nx.while_loop(lambda s: s[0] < 3, body, (0, doubled))
    return nx.io_call(nx.sum(acc), "last", record("last"))


PROGRAMS = {p.name: p for p in (
    Program("softmax", "exp", _softmax, lambda rng: [_rand(rng, (3, 5), -4.0, 4.0)]),
    Program("chain", "tanh", _chain, lambda rng: [_rand(rng, (4, 6)), _rand(rng, (4, 6))]),
    Program("while", "add", _while, lambda rng: [_rand(rng, (5,), 0.1, 1.0)]),
    Program("cond", "select", _cond, lambda rng: [_rand(rng, (4,))]),
    Program("mlp_step", "dot", _mlp_step, _mlp_inputs),
    Program("hooks", "multiply", _hooks, lambda rng: [_rand(rng, (3,))]),
)}


def run_program(program, compiler, inputs):
    """``(outcome, hook_log)``: the program run through ``nx.jit(..., compiler=)``
    on ReferenceBackend inputs; the log lists ``(hook name, values)`` in the
    order the callbacks fired.

    >>> import nx_ref as nx
    >>> (status, out), log = run_program(PROGRAMS["hooks"], nx.Evaluator(), [([1.0, 2.0, 3.0], (3,))])
    >>> status, [name for name, _ in log], log[0][1]
    ('ok', ['first', 'step', 'step', 'step', 'last'], [2.0, 4.0, 6.0])
    """
    import nx_ref as nx
    log = []

    def record(name):
        return lambda t: log.append((name, nx.to_flat_list(nx.backend_copy(t, nx.ReferenceBackend()))))
    tensors = [nx.tensor(_nest(v, s), type="f32", backend=nx.ReferenceBackend()) for v, s in inputs]
    try:
        out = nx.jit(lambda *ts: program.fun(*ts, record), compiler=compiler)(*tensors)
        return ("ok", out), log
    except NotImplementedError as e:
        raise cases.Unsupported(str(e)) from None
    except Exception as e:  # noqa: BLE001  (an exception is an outcome to compare)
        return ("raised", e), log


def _nest(flat, shape):
    from conformance.calls import _nest as nest
    return nest(list(flat), tuple(shape))


def _compare_logs(got, expected):
    if [n for n, _ in got] != [n for n, _ in expected]:
        return {"what": "hooks", "got": [n for n, _ in got], "expected": [n for n, _ in expected]}
    tol = RTOL["f32"]
    for k, ((name, g), (_, e)) in enumerate(zip(got, expected)):
        scale = 1.0 + max((abs(v) for v in e), default=0.0)
        if len(g) != len(e) or any(abs(a - b) > tol * scale for a, b in zip(g, e)):
            return {"what": "hook values", "hook": name, "position": k, "got": g, "expected": e}
    return None


class ProgramsCheck:
    """The ``programs`` check kind (see the module docstring): only for compilers."""

    name = "programs"

    def cells(self, op, ctx):
        if not _is_compiler(ctx.candidate):
            return []
        if not any(p.op == op.name for p in PROGRAMS.values()):
            return []
        return ["f32"] if ctx.types is None or "f32" in ctx.types else []

    def run(self, ctx, op, type_):
        import nx_ref as nx
        program = next(p for p in PROGRAMS.values() if p.op == op.name)
        rng = random.Random(ctx.seed)
        n = 0
        try:
            for _ in range(max(1, min(ctx.max_examples, 3))):
                inputs = program.inputs(rng)
                got, got_log = run_program(program, ctx.candidate.compiler, inputs)
                expected, expected_log = run_program(program, nx.Evaluator(), inputs)
                n += 1
                diff = (cases.compare_outcomes(got, expected, _GradTolerance(program.name))
                        or _compare_logs(got_log, expected_log))
                if diff is not None:
                    return cases.Result(op.name, type_, self.name, "fail",
                                        _details(ctx, program, inputs, diff), n)
        except cases.Unsupported as u:
            return cases.Result(op.name, type_, self.name, "unsupported",
                                {"program": program.name, "reason": str(u)[:300]}, n)
        return cases.Result(op.name, type_, self.name, "pass", {"program": program.name}, n)


def _details(ctx, program, inputs, diff):
    from conformance.cases import _json
    args = ", ".join(f"nx.tensor({_nest(v, s)!r}, type=\"f32\")" for v, s in inputs)
    repro = "\n".join([
        "import nx_ref as nx",
        "from conformance.load import load",
        "from conformance.compilers import PROGRAMS, run_program",
        f'compiler = load("{ctx.candidate_name}").compiler',
        f"inputs = [{', '.join(repr((v, s)) for v, s in inputs)}]",
        f"print(run_program(PROGRAMS[{program.name!r}], compiler, inputs))",
        f"print(run_program(PROGRAMS[{program.name!r}], nx.Evaluator(), inputs))",
    ])
    return {"program": program.name, "seed": ctx.seed, "inputs": args,
            "difference": {k: _json(v) for k, v in diff.items()}, "reproduction": repro}


CHECK = ProgramsCheck()


def register():
    """Add the ``programs`` check kind to :data:`conformance.cases.CHECKS`."""
    return cases.register_check(CHECK)
