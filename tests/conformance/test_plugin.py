"""The pytest plugin: one item per op x check, failures with their reproduction."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _pytest(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "conformance.plugin", "-p", "no:cacheprovider",
                           "-q", "--pyargs", "conformance", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_plugin_flags_the_planted_bug_and_passes_the_rest(tmp_path):
    done = _pytest(tmp_path, "--nx-backend=tests.conformance.planted:SaturatingAdd", "--nx-ops=add,negate",
                   "--nx-types=s8", "--nx-max-examples=10", "--nx-checks=values,special,errors")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED __init__.py::add::values" in done.stdout
    assert "out = nx.add(x0, " in done.stdout          # the reproduction is printed
    assert "1 failed, 3 passed, 2 skipped" in done.stdout   # special: no special case of add is integer


def test_plugin_stops_at_the_preflight(tmp_path):
    done = _pytest(tmp_path, "--nx-backend=tests.conformance.planted:NoFromBinary")
    assert done.returncode == 2
    assert "preflight" in done.stdout + done.stderr
