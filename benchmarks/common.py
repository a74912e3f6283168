"""The benchmark runner: candidates timed side by side in one run.

A :class:`Benchmark` is one problem (inputs of a size, a reference output, a
tolerance) and its rows, the :class:`Candidate` s: a name, a ``setup`` that
prepares the inputs (a tuple of numpy arrays) for that candidate (a Python list, a tensor on some backend,
an array on a device) and a ``run`` that computes the output from them. A setup
raises :class:`Unavailable` when its candidate cannot run here (a package or a
device is missing); the row is then reported as skipped, with the reason.

:func:`run` checks every candidate's output against the reference (a wrong row is
reported as a mismatch and never timed, so it cannot win), then times the
candidates round by round, interleaved (each round runs every candidate once, in
an order rotated by one per round) so that a slow drift of the machine hits
every row alike. Each row reports the median of its rounds and its ratio to the
baseline row's median from the same run.

>>> import numpy as np
>>> double = Benchmark(
...     name="double", title="2 * x", dtype="f64", baseline="loop", rtol=0.0,
...     make_inputs=lambda size, seed: (np.arange(size, dtype=np.float64),),
...     expected=lambda x: 2 * x,
...     candidates=lambda: [
...         Candidate("loop", setup=lambda inputs: inputs[0].tolist(),
...                   run=lambda xs: [2 * v for v in xs]),
...         Candidate("numpy", setup=lambda inputs: inputs[0], run=lambda x: x + x)])
>>> result = run(double, size=10, rounds=3)
>>> [(row.name, row.status, len(row.times)) for row in result.rows]
[('loop', 'ok', 3), ('numpy', 'ok', 3)]
>>> result.rows[0].ratio
1.0
"""

from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any, Callable

try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy is in the dev extra that `make` installs
    raise SystemExit("the benchmarks need numpy: pip install -e '.[dev]' (or run `make demo`)")

__all__ = ["Unavailable", "Candidate", "Benchmark", "Row", "Result", "run", "max_rel_error",
           "machine_info", "render_table", "format_seconds", "document", "exit_status",
           "python_candidate", "numpy_candidate", "nx_candidate", "jax_candidate"]

SCHEMA_VERSION = 1


class Unavailable(Exception):
    """Raised by a candidate's setup when the candidate cannot run on this machine."""


def _same(x):
    return x


@dataclass(frozen=True)
class Candidate:
    """One row of a benchmark: ``run(setup(inputs))`` computes the output, and
    ``result(output)`` turns it into something ``numpy.asarray`` accepts;
    ``kernel_time(state)``, when given, is the device time of the kernels run
    since its last call (OpenCL profiling events), recorded after each timed call."""

    name: str
    setup: Callable[[Any], Any]
    run: Callable[[Any], Any]
    result: Callable[[Any], Any] = _same
    note: str = ""
    kernel_time: Callable[[Any], float] | None = None


@dataclass(frozen=True)
class Benchmark:
    """A problem and its candidates; ``candidates()`` builds the rows lazily, so
    that listing benchmarks imports no optional package."""

    name: str
    title: str
    dtype: str
    baseline: str
    rtol: float
    make_inputs: Callable[[int, int], Any]
    expected: Callable[..., Any]
    candidates: Callable[[], list]
    default_size: int = 1_000_000


@dataclass
class Row:
    """The outcome of one candidate: ``status`` is ok, skipped, mismatch or error."""

    name: str
    status: str = "ok"
    reason: str = ""
    note: str = ""
    times: list = field(default_factory=list)
    median: float | None = None
    min: float | None = None
    ratio: float | None = None
    max_rel_err: float | None = None
    kernel_times: list = field(default_factory=list)
    kernel_median: float | None = None


@dataclass
class Result:
    """One benchmark's run: its parameters and its rows, in the candidates' order."""

    benchmark: str
    title: str
    dtype: str
    size: int
    rounds: int
    warmup: int
    seed: int
    baseline: str
    rtol: float
    rows: list

    def row(self, name):
        """The row of a candidate, by name."""
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def to_dict(self):
        return asdict(self)


def max_rel_error(got, want) -> float:
    """The largest relative error of ``got`` against ``want``, element-wise;
    infinite when the shapes differ or NaNs and infinities do not match.

    >>> max_rel_error([1.0, 2.0, float("nan")], np.array([1.0, 2.5, float("nan")]))
    0.2
    >>> max_rel_error([1.0], np.array([1.0, 2.0]))
    inf
    """
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return math.inf
    both_nan = np.isnan(got) & np.isnan(want)
    exact = (got == want) | both_nan
    if exact.all():
        return 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.abs(got - want) / np.maximum(np.abs(want), np.finfo(np.float64).tiny)
    err = np.where(exact, 0.0, err)
    err = np.where(np.isnan(err), math.inf, err)
    return float(err.max())


def _timed(fn, arg, clock):
    """One timed call with the garbage collector off (as ``timeit`` does)."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        out = fn(arg)
        elapsed = clock() - start
    finally:
        if enabled:
            gc.enable()
    return elapsed, out


def _check(row, candidate, out, want, rtol):
    """Compare an output with the reference; a row out of tolerance is marked."""
    try:
        err = max_rel_error(candidate.result(out), want)
    except Exception as e:
        return _broken(row, e)
    row.max_rel_err = err if row.max_rel_err is None else max(row.max_rel_err, err)
    if not err <= rtol:
        row.status = "mismatch"
        row.reason = f"max rel err {err:.3g} > {rtol:.3g}"
    return row.status == "ok"


def _prepare(candidate, inputs, warmup, want, rtol):
    """Set a candidate up and run its warm-up calls: (row, state or None)."""
    row = Row(candidate.name, note=candidate.note)
    try:
        state = candidate.setup(inputs)
        for _ in range(warmup):
            out = candidate.run(state)
    except Unavailable as e:
        row.status, row.reason = "skipped", str(e)
        return row, None
    except Exception as e:  # a broken row is reported, the others still run
        return row, _broken(row, e)
    if not _check(row, candidate, out, want, rtol):
        return row, None
    return row, state


def _broken(row, error):
    row.status, row.reason = "error", f"{type(error).__name__}: {error}"
    return None


def _rounds(live, rounds, clock):
    """The timed rounds; returns each candidate's last output."""
    last = {}
    for r in range(rounds):
        k = r % len(live) if live else 0
        for candidate, row, state in live[k:] + live[:k]:
            if row.status != "ok":
                continue
            try:
                if candidate.kernel_time is not None:
                    candidate.kernel_time(state)       # forget the launches outside the round
                elapsed, last[candidate.name] = _timed(candidate.run, state, clock)
                if candidate.kernel_time is not None:
                    row.kernel_times.append(candidate.kernel_time(state))
            except Exception as e:
                _broken(row, e)
                continue
            row.times.append(elapsed)
    return last


def run(bench: Benchmark, *, size=None, rounds=7, warmup=1, seed=0,
        clock=time.perf_counter) -> Result:
    """Run a benchmark: set each candidate up and warm it up (checking its
    output), then time the candidates that passed, interleaved, for ``rounds``."""
    if rounds < 1 or warmup < 1:
        raise ValueError(f"rounds and warmup must be at least 1, got {rounds} and {warmup}")
    size = bench.default_size if size is None else size
    inputs = bench.make_inputs(size, seed)
    want = np.asarray(bench.expected(*inputs))
    rows, live = [], []
    for candidate in bench.candidates():
        row, state = _prepare(candidate, inputs, warmup, want, bench.rtol)
        rows.append(row)
        if state is not None:
            live.append((candidate, row, state))
    last = _rounds(live, rounds, clock)
    for candidate, row, _ in live:
        if row.status == "ok":
            _check(row, candidate, last.pop(candidate.name), want, bench.rtol)
    _summarise(rows, bench.baseline)
    return Result(bench.name, bench.title, bench.dtype, size, rounds, warmup, seed,
                  bench.baseline, bench.rtol, rows)


def _summarise(rows, baseline):
    for row in rows:
        if row.status == "ok":
            row.median = statistics.median(row.times)
            row.min = min(row.times)
            if row.kernel_times:
                row.kernel_median = statistics.median(row.kernel_times)
    base = next((r for r in rows if r.name == baseline and r.status == "ok"), None)
    for row in rows:
        if row.status == "ok" and base is not None and base.median > 0:
            row.ratio = row.median / base.median


def exit_status(results) -> int:
    """1 when any row of any result is wrong or broken (skipped rows are fine)."""
    bad = any(row.status in ("mismatch", "error") for res in results for row in res.rows)
    return 1 if bad else 0


# -- the machine ---------------------------------------------------------------

def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    """What the numbers were measured on (no optional package gets imported).

    >>> sorted(machine_info())
    ['cores', 'cpu', 'jax', 'numpy', 'nx_ref', 'platform', 'python', 'usable_cores']
    """
    import nx_ref
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "numpy": np.__version__,
        "jax": _version("jax"),
        "nx_ref": nx_ref.__version__,
        "platform": platform.platform(),
    }


def document(results, machine, argv=()) -> dict:
    """The JSON document of a run: the machine once, then every benchmark."""
    return {
        "schema_version": SCHEMA_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "argv": list(argv),
        "machine": machine,
        "benchmarks": [r.to_dict() for r in results],
    }


# -- the table -------------------------------------------------------------------

def format_seconds(s) -> str:
    """A duration with a unit that keeps 3 to 4 significant digits.

    >>> format_seconds(1.5), format_seconds(0.0123), format_seconds(4.2e-6)
    ('1.500 s', '12.30 ms', '4.200 us')
    """
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            break
    v = s / scale
    digits = 3 if v < 10 else 2 if v < 100 else 1
    return f"{v:.{digits}f} {unit}"


_COLUMNS = ("{:>11}", "{:>11}", "{:>17}", "{:>12}")


def _line(width, name, *cells):
    return " ".join([f"{name:<{width}}"] + [fmt.format(c) for fmt, c in zip(_COLUMNS, cells)]).rstrip()


def _header(result, machine):
    jax = f"jax {machine['jax']}" if machine.get("jax") else "jax not installed"
    return [
        f"{result.benchmark}: {result.title}",
        f"  {result.size:,} {result.dtype} values, median of {result.rounds} interleaved "
        f"rounds (after {result.warmup} warm-up), seed {result.seed}; "
        f"ratio = median / {result.baseline}'s median",
        f"  {machine['cpu']}, {machine['usable_cores']}/{machine['cores']} cores | "
        f"{machine['python']} | numpy {machine['numpy']} | {jax}",
        "",
    ]


def render_table(result: Result, machine: dict) -> str:
    """The fixed-width table of one benchmark's result: a header with the
    parameters and the machine, one line per candidate, then the rows' notes."""
    names = [r.name + (" (baseline)" if r.name == result.baseline else "") for r in result.rows]
    width = max([28, *map(len, names)])
    columns = _line(width, "candidate", "median", "min", f"vs {result.baseline}", "max rel err")
    body = [columns, "-" * len(columns)]
    for name, row in zip(names, result.rows):
        if row.status == "ok":
            ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
            body.append(_line(width, name, format_seconds(row.median), format_seconds(row.min),
                              ratio, f"{row.max_rel_err:.1e}"))
            if row.kernel_median is not None:
                body.append(f"{'  kernels (device events)':<{width}} "
                            f"{format_seconds(row.kernel_median):>11}")
        else:
            body.append(f"{name:<{width}} {row.status.upper()}: {row.reason}")
    notes = [f"  {r.name}: {r.note}" for r in result.rows if r.note]
    return "\n".join(_header(result, machine) + body + ([""] + notes if notes else []))


# -- candidates that most benchmarks share ---------------------------------------------

def python_candidate(name, fn, note=""):
    """A hand-written plain-Python row: ``fn(*lists)`` on the inputs as Python lists."""
    return Candidate(name, setup=lambda inputs: [a.tolist() for a in inputs],
                     run=lambda lists: fn(*lists), note=note)


def numpy_candidate(name, fn, note=""):
    """A numpy row: ``fn(np, *arrays)``."""
    return Candidate(name, setup=lambda inputs: list(inputs),
                     run=lambda arrays: fn(np, *arrays), note=note)


def nx_candidate(name, fn, backend, note=""):
    """An nx row: ``fn(nx, *tensors)`` with the inputs on ``backend()`` (a factory
    that may raise :class:`Unavailable`); its output is a tensor."""
    def setup(inputs):
        import nx_ref as nx
        b = backend()
        return nx, [nx.from_numpy(a, backend=b) for a in inputs]

    return Candidate(name, setup=setup, run=lambda state: fn(state[0], *state[1]),
                     result=lambda t: t.to_numpy(), note=note)


def jax_candidate(name, fn, note="", platform="cpu"):
    """A JAX row on ``platform`` (``"cpu"``, or ``"gpu"`` where JAX has a GPU
    backend): ``jax.jit`` of ``fn(jnp, *arrays)``, inputs already on the
    device, waiting for the result in each call. f64 inputs turn on x64. A
    GPU row must be set up before any CPU row, which limits JAX to the CPU."""
    def setup(inputs):
        if platform == "cpu":
            os.environ.setdefault("JAX_PLATFORMS", "cpu")
        try:
            import jax
            import jax.numpy as jnp
        except ImportError as e:
            raise Unavailable(f"cannot import {e.name} (pip install 'jax[cpu]' adds this row)") from None
        try:
            device = jax.devices(platform)[0]
        except RuntimeError as e:
            raise Unavailable(f"JAX has no {platform} device ({str(e).splitlines()[0][:80]})") from None
        if any(a.dtype == np.float64 for a in inputs):
            jax.config.update("jax_enable_x64", True)
        compiled = jax.jit(lambda *xs: fn(jnp, *xs))
        return compiled, [jax.device_put(a, device) for a in inputs]

    return Candidate(name, setup=setup,
                     run=lambda state: state[0](*state[1]).block_until_ready(),
                     result=np.asarray, note=note)
