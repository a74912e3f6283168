"""Writing a :class:`~conformance.run.Report`: a terminal summary, JSON, JUnit XML
and a self-contained HTML page (inline CSS, no external assets).

The JSON holds ``results`` (one object per op x type x check cell: status,
number of examples, seconds, and for a failure the minimal failing call, the
observed and expected values, the error in ULPs and a reproduction snippet) and
``matrix`` (op -> type -> check -> status).

>>> import nx_ref as nx
>>> from conformance.run import run
>>> report = run(nx.ReferenceBackend(), ops=["negate"], types=["s8"], tier="smoke")
>>> to_json(report)["counts"]
{'pass': 5}
"""

from __future__ import annotations

import html
import json
import math
from xml.etree import ElementTree as ET

__all__ = ["to_json", "write_json", "write_junit", "write_html", "summary", "STATUS_ORDER"]

STATUS_ORDER = ("fail", "unexpected pass", "expected failure", "not generated", "unsupported", "pass")
_COLOURS = {"pass": "#3a9d4a", "fail": "#d33", "unsupported": "#999", "expected failure": "#e8a33d",
            "unexpected pass": "#7b4fd6", "not generated": "#ccc"}


def _clean(x):
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, complex):
        return [_clean(x.real), _clean(x.imag)]
    if isinstance(x, bytes):
        return x.hex()
    return x


def to_json(report) -> dict:
    """The report as JSON-compatible data (non-finite floats as strings)."""
    matrix = {}
    for r in report.results:
        matrix.setdefault(r.op, {}).setdefault(r.type, {})[r.check] = r.status
    return _clean({
        "candidate": report.candidate, "reference": report.reference, "tier": report.tier,
        "seed": report.seed, "max_examples": report.max_examples,
        "seconds": round(report.seconds, 3), "preflight": report.preflight,
        "failed": report.failed, "counts": report.counts(),
        "results": [r.to_json() for r in report.results], "matrix": matrix,
    })


def write_json(report, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(to_json(report), f, indent=1, allow_nan=False)


def write_junit(report, path):
    """JUnit XML: one test case per cell (classname ``conformance.<op>``, name
    ``<check>[<type>]``); failures carry the details, unsupported and not
    generated cells are skipped."""
    results = report.results
    suite = ET.Element("testsuite", name=f"conformance {report.candidate}", tests=str(len(results)),
                       failures=str(len(report.failures())),
                       skipped=str(sum(r.status not in ("pass", "fail") for r in results)),
                       time=f"{report.seconds:.3f}")
    if report.preflight:
        case = ET.SubElement(suite, "testcase", classname="conformance", name="preflight")
        ET.SubElement(case, "failure", message=report.preflight)
        suite.set("tests", str(len(results) + 1))
        suite.set("failures", "1")
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=f"conformance.{r.op}",
                             name=f"{r.check}[{r.type}]", time=f"{r.seconds:.4f}")
        if r.status == "fail":
            failure = ET.SubElement(case, "failure", message=_headline(r))
            failure.text = json.dumps(_clean(r.details), indent=1)
        elif r.status != "pass":
            ET.SubElement(case, "skipped", message=r.status)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _headline(r) -> str:
    d = r.details.get("difference") or {}
    if d:
        extra = f", {d['ulps']} ULPs" if "ulps" in d else ""
        return (f"nx.{r.op} [{r.type}] {r.check}: {d.get('what')} differ at {d.get('path', '')}: "
                f"got {d.get('got')!r}, expected {d.get('expected')!r}{extra}")
    if "failures" in r.details:
        f = r.details["failures"][0]
        return f"nx.{r.op} {r.check}: {f['source']} gave {f['got'][:120]!r}, expected {f['expected'][:120]!r}"
    return f"nx.{r.op} [{r.type}] {r.check}: {r.details.get('reason', r.status)}"


def summary(report, max_failures=20) -> str:
    """The terminal summary: counts per check and status, then the failures with
    their reproduction."""
    if report.preflight:
        return report.preflight
    checks = sorted({r.check for r in report.results}, key=[r.check for r in report.results].index)
    statuses = [s for s in STATUS_ORDER if any(r.status == s for r in report.results)]
    rows = [["check"] + statuses]
    for c in checks:
        rows.append([c] + [str(sum(r.check == c and r.status == s for r in report.results))
                           for s in statuses])
    rows.append(["total"] + [str(sum(r.status == s for r in report.results)) for s in statuses])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    failures = report.failures()
    if failures:
        lines.append("")
        lines.append(f"{len(failures)} failing cells:")
        for r in failures[:max_failures]:
            lines.append("  " + _headline(r))
        if len(failures) > max_failures:
            lines.append(f"  ... and {len(failures) - max_failures} more (see the JSON report)")
        first = next((r for r in failures if "reproduction" in r.details), None)
        if first is not None:
            lines += ["", f"reproduction of nx.{first.op} [{first.type}] {first.check}:",
                      first.details["reproduction"]]
    lines.append("")
    lines.append(f"{report.candidate} vs {report.reference}, tier {report.tier}, "
                 f"{report.max_examples} examples per cell, seed {report.seed}: "
                 f"{'FAILED' if report.failed else 'passed'} in {report.seconds:.1f} s")
    return "\n".join(lines)


_CSS = """body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #ddd;padding:2px 4px;text-align:center}th{background:#f4f4f4}
td.op{text-align:left;font-family:monospace}span.c{display:inline-block;width:9px;height:9px;margin:0 1px}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:12px}.legend span{margin-right:1em}"""


def write_html(report, path):
    """A self-contained page: the op x type matrix (one square per check, coloured
    by status, the check and status in its tooltip), then every failure."""
    types_ = []
    for r in report.results:
        if r.type not in types_:
            types_.append(r.type)
    cells = {}
    for r in report.results:
        cells.setdefault((r.op, r.type), []).append(r)
    ops = list(dict.fromkeys(r.op for r in report.results))
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'>",
           f"<title>Conformance: {html.escape(report.candidate)}</title><style>{_CSS}</style></head><body>",
           f"<h1>Conformance of {html.escape(report.candidate)}</h1>",
           f"<p>Against {html.escape(report.reference)}, tier {report.tier}, {report.max_examples} examples "
           f"per cell, seed {report.seed}, {report.seconds:.1f} s: <b>{'FAILED' if report.failed else 'passed'}</b>. "
           f"Counts: {html.escape(json.dumps(report.counts()))}</p>"]
    if report.preflight:
        out.append(f"<p><b>{html.escape(report.preflight)}</b></p>")
    out.append("<p class='legend'>" + "".join(
        f"<span><span class='c' style='background:{c}'></span> {s}</span>" for s, c in _COLOURS.items()) + "</p>")
    out.append("<table><tr><th>op</th>" + "".join(f"<th>{html.escape(t)}</th>" for t in types_) + "</tr>")
    for op in ops:
        row = [f"<tr><td class='op'>{html.escape(op)}</td>"]
        for t in types_:
            squares = "".join(
                f"<span class='c' style='background:{_COLOURS.get(r.status, '#000')}' "
                f"title='{html.escape(r.check)}: {html.escape(r.status)}'></span>"
                for r in cells.get((op, t), []))
            row.append(f"<td>{squares}</td>")
        out.append("".join(row) + "</tr>")
    out.append("</table>")
    failures = report.failures()
    if failures:
        out.append(f"<h2>{len(failures)} failures</h2>")
        for r in failures:
            out.append(f"<h3>{html.escape(_headline(r))}</h3>")
            out.append(f"<pre>{html.escape(json.dumps(_clean(r.details), indent=1))}</pre>")
    out.append("</body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
