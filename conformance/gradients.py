"""The ``gradients`` check: the gradient graph of every differentiable op, run on
the candidate, agrees with the same graph run on the reference.

For an op and a float cell type (f32 and f64: the types gradients are used in),
hypothesis draws a valid call (:func:`conformance.strategies.calls`) and
replaces the values of its float tensors with well-conditioned ones (in [0.125,
0.875]: positive, inside the domain of log, sqrt, acos, atanh, away from the poles
of divide and tan, rarely tied for max). The function differentiated is
``sum(op(*args) * c)`` over each floating output, ``c`` a fixed cotangent in [-1,
1] given as an argument (so that it lives where the inputs do; for a complex
output, ``sum(real(op(*args) * c))`` with a complex ``c``); the gradient is
taken with respect to every float tensor argument at once. The candidate runs
it as it runs everything else: a backend eagerly (``nx.grad`` traces the
function and evaluates its graph with the Evaluator on the inputs' backend,
the candidate), a defn compiler (:class:`~conformance.load.CompiledOps`)
through ``nx.jit(grad_fn, compiler=candidate)``.

The reference computes the same gradient with the ReferenceBackend. Gradients
compose several ops, each within its own tolerance, so they are compared with
a relative tolerance instead of ULPs: ``|got - expected| <= rtol * (1 +
max|expected|)`` with :data:`RTOL` (1e-4 for f32, 1e-9 for f64), and exactly on
type, shape and NaN-ness. Both sides raising the same exception class is
agreement (a gradient the spec does not define).

>>> import nx_ref as nx
>>> from spec import registry
>>> from conformance import cases
>>> ctx = cases.Context(nx.ReferenceBackend(), nx.ReferenceBackend(), max_examples=2)
>>> CHECK.cells(registry.get("sin"), ctx), CHECK.cells(registry.get("argmax"), ctx)
(['f32', 'f64'], [])
>>> CHECK.run(ctx, registry.get("sin"), "f32").status
'pass'
"""

from __future__ import annotations

import random

from hypothesis import errors as hyp_errors
from hypothesis import strategies as st

from conformance import cases, strategies
from conformance.calls import Call, TensorArg, literal, op_function

__all__ = ["RTOL", "GradientCheck", "CHECK", "register", "gradient_outcome", "grad_source",
           "op_function"]

RTOL = {"f32": 1e-4, "f64": 1e-9}
_LOW, _HIGH = 0.125, 0.875


class _GradTolerance:
    """What :func:`conformance.compare.compare` reads from an op: a relative
    tolerance for the gradient's types."""

    def __init__(self, name):
        self.name = name
        self.tolerance = {}
        self.extras = {"rtol": dict(RTOL)}


def _is_float(arg):
    if isinstance(arg, TensorArg):
        return arg.type in RTOL
    return isinstance(arg, list) and bool(arg) and all(_is_float(a) for a in arg)


def _condition(draw, arg):
    """``arg`` with well-conditioned values when it is a float tensor (or list)."""
    if isinstance(arg, list):
        return [_condition(draw, a) for a in arg]
    if not (isinstance(arg, TensorArg) and arg.type in RTOL):
        return arg
    n = len(arg.values)
    width = 32 if arg.type == "f32" else 64
    vals = draw(st.lists(st.floats(_LOW, _HIGH, width=width), min_size=n, max_size=n))
    return TensorArg(tuple(vals), arg.type, arg.shape, arg.names, arg.layout)


def _conditioned(op, type_):
    @st.composite
    def draw(d):
        call = d(strategies.calls(op, type_, "values"))
        return Call(call.op, tuple(_condition(d, a) for a in call.args), call.opts)
    return draw()


_COMPLEX = ("c64", "c128")


def _float_outputs(result):
    """The floating (real or complex) tensors of an op's result, in order."""
    items = result if isinstance(result, (tuple, list)) else (result,)
    return [i for i, t in enumerate(items) if hasattr(t, "type") and str(t.type) in (*RTOL, *_COMPLEX)]


def _forward(call):
    """The op's result for ``call`` on the ReferenceBackend."""
    import nx_ref as nx
    ref = nx.ReferenceBackend()
    return op_function(call.op)(*[_build(a, ref) if _is_tensor_arg(a) else a for a in call.args], **call.opts)


def _cotangents(call, seed):
    """Fixed cotangents (TensorArg) for the floating outputs of ``call``, or None
    when it has none."""
    try:
        out = _forward(call)
    except Exception:  # noqa: BLE001  (an input the op rejects: no gradient to compare)
        return None
    items = out if isinstance(out, (tuple, list)) else (out,)
    rng = random.Random(seed)
    cots = []
    for i in _float_outputs(out):
        t = items[i]
        pick = (-1.0, -0.5, 0.25, 0.75, 1.0)
        if str(t.type) in _COMPLEX:
            vals = tuple(complex(rng.choice(pick), rng.choice(pick)) for _ in range(t.size))
        else:
            vals = tuple(rng.choice(pick) for _ in range(t.size))
        cots.append((i, TensorArg(vals, str(t.type), tuple(t.shape), tuple(t.names))))
    return cots or None


def _grad_fn(call, cots):
    """``(fun, argnums, flat_layout)``: ``fun(*diff_args, *other_tensors, *cots)``
    is ``sum(op(...) * c)``; argnums are the float tensor arguments."""
    import nx_ref as nx
    diff = [i for i, a in enumerate(call.args) if _is_float(a)]
    other = [i for i, a in enumerate(call.args) if i not in diff and _is_tensor_arg(a)]
    order = diff + other

    def fun(*tensors):
        args = list(call.args)
        for k, i in enumerate(order):
            args[i] = tensors[k]
        result = op_function(call.op)(*args, **call.opts)
        items = result if isinstance(result, (tuple, list)) else (result,)
        total = None
        for k, (i, _) in enumerate(cots):
            term = nx.multiply(items[i], tensors[len(order) + k])
            term = nx.sum(nx.real(term) if str(term.type) in _COMPLEX else term)
            total = term if total is None else nx.add(total, term)
        return total

    return fun, tuple(range(len(diff))), order


def _is_tensor_arg(a):
    return isinstance(a, TensorArg) or isinstance(a, list) and bool(a) and isinstance(a[0], TensorArg)


def _build(arg, backend):
    if isinstance(arg, list):
        return [a.build(backend) for a in arg]
    return arg.build(backend)


def _is_compiler(candidate):
    from conformance.load import CompiledOps
    return isinstance(candidate, CompiledOps)


def gradient_outcome(call, cots, backend):
    """``("ok", gradients)`` or ``("raised", exception)`` of the gradient of
    ``sum(op(...) * c)`` for ``call``, run on ``backend`` (or through its
    compiler when it is a :class:`~conformance.load.CompiledOps`)."""
    import nx_ref as nx
    fun, argnums, order = _grad_fn(call, cots)
    from conformance.load import CompiledOps
    compiler = backend.compiler if isinstance(backend, CompiledOps) else None
    build_on = nx.ReferenceBackend() if compiler is not None else backend
    try:
        inputs = [_build(call.args[i], build_on) for i in order] + [c.build(build_on) for _, c in cots]
        g = nx.grad(fun, argnums=argnums)
        if compiler is not None:
            grads = nx.jit(g, compiler=compiler)(*inputs)
        else:
            grads = g(*inputs)
        return ("ok", grads)
    except NotImplementedError as e:
        raise cases.Unsupported(str(e)) from None
    except Exception as e:  # noqa: BLE001  (any exception is an outcome to compare)
        return ("raised", e)


def grad_source(call, cots, backend="b", compiled=False):
    """Python source replaying the gradient on the backend named ``backend``
    (``compiled``: through ``nx.jit(..., compiler=b.compiler)``, ``b`` being a
    :class:`~conformance.load.CompiledOps`).

    >>> call = Call("sin", (TensorArg((0.5,), "f32", (), ()),), {})
    >>> print(grad_source(call, [(0, TensorArg((1.0,), "f32", (), ()))]))
    x0 = nx.tensor(0.5, type="f32", backend=b)
    c0 = nx.tensor(1.0, type="f32", backend=b)
    def f(x0, c0):
        _out = nx.sin(x0)
        return nx.sum(nx.multiply(_out, c0))
    out = nx.grad(f, argnums=(0,))(x0, c0)
    """
    _, argnums, order = _grad_fn(call, cots)
    lines, names = [], []
    for k, i in enumerate(order):
        a = call.args[i]
        src = (f"[{', '.join(v.source(backend) for v in a)}]" if isinstance(a, list)
               else a.source(backend))
        lines.append(f"x{i} = {src}")
        names.append(f"x{i}")
    for k, (i, c) in enumerate(cots):
        lines.append(f"c{i} = {c.source(backend)}")
    params = ", ".join([f"x{i}" for i in order] + [f"c{i}" for i, _ in cots])
    args = [f"x{i}" if i in order else literal(a) for i, a in enumerate(call.args)]
    args += [f"{k}={literal(v)}" for k, v in call.opts.items()]
    prefix = "nx." if hasattr(__import__("nx_ref"), call.op) else "nx.linalg."
    out = f"{prefix}{call.op}({', '.join(args)})"
    multi = isinstance(_forward(call), (tuple, list))
    terms = " + ".join(
        f"nx.sum({'nx.real(' if c.type in _COMPLEX else ''}nx.multiply(_out{f'[{i}]' if multi else ''}, c{i})"
        f"{')' if c.type in _COMPLEX else ''})" for i, c in cots)
    lines.append(f"def f({params}):\n    _out = {out}\n    return {terms}")
    grad = f"nx.grad(f, argnums={argnums!r})"
    if compiled:
        grad = f"nx.jit({grad}, compiler={backend}.compiler)"
    lines.append(f"out = {grad}({params})")
    return "\n".join(lines)


class GradientCheck:
    """The ``gradients`` check kind (see the module docstring)."""

    name = "gradients"

    def cells(self, op, ctx):
        if not op.differentiable or (op.grad is None and op.composite is None):
            return []
        if strategies.not_generated(op) is not None or not op.tensor_params:
            return []
        chosen = [t for t in strategies.cell_types(op, ctx.types) if t in RTOL]
        return chosen[:1] if ctx.tier == "smoke" else chosen

    def run(self, ctx, op, type_):
        from hypothesis import given, seed
        stats = {"examples": 0}
        tol = _GradTolerance(op.name)

        def prop(call):
            cots = _cotangents(call, ctx.seed)
            if cots is None:
                return
            expected = gradient_outcome(call, cots, ctx.reference)
            got = gradient_outcome(call, cots, ctx.candidate)
            stats["examples"] += 1
            diff = cases.compare_outcomes(got, expected, tol)
            if diff is not None:
                raise _GradMismatch(call, cots, diff)

        test = cases._settings(ctx, ctx.max_examples)(seed(ctx.seed)(given(_conditioned(op, type_))(prop)))
        try:
            test()
        except _GradMismatch as m:
            details = cases.failure_details(ctx, m.call, m.diff)
            details["reproduction"] = "\n".join([
                "import nx_ref as nx", "from conformance.load import load",
                f'b = load("{ctx.candidate_name}")',
                grad_source(m.call, m.cots, compiled=_is_compiler(ctx.candidate)), "print(out)"])
            details["rtol"] = RTOL[type_]
            return cases.Result(op.name, type_, self.name, "fail", details, stats["examples"])
        except cases.Unsupported as u:
            return cases.Result(op.name, type_, self.name, "unsupported", {"reason": str(u)[:300]})
        except hyp_errors.Flaky as e:
            return cases.Result(op.name, type_, self.name, "fail", {"reason": f"flaky outcome: {str(e)[:300]}"})
        except Exception as e:  # noqa: BLE001  (no valid input drawn, a generator error)
            return cases.Result(op.name, type_, self.name, "not generated",
                                {"reason": f"{type(e).__name__}: {str(e)[:200]}"})
        if stats["examples"] == 0:
            return cases.Result(op.name, type_, self.name, "not generated",
                                {"reason": "no call with a floating output was drawn"})
        return cases.Result(op.name, type_, self.name, "pass", {}, stats["examples"])


class _GradMismatch(AssertionError):
    def __init__(self, call, cots, diff):
        super().__init__(f"{call.op}: {diff}")
        self.call, self.cots, self.diff = call, cots, diff


CHECK = GradientCheck()


def register():
    """Add the ``gradients`` check kind to :data:`conformance.cases.CHECKS`."""
    return cases.register_check(CHECK)
