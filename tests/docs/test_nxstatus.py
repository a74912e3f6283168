"""Status rows come from the JSON reports; a missing report reads "not run"."""

import json

import nxstatus


def test_load_reports_reads_json_and_reasons(tmp_path):
    (tmp_path / "reference.json").write_text(json.dumps({"matrix": {"add": {"f32": {"values": "pass"}}}}))
    (tmp_path / "c.error.txt").write_text("timed out after 5 s\n")
    reports = nxstatus.load_reports(tmp_path)
    assert nxstatus.op_status(reports["reference"], "add") == "pass (1 checks)"
    assert nxstatus.op_status(reports["C"], "add") == "not run (timed out after 5 s)"
    assert reports["OpenCL (PoCL)"] == "not run"


def test_status_mixing_unsupported_cells():
    report = {"matrix": {"fft": {"s8": {"values": "unsupported"}, "f32": {"values": "pass"}}}}
    assert nxstatus.op_status(report, "fft") == "pass (1 checks, 1 unsupported)"
    only = {"matrix": {"fft": {"s8": {"values": "unsupported"}}}}
    assert nxstatus.op_status(only, "fft") == "1 unsupported"


def test_run_suite_writes_a_report_or_a_reason(tmp_path):
    backends = (("reference", "reference", "nx_ref:ReferenceBackend", {"types": "s8"}),
                ("bad", "bad", "no_such_module:X", {}))
    # a tiny run: one op, one type, through the real CLI
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    orig = nxstatus._run
    nxstatus._run = lambda cmd, root, timeout: orig(cmd + ["--ops", "negate"], root, timeout)
    try:
        nxstatus.run_suite(tmp_path, root, log=lambda m: None, timeout=120, backends=backends)
    finally:
        nxstatus._run = orig
    reports = nxstatus.load_reports(tmp_path, backends)
    assert nxstatus.op_status(reports["reference"], "negate").startswith("pass")
    assert "(nx_ref:ReferenceBackend, smoke tier; s8)" in nxstatus.status_table(reports, "negate")
    assert nxstatus.op_status(reports["bad"], "negate").startswith("not run (exit status 2")
    assert sys.executable


def test_a_run_past_its_time_is_killed_with_its_workers(tmp_path):
    import sys
    import time
    start = time.monotonic()
    code = "import os, time; os.fork(); time.sleep(60)"
    assert nxstatus._run([sys.executable, "-c", code], tmp_path, 1) == (None, "")
    assert time.monotonic() - start < 30


def test_codegen_backends_are_checked_on_their_kernel_families():
    from spec import registry
    label, stem, candidate, selection = nxstatus.BACKENDS[1]
    args = nxstatus.selection_args(selection)
    ops = args[args.index("--ops") + 1].split(",")
    assert "exp" in ops and "sum" in ops and "reshape" not in ops
    assert all(registry.get(n).family in ("elementwise", "reduction") for n in ops)


def test_a_failed_preflight_is_shown():
    report = {"candidate": "m:B", "tier": "smoke", "seconds": 0.1, "matrix": {},
              "preflight": "preflight: nx.to_binary failed"}
    assert nxstatus.op_status(report, "add").startswith("not run: the preflight failed")
    assert nxstatus.summary_rows({"B": report})[0][2] == "preflight: nx.to_binary failed"
