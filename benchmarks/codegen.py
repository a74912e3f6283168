"""Measurements of nx_codegen.C that are not side-by-side rows: the compile
latency of the seed's softmax, cold (empty cache) and warm (a new process
hitting the cache), and how a threaded kernel behaves when another process
keeps one core busy.

``python -m benchmarks.codegen`` prints both tables and writes
``benchmarks/results/codegen.json``.

>>> r = compile_latency(size=16, repeats=1)
>>> sorted(r) == ["cold_ms", "warm_ms"] and r["warm_ms"] > 0
True
"""

from __future__ import annotations

import compileall
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["compile_latency", "threads_under_load", "main"]

ROOT = Path(__file__).resolve().parent.parent

_COMPILE = r"""
import os, sys, time
sys.path.insert(0, {root!r})
import nx_ref as nx, nx_codegen
from nx_ref.defn.expr import trace
t = nx.template(({size},), "f32")
graph = trace(lambda x: nx.exp(x) / nx.sum(nx.exp(x)), [t])
start = time.perf_counter()
nx_codegen.C().compile(graph)
print((time.perf_counter() - start) * 1e3)
"""


def _compile_once(cache, size):
    env = dict(os.environ, NX_CODEGEN_CACHE=cache)
    out = subprocess.run([sys.executable, "-c", _COMPILE.format(root=str(ROOT), size=size)],
                         env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def compile_latency(size=1_000_000, repeats=5):
    """Median milliseconds of ``nx_codegen.C().compile`` of the softmax graph in a
    fresh process: with an empty cache directory (``cold_ms``: lowering, C
    rendering, gcc, loading) and with the cache filled by a previous process
    (``warm_ms``: lowering, rendering, hashing, loading)."""
    # byte-compile the packages first, as an installed package is (where
    # PYTHONDONTWRITEBYTECODE is set, every process would otherwise compile the
    # modules it imports, about 20 ms, and time that instead)
    for package in ("spec", "nx_ref", "nx_codegen"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    cold, warm = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(_compile_once(cache, size))
            warm.append(_compile_once(cache, size))
    return {"cold_ms": statistics.median(cold), "warm_ms": statistics.median(warm)}


def _spin(stop):
    while not stop.is_set():
        pass


def threads_under_load(size=4_000_000, rounds=7):
    """Median milliseconds of a 1-thread and a 2-thread softmax kernel, idle and
    while another process spins on one core; the ratio that matters is
    ``two_busy / one_busy`` (at most 2: the threaded kernel must not collapse)."""
    import numpy as np
    import nx_ref as nx
    import nx_codegen
    x = nx.from_numpy(np.random.default_rng(0).standard_normal(size).astype(np.float32),
                      backend=nx_codegen.CBackend())
    funs = {n: nx.jit(lambda t: nx.exp(t) / nx.sum(nx.exp(t)), compiler=nx_codegen.C, threads=n)
            for n in (1, 2)}
    for f in funs.values():
        f(x)

    def timed(f):
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            f(x)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1e3

    result = {f"{'one' if n == 1 else 'two'}_idle": timed(f) for n, f in funs.items()}
    stop = multiprocessing.Event()
    busy = multiprocessing.Process(target=_spin, args=(stop,), daemon=True)
    busy.start()
    try:
        time.sleep(0.2)
        result.update({f"{'one' if n == 1 else 'two'}_busy": timed(f) for n, f in funs.items()})
    finally:
        stop.set()
        busy.join()
    return result


def main(argv=None):
    latency = compile_latency()
    print("compile latency of softmax (nx_codegen.C, new process)")
    print(f"  cold (empty cache): {latency['cold_ms']:8.1f} ms")
    print(f"  warm (cache hit):   {latency['warm_ms']:8.1f} ms")
    threads = threads_under_load()
    print("softmax kernel over 4M f32, 1 vs 2 OpenMP threads (median ms)")
    for k, v in threads.items():
        print(f"  {k:10s} {v:8.2f}")
    print(f"  two_busy / one_busy = {threads['two_busy'] / threads['one_busy']:.2f} (at most 2)")
    out = ROOT / "benchmarks" / "results" / "codegen.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"compile": latency, "threads": threads}, indent=2) + "\n")
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
