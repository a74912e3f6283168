"""Backend status from conformance reports.

The build runs ``python -m conformance CANDIDATE --tier smoke --json ...`` for
each backend in :data:`BACKENDS` (in a subprocess, with a time limit) and the op
pages read the JSON reports back. A backend whose run failed, timed out or was
skipped shows "not run". Settings (environment variables):

- ``NX_DOCS_CONFORMANCE``: ``run`` (default) runs the suite; ``skip`` only reads
  the reports already in the directory.
- ``NX_DOCS_CONFORMANCE_DIR``: where the reports go (default
  ``docs/_build/conformance``).
- ``NX_DOCS_CONFORMANCE_TIMEOUT``: seconds per backend (default 240).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

__all__ = ["BACKENDS", "selection_args", "report_path", "run_suite", "load_reports", "op_status", "status_table",
           "summary_rows"]

# (label, file stem, MODULE:OBJECT given to the conformance CLI, selection). The code
# generators compile kernels per op and type, so within the build's time budget they
# are checked on the families they compile into kernels and on their main types;
# the other ops' rows say "not checked", and each row names the types checked.
BACKENDS = (
    ("reference", "reference", "nx_ref:ReferenceBackend", {}),
    ("C", "c", "nx_codegen:CBackend", {"types": "f32,s32", "families": ("elementwise", "reduction")}),
    ("OpenCL (PoCL)", "opencl", "nx_codegen:OpenCL", {"types": "f32", "families": ("elementwise", "reduction")}),
)


def selection_args(selection) -> list:
    """CLI arguments for a backend's selection (``types``, op ``families``).

    >>> selection_args({"types": "f32"})
    ['--types', 'f32']
    >>> "--ops" in selection_args({"families": ("reduction",)})
    True
    """
    args = []
    if selection.get("types"):
        args += ["--types", selection["types"]]
    if selection.get("families"):
        from spec import registry
        ops = [op.name for op in registry.all_ops().values() if op.family in selection["families"]]
        args += ["--ops", ",".join(ops)]
    return args


def report_path(directory, stem) -> Path:
    return Path(directory) / f"{stem}.json"


def run_suite(directory, root, log=print, timeout=None, backends=BACKENDS):
    """Run the smoke tier for every backend, writing ``<stem>.json`` (or
    ``<stem>.error.txt`` saying why there is no report)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    timeout = timeout or float(os.environ.get("NX_DOCS_CONFORMANCE_TIMEOUT", "240"))
    for label, stem, candidate, selection in backends:
        path, error = report_path(directory, stem), directory / f"{stem}.error.txt"
        for stale in (path, error):
            if stale.exists():
                stale.unlink()
        cmd = [sys.executable, "-m", "conformance", candidate, "--tier", "smoke",
               "--jobs", "2", "--quiet", "--json", str(path), *selection_args(selection)]
        log(f"conformance: {label} ({candidate}), smoke tier")
        returncode, stderr = _run(cmd, root, timeout)
        if returncode is None:
            reason = f"timed out after {timeout:.0f} s"
            if path.exists():
                path.unlink()
        else:
            reason = None if path.exists() else f"exit status {returncode}: {stderr.strip()[-300:]}"
        if reason:
            error.write_text(reason + "\n", encoding="utf-8")
            log(f"conformance: {label}: not run ({reason})")


def _run(cmd, root, timeout):
    """(exit status or None on timeout, stderr); on timeout the whole process
    group goes (the suite forks workers with ``--jobs``)."""
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=timeout)
        return proc.returncode, stderr
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, ""


def load_reports(directory, backends=BACKENDS) -> dict:
    """label -> report data, or a string saying why there is none."""
    out = {}
    for label, stem, _, _ in backends:
        path = report_path(directory, stem)
        error = Path(directory) / f"{stem}.error.txt"
        if path.exists():
            try:
                out[label] = json.loads(path.read_text(encoding="utf-8"))
                continue
            except ValueError as e:
                out[label] = f"unreadable report ({e})"
                continue
        out[label] = error.read_text(encoding="utf-8").strip() if error.exists() else "not run"
    return out


def op_status(report, name) -> str:
    """One op's status in one report, in words.

    >>> report = {"matrix": {"add": {"f32": {"values": "pass", "types": "pass"},
    ...                              "s8": {"values": "fail"}, "-": {"examples": "fail"}}}}
    >>> op_status(report, "add")
    '2 of 4 checks fail (examples, s8 values)'
    >>> op_status({"matrix": {"add": {"f32": {"values": "pass"}}}}, "add")
    'pass (1 checks)'
    >>> op_status("not run", "add"), op_status({"matrix": {}}, "add")
    ('not run', 'not checked')
    """
    if not isinstance(report, dict):
        return "not run" if report == "not run" else f"not run ({report})"
    if report.get("preflight"):
        return "not run: the preflight failed (see the conformance status page)"
    cells = report.get("matrix", {}).get(name)
    if not cells:
        return "not checked"
    statuses = [(t, s) for t, checks in cells.items() for s in checks.values()]
    failing = sorted({check if t == "-" else f"{t} {check}"
                      for t, checks in cells.items() for check, s in checks.items() if s == "fail"})
    if failing:
        n = sum(s == "fail" for _, s in statuses)
        return f"{n} of {len(statuses)} checks fail ({', '.join(failing)})"
    passed = sum(s == "pass" for _, s in statuses)
    others = {}
    for _, s in statuses:
        if s != "pass":
            others[s] = others.get(s, 0) + 1
    extra = "".join(f", {n} {s}" for s, n in sorted(others.items()))
    if passed == 0:
        return ", ".join(f"{n} {s}" for s, n in sorted(others.items()))
    return f"pass ({passed} checks{extra})"


def _row_label(report, label):
    """``C (nx_codegen:CBackend, smoke tier; f32, s32)``: what was checked."""
    if not isinstance(report, dict):
        return label
    checked = sorted({t for cells in report.get("matrix", {}).values() for t in cells if t != "-"},
                     key=_type_order)
    return f"{label} ({report.get('candidate')}, {report.get('tier')} tier; {', '.join(checked) or 'no types'})"


def _type_order(name):
    from spec import types
    names = [t.name for t in types.ALL_TYPES]
    return names.index(name) if name in names else len(names)


def status_table(reports, name) -> str:
    """The rst status table of one op."""
    from nxops import rst_table
    if not reports:
        return "No conformance reports were produced for this build.\n"
    rows = [(_row_label(r, label), op_status(r, name)) for label, r in reports.items()]
    return rst_table(("backend", "conformance (smoke tier)"), rows, widths=(2, 3))


def summary_rows(reports):
    """(backend, seconds, counts) for the status overview page."""
    rows = []
    for label, r in reports.items():
        if isinstance(r, dict) and r.get("preflight"):
            rows.append((_row_label(r, label), f"{r.get('seconds', 0):.0f} s", r["preflight"]))
        elif isinstance(r, dict):
            counts = ", ".join(f"{n} {s}" for s, n in sorted(r.get("counts", {}).items()))
            rows.append((_row_label(r, label), f"{r.get('seconds', 0):.0f} s", counts or "no cells"))
        else:
            rows.append((label, "-", "not run" if r == "not run" else f"not run: {r}"))
    return rows
