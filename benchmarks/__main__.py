"""The command line: ``python -m benchmarks {softmax,softmax_f64,all} [options]``.

Prints one fixed-width table per benchmark and writes every result, with the
machine, as one JSON document (default ``benchmarks/results/<name>.json``). The
exit status is 1 when a candidate's output is wrong or it failed (skipped rows,
for a missing optional package, are fine).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from benchmarks import BENCHMARKS, select
from benchmarks.common import document, exit_status, machine_info, render_table, run

__all__ = ["main", "parse_args"]

RESULTS = Path(__file__).resolve().parent / "results"
QUICK_SIZE, QUICK_ROUNDS = 1000, 3


def parse_args(argv):
    """The options, with ``--quick`` defaults filled in.

    >>> o = parse_args(["softmax", "--quick"])
    >>> o.size, o.rounds, o.json.name
    (1000, 3, 'softmax.json')
    """
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time nx-ref's backends next to a plain-Python loop, numpy and JAX, "
                    "print a table per benchmark and write the results as JSON.")
    p.add_argument("name", choices=["all", *BENCHMARKS], help="the benchmark to run")
    p.add_argument("--size", type=int, help="number of elements (default: the benchmark's)")
    p.add_argument("--rounds", type=int, help="timed rounds; each row reports the median (default 7)")
    p.add_argument("--warmup", type=int, default=1,
                   help="untimed calls per candidate before the rounds; the first one's output is checked")
    p.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    p.add_argument("--json", type=Path, help="where to write the JSON results")
    p.add_argument("--quick", action="store_true",
                   help=f"a smoke run: {QUICK_SIZE} elements, {QUICK_ROUNDS} rounds unless given")
    opts = p.parse_args(argv)
    if opts.quick:
        opts.size = QUICK_SIZE if opts.size is None else opts.size
        opts.rounds = QUICK_ROUNDS if opts.rounds is None else opts.rounds
    opts.rounds = 7 if opts.rounds is None else opts.rounds
    if opts.size is not None and opts.size < 1:
        p.error(f"--size must be at least 1, got {opts.size}")
    for flag in ("rounds", "warmup"):
        if getattr(opts, flag) < 1:
            p.error(f"--{flag} must be at least 1, got {getattr(opts, flag)}")
    if opts.json is None:
        opts.json = RESULTS / f"{opts.name}.json"
    return opts


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    opts = parse_args(argv)
    machine = machine_info()
    results = []
    for bench in select(opts.name):
        print(f"running {bench.name} ...", file=sys.stderr, flush=True)
        result = run(bench, size=opts.size, rounds=opts.rounds, warmup=opts.warmup, seed=opts.seed)
        results.append(result)
        print(render_table(result, machine), end="\n\n", flush=True)
    opts.json.parent.mkdir(parents=True, exist_ok=True)
    tmp = opts.json.with_name(opts.json.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(document(results, machine, argv), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, opts.json)  # readers never see a half-written file
    print(f"results written to {opts.json}")
    return exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
