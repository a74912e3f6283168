"""spec/COVERAGE.md cannot drift: the data in spec/coverage.py agrees with nx_ref,
and the file is exactly what ``python -m spec.coverage`` writes."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import nx_ref
from spec import coverage

ROOT = Path(__file__).resolve().parents[2]


def namespace(module):
    """The nx_ref object mirroring an Nx module, or None when it does not exist yet."""
    if module.namespace == "nx":
        return nx_ref
    attr = module.namespace.split(".", 1)[1]
    if hasattr(nx_ref, attr):
        return getattr(nx_ref, attr)
    try:
        return importlib.import_module(f"nx_ref.{attr}")
    except ImportError:
        return None


def exported(obj):
    return list(getattr(obj, "__all__", None) or [n for n in dir(obj) if not n.startswith("_")])


@pytest.mark.parametrize("module", coverage.MODULES, ids=lambda m: m.name)
def test_implemented_functions_exist(module):
    ns = namespace(module)
    missing = [name for _, name, status in coverage.entries(module)
               if status == coverage.IMPLEMENTED
               and not callable(getattr(ns, coverage.python_name(name), None))]
    assert missing == [], (f"marked implemented in spec/coverage.py but not found in "
                           f"{module.namespace}: {missing}")


@pytest.mark.parametrize("module", coverage.MODULES, ids=lambda m: m.name)
def test_exported_nx_functions_are_marked_implemented(module):
    ns = namespace(module)
    if ns is None:
        return
    status = {coverage.python_name(name): s for _, name, s in coverage.entries(module)}
    unmarked = [name for name in exported(ns) if status.get(name, coverage.IMPLEMENTED)
                != coverage.IMPLEMENTED]
    assert unmarked == [], (f"{module.namespace} exports these Nx functions, which "
                            f"spec/coverage.py still lists as left out: {unmarked}; mark them "
                            f"implemented and run `python -m spec.coverage`")


def test_the_data_is_well_formed():
    for module in coverage.MODULES:
        names = [name for _, name, _ in coverage.entries(module)]
        assert len(names) == len(set(names)), f"{module.name} lists a function twice"
        for _, name, status in coverage.entries(module):
            assert isinstance(status, str) and status.strip(), name
    # every public function of Nx 0.13's main module: 168 defined one by one (the sigils
    # ~MAT and ~VEC included, @doc false ones excluded), 19 type short-hands, 22 unary math
    # functions besides log, and floor, ceil and round
    assert len(coverage.entries(coverage.NX)) == 168 + 19 + 22 + 3


def test_the_issue_3_conversion_family_is_implemented():
    status = {name: s for _, name, s in coverage.entries(coverage.NX)}
    for name in ("serialize", "deserialize", "load_numpy!", "load_numpy_archive!", "to_batched",
                 "to_heatmap", "to_template", "to_flat_list", "to_number", "to_tensor"):
        assert status[name] == coverage.IMPLEMENTED


def test_coverage_md_is_generated():
    text = (ROOT / "spec" / "COVERAGE.md").read_text(encoding="utf-8")
    assert text == coverage.render(), "spec/COVERAGE.md is stale: run `python -m spec.coverage`"


def test_the_command_prints_the_same_text():
    out = subprocess.run([sys.executable, "-m", "spec.coverage", "--stdout"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert out == coverage.render()
    assert "| `Nx.load_numpy!` | `nx.load_numpy` | implemented |" in out
