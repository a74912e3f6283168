"""The check kinds: each turns one op and one cell type into a :class:`Result`.

A check is an object with a ``name``, ``cells(op, ctx)`` (the cell types it
covers for that op, possibly none) and ``run(ctx, op, type_) -> Result``. The
built-in checks, registered in :data:`CHECKS` in this order:

* ``values``: hypothesis draws valid calls (:mod:`conformance.strategies`); the
  candidate's outcome must match the reference's (same result within the op's
  tolerance, or the same exception class); the failure kept is hypothesis's
  shrunk, minimal one.
* ``special``: every declared special case of the op (NaN, infinities, -0.0,
  overflow, division by zero, ...) in every type that represents its inputs.
* ``types``: binary element-wise ops, the left operand of the cell type against
  every right operand type and the Python numbers 2, 2.5 and 2+1j (the
  promotion table, values included).
* ``names`` and ``shapes``: draws with every axis named, or with empty, rank-0
  and size-1 axes favoured; only the output names, or shapes, are compared.
* ``errors``: invalid calls (unaccepted types, out-of-range axes and indices,
  mismatched shapes): where the reference raises, the candidate must raise the
  same exception class.
* ``examples``: the op's doctest examples run with the candidate as the default
  backend (examples that name a backend are left out).

A new kind is a class with those three members passed to :func:`register_check`.
"""

from __future__ import annotations

import doctest
import time
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import errors as hyp_errors

from spec import types, values
from conformance.calls import Call, TensorArg
from conformance.compare import compare
from conformance import strategies

__all__ = ["Result", "Context", "Unsupported", "CHECKS", "register_check", "outcome",
           "compare_outcomes", "run_property", "representative_type"]


@dataclass
class Result:
    """One cell: op x type x check, its status and the details of a failure.

    ``status`` is one of "pass", "fail", "unsupported", "expected failure",
    "unexpected pass", "not generated".
    """

    op: str
    type: str
    check: str
    status: str
    details: dict = field(default_factory=dict)
    examples: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"op": self.op, "type": self.type, "check": self.check, "status": self.status,
                "examples": self.examples, "seconds": round(self.seconds, 4), "details": self.details}


@dataclass
class Context:
    """What every check needs: the candidate and the reference backends, the
    budget (``max_examples``), the seed, the selected types, the tier and the
    candidate's name (for reproduction snippets)."""

    candidate: object
    reference: object
    max_examples: int = 10
    seed: int = 0
    types: tuple | None = None
    tier: str = "standard"
    candidate_name: str = "candidate"


class Unsupported(Exception):
    """The candidate raised NotImplementedError: the cell is unsupported."""


class Mismatch(AssertionError):
    def __init__(self, call, diff):
        super().__init__(f"{call.op}: {diff}")
        self.call, self.diff = call, diff


def outcome(call, backend):
    """``("ok", result)`` or ``("raised", exception)`` of running ``call`` on
    ``backend``; NotImplementedError becomes :class:`Unsupported`."""
    runner = getattr(backend, "run_call", None)   # a compiler candidate runs calls its own way
    try:
        return ("ok", runner(call) if runner is not None else call.run(backend))
    except NotImplementedError as e:
        raise Unsupported(str(e)) from None
    except Exception as e:  # noqa: BLE001  (any exception is an outcome to compare)
        return ("raised", e)


def compare_outcomes(got, expected, op, fields=None):
    """None when the candidate's outcome matches the reference's, else a dict."""
    if expected[0] == "raised" or got[0] == "raised":
        g = type(got[1]).__name__ if got[0] == "raised" else "no exception"
        e = type(expected[1]).__name__ if expected[0] == "raised" else "no exception"
        if g == e:
            return None
        diff = {"what": "exception", "got": g, "expected": e}
        for side, o in (("got_message", got), ("expected_message", expected)):
            if o[0] == "raised":
                diff[side] = str(o[1])[:300]
        return diff
    return compare(got[1], expected[1], op, fields=fields or ("type", "shape", "names", "values"))


def _json(v):
    from conformance.calls import _json_value
    if isinstance(v, list):
        return [_json(x) for x in v]
    return _json_value(v) if isinstance(v, (int, float, complex)) and not isinstance(v, bool) else v


def failure_details(ctx, call, diff):
    """The record of a failing call: inputs, the call, observed vs expected, the
    error in ULPs, and a copy-paste reproduction."""
    diff = {k: _json(v) for k, v in diff.items()}
    source = call.source("b")
    if hasattr(ctx.candidate, "run_call"):     # a compiler: the call through nx.jit
        *inputs, last = source.split("\n")
        names = [line.split(" = ")[0] for line in inputs]
        body = last[len("out = "):]
        source = "\n".join(inputs + [f"out = nx.jit(lambda {', '.join(names)}: {body}, "
                                      f"compiler=b.compiler)({', '.join(names)})"])
    repro = "\n".join([
        "import nx_ref as nx",
        "from conformance.load import load",
        f'b = load("{ctx.candidate_name}")',
        source,
        "print(out)",
        f"# expected (reference): {diff.get('expected')!r}, got: {diff.get('got')!r}",
    ])
    return {"seed": ctx.seed, "call": call.describe(), "difference": diff, "reproduction": repro}


def _settings(ctx, n):
    return settings(max_examples=max(1, n), deadline=None, database=None, derandomize=False,
                    suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
                    verbosity=Verbosity.quiet,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink])


def run_property(ctx, op, type_, check, strategy, fields=None, errors_only=False, n=None):
    """Run a hypothesis property over ``strategy`` (of :class:`Call`): the
    candidate's outcome must match the reference's. Returns a :class:`Result`."""
    stats = {"examples": 0}

    def prop(call):
        expected = outcome(call, ctx.reference)
        if errors_only and expected[0] != "raised":
            return
        got = outcome(call, ctx.candidate)
        stats["examples"] += 1
        diff = compare_outcomes(got, expected, op, fields)
        if diff is not None:
            raise Mismatch(call, diff)

    test = _settings(ctx, ctx.max_examples if n is None else n)(seed(ctx.seed)(given(strategy)(prop)))
    try:
        test()
    except Mismatch as m:
        return Result(op.name, type_, check, "fail", failure_details(ctx, m.call, m.diff), stats["examples"])
    except Unsupported as u:
        return Result(op.name, type_, check, "unsupported", {"reason": str(u)[:300]}, stats["examples"])
    except strategies.TypeRejected as e:
        return Result(op.name, type_, check, "not generated", {"reason": str(e)[:300]}, 0)
    except (hyp_errors.Unsatisfiable, hyp_errors.FailedHealthCheck):
        return Result(op.name, type_, check, "not generated",
                      {"reason": "no valid input was drawn for this type"}, 0)
    except hyp_errors.Flaky as e:
        return Result(op.name, type_, check, "fail", {"reason": f"flaky outcome: {str(e)[:300]}"})
    except Exception as e:  # noqa: BLE001  (a generator that cannot draw this op's calls)
        return Result(op.name, type_, check, "not generated",
                      {"reason": f"generator error: {type(e).__name__}: {str(e)[:200]}"})
    if stats["examples"] == 0 and not errors_only:
        return Result(op.name, type_, check, "not generated",
                      {"reason": "no valid input was drawn for this type"}, 0)
    return Result(op.name, type_, check, "pass", {}, stats["examples"])


def representative_type(op, ctx):
    """The one type a per-op check runs in: f32, s32 or the first accepted type."""
    cells = strategies.cell_types(op, ctx.types)
    for t in ("f32", "s32", "f64"):
        if t in cells:
            return [t]
    return cells[:1]


class Property:
    """A hypothesis check: per type (``per_type``) or in one representative type."""

    def __init__(self, name, mode, fields=None, per_type=False, errors_only=False):
        self.name, self.mode, self.fields = name, mode, fields
        self.per_type, self.errors_only = per_type, errors_only

    def cells(self, op, ctx):
        if self.per_type:
            return strategies.cell_types(op, ctx.types)
        return representative_type(op, ctx)

    def run(self, ctx, op, type_):
        reason = strategies.not_generated(op)
        if reason is not None:
            return Result(op.name, type_, self.name, "not generated", {"reason": reason})
        return run_property(ctx, op, type_, self.name, strategies.calls(op, type_, self.mode),
                            self.fields, self.errors_only)


def _same(a, b) -> bool:
    if isinstance(a, complex) or isinstance(b, complex):
        a, b = complex(a), complex(b)
        return _same(a.real, b.real) and _same(a.imag, b.imag)
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return a == b and str(a).startswith("-") == str(b).startswith("-")


def _in_type(type_, v):
    t = types.normalize(type_)
    try:
        if isinstance(v, complex) and not t.is_complex:
            return None
        if t.is_integer:
            if not isinstance(v, int) or not types.min_finite(t) <= v <= types.max_finite(t):
                return None
            return v
        c = values.coerce(t, v)
        return c if _same(c, v) or (isinstance(v, int) and c == v) else None
    except Exception:  # noqa: BLE001  (a value the type cannot hold)
        return None


def special_calls(op, type_):
    """The op's declared special cases as calls in ``type_`` (those representable)."""
    arity = op.extras.get("arity")
    out = []
    for inputs, _expected in op.special_cases:
        if arity == 1:
            inputs = (inputs,)
        if op.family == "reduction" and arity is None:
            vals = [_in_type(type_, v) for v in inputs]
            if all(v is not None for v in vals):
                out.append(Call(op.name, (TensorArg(tuple(vals), type_, (len(vals),), (None,)),), {}))
            continue
        vals = [_in_type(type_, v) for v in inputs]
        if all(v is not None for v in vals):
            out.append(Call(op.name, tuple(TensorArg((v,), type_, (), ()) for v in vals), {}))
    return out


class Special:
    name = "special"

    def cells(self, op, ctx):
        return [t for t in strategies.cell_types(op, ctx.types) if special_calls(op, t)]

    def run(self, ctx, op, type_):
        return run_calls(ctx, op, type_, self.name, special_calls(op, type_))


def run_calls(ctx, op, type_, check, calls, skip_unsupported=False):
    """Every call in ``calls``: the candidate's outcome must match the reference's.
    A call the candidate does not support makes the cell "unsupported", or, with
    ``skip_unsupported``, is left out (the cell is unsupported when all are)."""
    n, skipped = 0, None
    for call in calls:
        try:
            diff = compare_outcomes(outcome(call, ctx.candidate), outcome(call, ctx.reference), op)
        except Unsupported as u:
            if not skip_unsupported:
                return Result(op.name, type_, check, "unsupported", {"reason": str(u)[:300]}, n)
            skipped = u
            continue
        n += 1
        if diff is not None:
            return Result(op.name, type_, check, "fail", failure_details(ctx, call, diff), n)
    if n == 0 and skipped is not None:
        return Result(op.name, type_, check, "unsupported", {"reason": str(skipped)[:300]}, n)
    return Result(op.name, type_, check, "pass", {}, n)


_SAMPLE_RIGHT = ("u8", "s8", "s32", "u64", "s64", "bf16", "f16", "f32", "f64", "c64")


class TypesCheck:
    name = "types"

    def cells(self, op, ctx):
        if op.family != "elementwise" or op.extras.get("arity") != 2:
            return []
        return strategies.cell_types(op, ctx.types)

    def run(self, ctx, op, type_):
        rights = [str(t) for t in op.accepts if ctx.types is None or str(t) in ctx.types]
        if ctx.tier == "smoke":
            rights = [t for t in rights if t in _SAMPLE_RIGHT or t == type_]
        left = TensorArg(_two(type_), type_, (2,), (None,))
        calls = [Call(op.name, (left, TensorArg(_two(t), t, (2,), (None,))), {}) for t in rights]
        calls += [Call(op.name, (left, n), {}) for n in (2, 2.5, complex(2, 1))]
        # a right-hand type outside the candidate's manifest leaves out that pair only
        return run_calls(ctx, op, type_, self.name, calls, skip_unsupported=True)


def _two(type_):
    t = types.normalize(type_)
    if t.is_integer:
        return (1, 0) if t.bits <= 2 else (1, 2)
    return (1.0, 2.5) if not t.is_complex else (complex(1, 0), complex(2.5, -1))


class Examples:
    """The op's doctest examples with the candidate as the default backend."""

    name = "examples"

    def cells(self, op, ctx):
        return ["-"] if self._tests(op) else []

    def _tests(self, op):
        test = doctest.DocTestParser().get_doctest(op.doc or "", {}, op.name, None, 0)
        test.examples = [e for e in test.examples if "backend" not in e.source]
        return test if test.examples else None

    def run(self, ctx, op, type_):
        import nx_ref
        test = self._tests(op)
        test.globs = {"nx": nx_ref}
        failures = []

        class Runner(doctest.DocTestRunner):
            def report_failure(self, out, test, example, got):
                failures.append({"source": example.source.strip(), "expected": example.want.strip(),
                                 "got": got.strip()})

            def report_unexpected_exception(self, out, test, example, exc_info):
                failures.append({"source": example.source.strip(), "expected": example.want.strip(),
                                 "got": f"{exc_info[0].__name__}: {str(exc_info[1])[:300]}"})

        runner = Runner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False)
        with nx_ref.default_backend(ctx.candidate):
            runner.run(test, out=lambda s: None, clear_globs=True)
        if any("NotImplementedError" in f["got"] for f in failures):
            return Result(op.name, type_, self.name, "unsupported", {"reason": failures[0]["got"]})
        if failures:
            return Result(op.name, type_, self.name, "fail",
                          {"failures": failures[:3], "count": len(failures)}, len(test.examples))
        return Result(op.name, type_, self.name, "pass", {}, len(test.examples))


CHECKS: dict = {}


def register_check(check):
    """Add a check kind (an object with ``name``, ``cells`` and ``run``)."""
    CHECKS[check.name] = check
    return check


for _check in (Property("values", "values", per_type=True), Special(), TypesCheck(),
               Property("names", "names", fields=("names",)),
               Property("shapes", "shapes", fields=("shape",)),
               Property("errors", "errors", errors_only=True), Examples()):
    register_check(_check)


def timed(check, ctx, op, type_):
    """``check.run`` with its duration recorded."""
    start = time.perf_counter()
    result = check.run(ctx, op, type_)
    result.seconds = time.perf_counter() - start
    return result
