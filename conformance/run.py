"""Driving the checks: op x type x check over the registry, within a tier's budget.

:func:`run` walks the registry (or the ops asked for), asks every check kind
which cell types it covers for each op, skips the cells the candidate's manifest
leaves out ("unsupported"), runs the others with hypothesis under a fixed seed,
and applies the author's expectations. The result is a :class:`Report`.

Tiers set the number of hypothesis examples per cell (``--max-examples``
overrides it): ``smoke`` 2, ``standard`` 10, ``exhaustive`` 100; unless types are
given, ``smoke`` checks :data:`SMOKE_TYPES` (one or two of each kind), the others
all twenty. With ``jobs > 1``
the ops are shared out between that many forked worker processes (where the
platform forks and this process runs one thread: a process whose libraries
started threads, such as an OpenCL runtime's, cannot be forked safely, so its
ops run here).

>>> import nx_ref as nx
>>> report = run(nx.ReferenceBackend(), ops=["add"], types=["f32"], tier="smoke")
>>> sorted({r.check for r in report.results}), report.failed
(['errors', 'examples', 'gradients', 'names', 'shapes', 'special', 'types', 'values'], False)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from spec import registry
from conformance import cases, manifest

__all__ = ["TIERS", "SMOKE_TYPES", "Report", "run", "select_ops", "FAILING"]

TIERS = {"smoke": 2, "standard": 10, "exhaustive": 100}
# The smoke tier checks one or two types of each kind unless types are asked for.
SMOKE_TYPES = ("u4", "u8", "s8", "s32", "u64", "f8", "bf16", "f16", "f32", "f64", "c64")
FAILING = ("fail",)


@dataclass
class Report:
    """The results of one run and what produced them."""

    candidate: str
    reference: str
    tier: str
    seed: int
    max_examples: int
    results: list = field(default_factory=list)
    seconds: float = 0.0
    preflight: str | None = None

    @property
    def failed(self) -> bool:
        return self.preflight is not None or any(r.status in FAILING for r in self.results)

    def counts(self) -> dict:
        out = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def failures(self):
        return [r for r in self.results if r.status in FAILING]


def select_ops(ops=None):
    """The registry's ops, or those named (an unknown name is a KeyError)."""
    every = registry.all_ops()
    if not ops:
        return list(every.values())
    return [registry.get(n) for n in ops]


def run(candidate, *, ops=None, types=None, checks=None, tier="standard", max_examples=None,
        seed=0, reference=None, expectations=(), progress=None, candidate_name=None,
        reference_name=None, jobs=1, skip_preflight=False) -> Report:
    """Check ``candidate`` (a backend instance) against ``reference`` (default: the
    ReferenceBackend). ``progress(op_name, index, total, results)`` is called after
    each op."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}, expected one of: {', '.join(TIERS)}")
    if reference is None:
        from nx_ref.reference import ReferenceBackend
        reference = ReferenceBackend()
    n = TIERS[tier] if max_examples is None else max_examples
    if types is None and tier == "smoke":
        types = SMOKE_TYPES
    name = candidate_name or type(candidate).__name__
    report = Report(name, reference_name or type(reference).__name__, tier, seed, n)
    start = time.perf_counter()
    report.preflight = None if skip_preflight else manifest.preflight(candidate, types)
    if report.preflight is not None:
        report.seconds = time.perf_counter() - start
        return report
    ctx = cases.Context(candidate, reference, n, seed, tuple(types) if types else None, tier, name)
    kinds = [cases.CHECKS[c] for c in (checks or cases.CHECKS)]
    todo = select_ops(ops)
    for i, (op, done) in enumerate(_results(ctx, kinds, todo, jobs)):
        done = [manifest.apply_expectations(r, expectations) for r in done]
        report.results.extend(done)
        if progress is not None:
            progress(op.name, i + 1, len(todo), done)
    report.seconds = time.perf_counter() - start
    return report


def check_op(ctx, kinds, op) -> list:
    """Every cell of every check kind for one op."""
    done = []
    for check in kinds:
        for type_ in check.cells(op, ctx):
            if not manifest.supported(ctx.candidate, op.name, type_):
                done.append(cases.Result(op.name, type_, check.name, "unsupported",
                                         {"reason": "outside the backend's manifest"}))
            else:
                done.append(cases.timed(check, ctx, op, type_))
    return done


_WORK = {}   # what forked workers inherit: the context and the check kinds


def _work(name):
    return check_op(_WORK["ctx"], _WORK["kinds"], registry.get(name))


def _os_threads() -> int:
    """The threads of this process (1 where the platform does not say)."""
    import os
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _results(ctx, kinds, todo, jobs):
    """(op, results) for each op in order, computed here or by forked workers."""
    import multiprocessing
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods() or _os_threads() > 1:
        for op in todo:
            yield op, check_op(ctx, kinds, op)
        return
    _WORK.update(ctx=ctx, kinds=kinds)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for op, done in zip(todo, pool.imap(_work, [op.name for op in todo])):
            yield op, done
