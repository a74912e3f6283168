"""Writing the generated sources of the site (no Sphinx import, so tests call it).

:func:`generate_sources` writes one page per registry op under ``ops/``
(:mod:`nxops`) with the ops index, the global pages under ``reference/``
(:mod:`nxtables`), and under ``_generated/`` the benchmark tables and plots
(:mod:`nxperf`) and the description of the example backend, included by the
guides. Files are only rewritten when their text changes (incremental builds
stay incremental) and pages of ops no longer in the registry are removed.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from spec import registry

import nxexamples
import nxops
import nxperf
import nxtables

__all__ = ["generate_sources", "benchmark_results", "write_if_changed", "example_backend_rst"]


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it (keeps incremental builds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def benchmark_results(root: Path, scratch: Path | None) -> list:
    """The stored benchmark results (``benchmarks/results/*.json``); when there
    are none (the directory is not under version control) and ``scratch`` is
    given, quick runs of the softmax and MLP benchmarks made now, into it."""
    results = nxperf.load_results(root / "benchmarks" / "results")
    if results or scratch is None:
        return results
    scratch.mkdir(parents=True, exist_ok=True)
    for name in ("softmax", "mlp"):
        subprocess.run([sys.executable, "-m", "benchmarks", name, "--quick", "--json",
                        str(scratch / f"{name}.json")], cwd=root, capture_output=True, timeout=600)
    return nxperf.load_results(scratch)


def generate_sources(src: Path, reports: dict, plots: bool = True, bench_scratch: Path | None = None) -> dict:
    """Write the generated files under ``src`` (the docs directory); returns
    {"ops": [op page names], "reference": [page names]}. ``plots=False`` leaves
    the benchmark plots out (matplotlib is only needed for them);
    ``bench_scratch`` is where quick benchmark runs go when no results are stored."""
    src = Path(src)
    root = src.parent
    wanted = {"index.rst"}
    for name, op in registry.all_ops().items():
        wanted.add(f"{name}.rst")
        write_if_changed(src / "ops" / f"{name}.rst", nxops.op_page(op, reports))
    write_if_changed(src / "ops" / "index.rst", nxtables.ops_index())
    for stale in (src / "ops").glob("*.rst"):
        if stale.name not in wanted:
            stale.unlink()
    for page, fn in nxtables.PAGES.items():
        write_if_changed(src / "reference" / f"{page}.rst", fn(reports))
    results = benchmark_results(root, bench_scratch)
    images = nxperf.plot(results, src / "_generated") if plots else {}
    images = {k: f"/_generated/{v}" for k, v in images.items()}
    write_if_changed(src / "_generated" / "benchmarks.inc", nxperf.benchmarks_rst(results, images))
    write_if_changed(src / "_generated" / "numpy_backend.inc",
                     example_backend_rst(root / "examples" / "numpy_backend"))
    return {"ops": sorted(n[:-4] for n in wanted if n != "index.rst"), "reference": list(nxtables.PAGES)}


def example_backend_rst(directory: Path) -> str:
    """What ``examples/numpy_backend/`` holds: each file with the prose of its
    module docstring (examples are left to its own tests), or a note when the
    example is not in this checkout."""
    files = sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
        if directory.is_dir() else []
    text = [nxops.heading("The example: ``examples/numpy_backend/``")]
    if not files:
        return "\n".join(text + ["The numpy backend example is not part of this checkout; "
                                 "the steps above apply to any backend.\n"])
    text.append("A complete third-party backend on numpy, to copy. Its files:\n")
    for path in files:
        rel = path.relative_to(directory.parent.parent).as_posix()
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) if path.suffix == ".py" else None
        prose = (doc or "").split(">>>", 1)[0].strip()
        prose = nxexamples.literal_roles(" ".join(prose.split("\n\n", 1)[0].split()))
        text.append(f"- ``{rel}``" + (f": {prose}" if prose else ""))
    text.append("\nCheck it with ``python -m conformance examples.numpy_backend:NumpyBackend --tier smoke`` "
                "(the object name as the example defines it).\n")
    return "\n".join(text)
