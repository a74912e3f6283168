"""The benchmark runner and its command line, on tiny sizes (no timing is asserted).

The runner's arithmetic (medians, ratios, interleaving, checks) is tested with a
fake clock and fake candidates; the real command runs once in ``--quick`` mode and
its table and JSON are checked against each other. The README's usage example,
which shows the same softmax, runs here too.
"""

from __future__ import annotations

import doctest
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import benchmarks
import benchmarks.__main__ as cli
from benchmarks import common, dot, softmax
from benchmarks.common import Benchmark, Candidate, Unavailable

ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    """A clock that only moves when a candidate says how long it took."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def fake_bench(candidates, baseline="a", rtol=0.0):
    return Benchmark(
        name="fake", title="x + 1", dtype="f64", baseline=baseline, rtol=rtol,
        make_inputs=lambda size, seed: (np.arange(size, dtype=np.float64),),
        expected=lambda x: x + 1, candidates=lambda: candidates, default_size=4)


def timed(name, clock, durations, log=None, output=lambda x: x + 1):
    """A candidate whose timed calls take ``durations`` (in order) on ``clock``."""
    durations, warm = list(durations), []

    def run(x):
        if log is not None:
            log.append(name)
        if warm and durations:  # warm-up calls take no time
            clock.now += durations.pop(0)
        warm.append(True)
        return output(x)
    return Candidate(name, setup=lambda inputs: inputs[0], run=run)


# -- the runner ---------------------------------------------------------------

def test_medians_and_ratios_come_from_the_rounds_of_one_run():
    clock = FakeClock()
    rows = [timed("a", clock, [3.0, 1.0, 2.0]), timed("b", clock, [10.0, 2.0, 6.0])]
    result = common.run(fake_bench(rows), rounds=3, clock=clock)
    a, b = result.row("a"), result.row("b")
    assert sorted(a.times) == [1.0, 2.0, 3.0] and sorted(b.times) == [2.0, 6.0, 10.0]
    assert (a.median, a.min, a.ratio) == (2.0, 1.0, 1.0)
    assert (b.median, b.min, b.ratio) == (6.0, 2.0, 3.0)
    assert a.max_rel_err == 0.0 and common.exit_status([result]) == 0


def test_rounds_are_interleaved_with_a_rotating_order():
    clock, log = FakeClock(), []
    rows = [timed(n, clock, [1.0] * 3, log) for n in "abc"]
    common.run(fake_bench(rows), rounds=3, warmup=1, clock=clock)
    warmups, rounds = log[:3], log[3:]
    assert warmups == ["a", "b", "c"]
    assert rounds == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def test_a_wrong_row_is_flagged_never_timed_and_fails_the_run():
    clock, log = FakeClock(), []
    rows = [timed("a", clock, [1.0]), timed("wrong", clock, [0.001], log, output=lambda x: x + 2)]
    result = common.run(fake_bench(rows, rtol=1e-6), rounds=2, clock=clock)
    wrong = result.row("wrong")
    assert wrong.status == "mismatch" and "max rel err" in wrong.reason
    assert wrong.times == [] and wrong.median is None and wrong.ratio is None
    assert log == ["wrong"]  # the warm-up only
    assert common.exit_status([result]) == 1
    assert "wrong" in common.render_table(result, common.machine_info())
    assert "MISMATCH" in common.render_table(result, common.machine_info())


def test_a_row_that_goes_wrong_during_the_rounds_is_flagged():
    calls = []

    def drifting(x):
        calls.append(1)
        return x + 1 if len(calls) == 1 else x + 1.5
    rows = [timed("a", FakeClock(), []), Candidate("drift", setup=lambda i: i[0], run=drifting)]
    result = common.run(fake_bench(rows), rounds=2, clock=FakeClock())
    assert result.row("drift").status == "mismatch" and result.row("drift").ratio is None


def test_unavailable_rows_are_skipped_and_broken_rows_are_errors():
    def missing(inputs):
        raise Unavailable("no such device")

    def broken(inputs):
        raise ValueError("bad setup")
    ok = timed("a", FakeClock(), [1.0])
    skipped = Candidate("skip", setup=missing, run=lambda s: s)
    result = common.run(fake_bench([ok, skipped]), rounds=1, clock=FakeClock())
    assert (result.row("skip").status, result.row("skip").reason) == ("skipped", "no such device")
    assert common.exit_status([result]) == 0
    assert "SKIPPED: no such device" in common.render_table(result, common.machine_info())
    errored = common.run(fake_bench([ok, Candidate("err", setup=broken, run=lambda s: s)]), rounds=1)
    assert errored.row("err").status == "error" and "ValueError: bad setup" in errored.row("err").reason
    assert common.exit_status([errored]) == 1


def test_a_row_that_fails_during_the_rounds_is_an_error():
    calls = []

    def flaky(x):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("device lost")
        return x + 1
    rows = [timed("a", FakeClock(), []), Candidate("flaky", setup=lambda i: i[0], run=flaky)]
    result = common.run(fake_bench(rows), rounds=3, clock=FakeClock())
    assert result.row("flaky").status == "error" and "device lost" in result.row("flaky").reason
    assert len(calls) == 2 and len(result.row("a").times) == 3
    assert common.exit_status([result]) == 1


def test_an_output_that_cannot_be_read_is_an_error():
    def unreadable(out):
        raise TypeError("not an array")
    rows = [Candidate("bad", setup=lambda i: i[0], run=lambda x: x + 1, result=unreadable)]
    result = common.run(fake_bench(rows), rounds=1)
    assert result.row("bad").status == "error" and "TypeError" in result.row("bad").reason


def test_without_a_working_baseline_there_is_no_ratio():
    clock = FakeClock()
    rows = [timed("b", clock, [1.0])]
    result = common.run(fake_bench(rows, baseline="a"), rounds=1, clock=clock)
    assert result.row("b").status == "ok" and result.row("b").ratio is None
    [line] = [x for x in common.render_table(result, common.machine_info()).splitlines()
              if x.startswith("b ")]
    assert line.split()[-2] == "-"


@pytest.mark.parametrize("rounds, warmup", [(0, 1), (1, 0)])
def test_rounds_and_warmup_must_be_positive(rounds, warmup):
    with pytest.raises(ValueError, match="at least 1"):
        common.run(fake_bench([]), rounds=rounds, warmup=warmup)


@pytest.mark.parametrize("got, want, err", [
    ([1.0, 2.0], [1.0, 2.0], 0.0),
    ([float("nan"), float("inf")], [float("nan"), float("inf")], 0.0),
    ([1.0, float("inf")], [1.0, float("-inf")], math.inf),
    ([float("nan")], [1.0], math.inf),
    ([1.0, 2.0], [1.0], math.inf),
    ([1.1, 2.0], [1.0, 2.0], 0.1),
])
def test_max_rel_error(got, want, err):
    assert common.max_rel_error(got, np.array(want)) == pytest.approx(err, rel=1e-9)


def test_kernel_times_are_recorded_per_timed_round_and_shown():
    clock, device = FakeClock(), {"pending": 0.0}
    base = timed("a", clock, [1.0, 1.0, 1.0])

    def run(x):
        device["pending"] += 0.25
        return x + 1

    def kernel_time(state):
        spent, device["pending"] = device["pending"], 0.0
        return spent
    gpu = Candidate("gpu", setup=lambda inputs: inputs[0], run=run, kernel_time=kernel_time)
    result = common.run(fake_bench([base, gpu]), rounds=3, warmup=2, clock=clock)
    row = result.row("gpu")
    # the warm-up calls' kernel time is dropped: one call per timed round
    assert row.kernel_times == [0.25, 0.25, 0.25] and row.kernel_median == 0.25
    assert result.row("a").kernel_median is None
    table = common.render_table(result, common.machine_info())
    assert "kernels (device events)" in table and "250.0 ms" in table


def test_ok_rows_of_the_table_line_up():
    clock = FakeClock()
    rows = [timed("a", clock, [0.5]), timed("a much longer candidate name, over 28", clock, [2e-6])]
    result = common.run(fake_bench(rows), rounds=1, clock=clock)
    lines = common.render_table(result, common.machine_info()).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("candidate"))
    table = lines[start:start + 4]
    assert len({len(line) for line in table}) == 1, table
    assert set(table[1]) == {"-"}


# -- the command line and the softmax benchmark ----------------------------------------

def _table_rows(stdout, names):
    rows = {}
    for line in stdout.splitlines():
        for name in names:
            if line.startswith(name + " ") and line[len(name):].lstrip()[:1] != ",":
                rows.setdefault(name, line)
    return rows


def test_quick_softmax_prints_a_table_matching_its_json(tmp_path):
    out = tmp_path / "softmax.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "softmax", "--quick", "--size", "64", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == common.SCHEMA_VERSION
    assert set(doc["machine"]) >= {"cpu", "cores", "python", "numpy", "nx_ref"}
    [res] = doc["benchmarks"]
    assert (res["benchmark"], res["size"], res["rounds"], res["dtype"]) == ("softmax", 64, 3, "f32")
    names = [c.name for c in softmax.SOFTMAX_F32.candidates()]
    assert [r["name"] for r in res["rows"]] == names
    base = next(r for r in res["rows"] if r["name"] == res["baseline"])
    table = _table_rows(proc.stdout, names)
    for row in res["rows"]:
        if row["name"].startswith("jax") and row["status"] == "skipped":
            assert "SKIPPED" in table[row["name"]]
            continue
        assert row["status"] == "ok", row
        assert len(row["times"]) == 3 and row["min"] == min(row["times"])
        assert row["median"] == statistics.median(row["times"])
        assert row["ratio"] == pytest.approx(row["median"] / base["median"], rel=1e-12)
        assert row["max_rel_err"] <= res["rtol"]
        assert f"{row['ratio']:.2f}x" in table[row["name"]]
    assert base["ratio"] == 1.0
    assert not list(tmp_path.glob("*.tmp"))


def test_all_runs_every_benchmark(tmp_path, capsys):
    out = tmp_path / "all.json"
    status = cli.main(["all", "--quick", "--size", "8", "--rounds", "1", "--json", str(out)])
    assert status == 0
    doc = json.loads(out.read_text())
    assert [b["benchmark"] for b in doc["benchmarks"]] == list(benchmarks.BENCHMARKS)
    printed = capsys.readouterr().out
    assert all(f"{name}: {b.title}" in printed for name, b in benchmarks.BENCHMARKS.items())


@pytest.mark.parametrize("argv", [["softmax", "--rounds", "0"], ["softmax", "--size", "0"],
                                  ["softmax", "--warmup", "0"], ["nope"]])
def test_bad_options_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        cli.parse_args(argv)


def test_quick_mode_keeps_explicit_options():
    opts = cli.parse_args(["softmax", "--quick", "--size", "10", "--rounds", "2"])
    assert (opts.size, opts.rounds) == (10, 2)
    assert (cli.parse_args(["all"]).size, cli.parse_args(["all"]).rounds) == (None, 7)


@pytest.mark.parametrize("module", [benchmarks, common, softmax, dot, cli], ids=lambda m: m.__name__)
def test_doctests(module):
    # the benchmarks package is outside pytest's testpaths; its examples run here
    import nx_ref
    failed, attempted = doctest.testmod(module, extraglobs={"nx": nx_ref},
                                        optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failed == 0 and attempted > 0


def test_readme_python_examples_run():
    # the README's usage example is a doctest, so it cannot drift from the code
    import nx_ref
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert blocks
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {"nx": nx_ref}, f"README.md[{i}]", "README.md", 0)
        runner.run(test)
    outcome = runner.summarize(verbose=False)
    assert outcome.failed == 0 and outcome.attempted >= 4
