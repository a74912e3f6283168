"""Benchmark tables name the machine and every row of the stored results."""

import json

import nxperf

RESULT = {"schema_version": 1, "created": "2026-01-01", "machine": {"cpu": "Test CPU", "cores": 2},
          "benchmarks": [{"benchmark": "softmax", "title": "softmax", "dtype": "f32", "size": 10,
                          "rounds": 3, "baseline": "numpy",
                          "rows": [{"name": "numpy", "status": "ok", "median": 0.002, "ratio": 1.0, "note": "n"},
                                   {"name": "jax", "status": "skipped", "reason": "not installed"}]}]}


def test_tables_from_results(tmp_path):
    (tmp_path / "softmax.json").write_text(json.dumps(RESULT))
    (tmp_path / "other.json").write_text(json.dumps({"compile": {"cold_ms": 1.5}}))
    results = nxperf.load_results(tmp_path)
    rst = nxperf.benchmarks_rst(results, {("softmax", "softmax"): "/_generated/x.png"})
    assert "cpu: Test CPU; cores: 2" in rst
    assert "2 ms" in rst and "1.00x" in rst and "skipped: not installed" in rst
    assert ".. image:: /_generated/x.png" in rst
    assert "compile.cold_ms" in rst


def test_no_results():
    assert "No benchmark results" in nxperf.benchmarks_rst([])
