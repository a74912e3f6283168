"""Every op of the registry gets a generated page, and only those."""

from spec import registry

import nxgenerate


def test_every_registry_op_gets_a_page(tmp_path):
    src = tmp_path / "docs"
    (src / "ops").mkdir(parents=True)
    (src / "ops" / "not_an_op.rst").write_text("stale")
    made = nxgenerate.generate_sources(src, {}, plots=False)
    pages = sorted(p.stem for p in (src / "ops").glob("*.rst") if p.stem != "index")
    assert pages == sorted(registry.all_ops()) == made["ops"]
    for page in made["reference"]:
        assert (src / "reference" / f"{page}.rst").read_text().strip()
    assert (src / "_generated" / "benchmarks.inc").exists()


def test_write_if_changed(tmp_path):
    path = tmp_path / "a" / "b.rst"
    assert nxgenerate.write_if_changed(path, "x") is True
    assert nxgenerate.write_if_changed(path, "x") is False
    assert nxgenerate.write_if_changed(path, "y") is True and path.read_text() == "y"


def test_example_backend_description(tmp_path):
    assert "not part of this checkout" in nxgenerate.example_backend_rst(tmp_path / "examples" / "none")
    example = tmp_path / "examples" / "numpy_backend"
    example.mkdir(parents=True)
    (example / "backend.py").write_text('"""A backend on numpy.\n\n>>> 1\n1\n"""\n')
    text = nxgenerate.example_backend_rst(example)
    assert "``examples/numpy_backend/backend.py``: A backend on numpy." in text and ">>>" not in text


def test_benchmarks_are_run_when_none_are_stored(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(nxgenerate.subprocess, "run", lambda cmd, **kw: calls.append(cmd[2:4]))
    assert nxgenerate.benchmark_results(tmp_path, tmp_path / "scratch") == []
    assert calls == [["benchmarks", "softmax"], ["benchmarks", "mlp"]]
    assert nxgenerate.benchmark_results(tmp_path, None) == [] and len(calls) == 2
