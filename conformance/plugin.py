"""The pytest plugin, for backend authors' own CI::

    pytest --nx-backend=MODULE:OBJECT --pyargs conformance

(registered as a ``pytest11`` entry point by nx-ref's installation; where it is
not installed, add ``-p conformance.plugin``)

collects one test item per op x check of the registry (``conformance/<op>::<check>``),
each running every cell type of that check and failing with the failing cells,
their minimal inputs and reproductions. Cells all unsupported (manifest,
NotImplementedError), not generated or expected failures are skipped. The
preflight runs first and stops the session with one message. Options:
``--nx-tier``, ``--nx-ops``, ``--nx-types``, ``--nx-checks``, ``--nx-max-examples``,
``--nx-seed``, ``--nx-expectations``, ``--nx-against``. Without ``--nx-backend``
the plugin does nothing.
"""

from __future__ import annotations

import json
import os

import pytest

from conformance import cases, manifest
from conformance.load import load
from conformance.run import TIERS, check_op, select_ops

__all__ = ["pytest_addoption", "pytest_configure", "pytest_collect_file", "ConformanceItem"]


def _list(text):
    return [x for x in (text or "").split(",") if x] or None


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "Nx backend conformance")
    group.addoption("--nx-backend", default=None, help="MODULE:OBJECT of the backend or compiler to check")
    group.addoption("--nx-against", default=None, help="MODULE:OBJECT to compare with (default: the reference)")
    group.addoption("--nx-tier", default="standard", choices=list(TIERS))
    group.addoption("--nx-ops", default=None, help="comma-separated op names")
    group.addoption("--nx-types", default=None, help="comma-separated type names")
    group.addoption("--nx-checks", default=None, help="comma-separated check kinds")
    group.addoption("--nx-max-examples", type=int, default=None)
    group.addoption("--nx-seed", type=int, default=0)
    group.addoption("--nx-expectations", default=None, help="known failures file")


class _State:
    ctx = None
    kinds = None
    expectations = ()


def pytest_configure(config):
    target = config.getoption("--nx-backend")
    if not target:
        return
    candidate = load(target)
    message = manifest.preflight(candidate, _list(config.getoption("--nx-types")))
    if message is not None:
        pytest.exit(message, returncode=2)
    against = config.getoption("--nx-against")
    reference = load(against) if against else None
    if reference is None:
        from nx_ref.reference import ReferenceBackend
        reference = ReferenceBackend()
    tier = config.getoption("--nx-tier")
    n = config.getoption("--nx-max-examples") or TIERS[tier]
    types = _list(config.getoption("--nx-types"))
    _State.ctx = cases.Context(candidate, reference, n, config.getoption("--nx-seed"),
                               tuple(types) if types else None, tier, target)
    _State.kinds = [cases.CHECKS[c] for c in (_list(config.getoption("--nx-checks")) or cases.CHECKS)]
    path = config.getoption("--nx-expectations")
    _State.expectations = manifest.load_expectations(path) if path else ()
    config._nx_ops = _list(config.getoption("--nx-ops"))


def pytest_collect_file(file_path, parent):
    if _State.ctx is None or os.path.basename(str(file_path)) != "__init__.py":
        return None
    if os.path.dirname(os.path.abspath(str(file_path))) != os.path.dirname(os.path.abspath(__file__)):
        return None
    return ConformanceFile.from_parent(parent, path=file_path)


class ConformanceFile(pytest.File):
    """The conformance package, seen as a file of generated items."""

    def collect(self):
        for op in select_ops(self.config._nx_ops):
            for kind in _State.kinds:
                yield ConformanceItem.from_parent(self, name=f"{op.name}::{kind.name}",
                                                  op=op, kind=kind)


class ConformanceFailure(Exception):
    pass


class ConformanceItem(pytest.Item):
    """All cell types of one check for one op."""

    def __init__(self, *, op, kind, **kwargs):
        super().__init__(**kwargs)
        self.op, self.kind = op, kind

    def runtest(self):
        results = [manifest.apply_expectations(r, _State.expectations)
                   for r in check_op(_State.ctx, [self.kind], self.op)]
        failures = [r for r in results if r.status == "fail"]
        if failures:
            raise ConformanceFailure(failures)
        if not any(r.status in ("pass", "unexpected pass") for r in results):
            statuses = sorted({r.status for r in results}) or ["no cells"]
            pytest.skip(", ".join(statuses))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ConformanceFailure):
            lines = []
            for r in excinfo.value.args[0]:
                lines.append(f"nx.{r.op} [{r.type}] {r.check}:")
                lines.append(json.dumps({k: v for k, v in r.details.items() if k != "reproduction"},
                                        indent=1, default=str))
                if "reproduction" in r.details:
                    lines += ["reproduction:", r.details["reproduction"], ""]
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"conformance {self.op.name}::{self.kind.name}"
