"""The performance page's tables and plots, from ``benchmarks/results/*.json``.

Each results file of the benchmark harness (``schema_version`` 1) holds the
machine it ran on and one or more benchmarks, each with rows of candidates
(median time, ratio to the baseline row). :func:`benchmarks_rst` renders one
table per benchmark with the machine, and :func:`plot` draws the ratios with
matplotlib (headless ``Agg``); other JSON files are shown as key/value tables.
"""

from __future__ import annotations

import json
from pathlib import Path

from nxops import heading, rst_table

__all__ = ["load_results", "benchmarks_rst", "plot", "fmt_seconds"]


def load_results(directory) -> list:
    """(file stem, data) for every JSON file in ``directory``, sorted by name."""
    out = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            out.append((path.stem, json.loads(path.read_text(encoding="utf-8"))))
        except ValueError:
            continue
    return out


def fmt_seconds(s) -> str:
    """A duration with a unit that keeps 3 significant digits.

    >>> fmt_seconds(0.000222), fmt_seconds(0.1032), fmt_seconds(2.5)
    ('222 µs', '103 ms', '2.50 s')
    """
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s" if s >= 10 else f"{s:.2f} s"


def _machine(m) -> str:
    keys = ("cpu", "cores", "usable_cores", "python", "numpy", "jax", "platform")
    return "; ".join(f"{k}: {m.get(k)}" for k in keys if k in m)


def _benchmark_rst(stem, data, images) -> list:
    out = []
    for b in data.get("benchmarks", []):
        title = b.get("title", b.get("benchmark", stem))
        out.append(heading(f"{title} ({b.get('dtype', '?')}, size {b.get('size', '?')})", "~"))
        argv = " ".join(data.get("argv") or [])
        out.append(f"From ``{stem}.json`` (``python -m benchmarks {argv}``), measured {data.get('created', '?')} on: "
                   f"{_machine(data.get('machine', {}))}. Median of {b.get('rounds', '?')} "
                   f"interleaved rounds; the ratio is to the baseline row, ``{b.get('baseline')}``.\n")
        rows = []
        for r in b.get("rows", []):
            ok = r.get("status") == "ok"
            rows.append((r.get("name"), fmt_seconds(r.get("median")) if ok else "-",
                         f"{r['ratio']:.2f}x" if ok and r.get("ratio") is not None else "-",
                         r.get("note") if ok else f"{r.get('status')}: {r.get('reason')}"))
        out.append(rst_table(("candidate", "median", "ratio", "what runs"), rows, widths=(2, 1, 1, 4)))
        image = images.get((stem, b.get("benchmark")))
        if image:
            out.append(f".. image:: {image}\n   :alt: {title}: time relative to {b.get('baseline')}\n")
    return out


def benchmarks_rst(results, images=None) -> str:
    """Tables (and plots, when ``images`` maps (stem, benchmark) to an image path)."""
    images = images or {}
    out = []
    for stem, data in results:
        if isinstance(data, dict) and "benchmarks" in data:
            out.extend(_benchmark_rst(stem, data, images))
        elif isinstance(data, dict):
            out.append(heading(f"{stem}", "~"))
            out.append(f"From ``benchmarks/results/{stem}.json`` (no machine recorded in this file).\n")
            rows = [(f"{k}.{k2}" if isinstance(v, dict) else k, f"{v2:.3g}" if isinstance(v2, float) else v2)
                    for k, v in data.items() for k2, v2 in (v.items() if isinstance(v, dict) else [("", v)])]
            out.append(rst_table(("measure", "value"), [(k.rstrip("."), v) for k, v in rows]))
    return "\n".join(out) if out else "No benchmark results are stored in ``benchmarks/results``.\n"


def plot(results, directory) -> dict:
    """One PNG per benchmark (time relative to the baseline, log scale) written
    into ``directory``; returns (stem, benchmark) -> file name."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    made = {}
    for stem, data in results:
        for b in (data.get("benchmarks", []) if isinstance(data, dict) else []):
            rows = [r for r in b.get("rows", []) if r.get("status") == "ok" and r.get("ratio")]
            if not rows:
                continue
            fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.2))
            ax.barh([r["name"] for r in rows], [r["ratio"] for r in rows], color="#4a7ab5")
            ratios = [r["ratio"] for r in rows]
            log = max(ratios) / min(ratios) > 10    # a log scale only where ratios span decades
            if log:
                ax.set_xscale("log")
            ax.invert_yaxis()
            scale = "log scale, " if log else ""
            ax.set_xlabel(f"median time / {b.get('baseline')} ({scale}lower is faster)")
            ax.set_title(f"{b.get('benchmark')} ({b.get('dtype')}, size {b.get('size')})")
            fig.tight_layout()
            name = f"bench_{stem}_{b.get('benchmark')}.png"
            fig.savefig(directory / name, dpi=90)
            plt.close(fig)
            made[(stem, b.get("benchmark"))] = name
    return made
