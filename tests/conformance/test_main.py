"""The command line: exit codes, outputs, progress, expectations and arguments."""

import json
import subprocess
import sys

from conformance.__main__ import main


def test_exit_0_when_the_candidate_conforms(capsys):
    assert main(["nx_ref:ReferenceBackend", "--ops", "exp,add", "--types", "f32,s8", "--tier", "smoke"]) == 0
    out, err = capsys.readouterr()
    assert "passed" in out and "values" in out
    assert "[1/2] exp" in err and "[2/2] add" in err   # plain progress lines when not a tty


def test_exit_1_on_a_failure_with_json(tmp_path, capsys):
    path = tmp_path / "r.json"
    code = main(["tests.conformance.planted:SaturatingAdd", "--ops", "add", "--types", "s8",
                 "--max-examples", "10", "--json", str(path), "--quiet"])
    assert code == 1
    data = json.loads(path.read_text())
    assert data["matrix"]["add"]["s8"]["values"] == "fail"


def test_expectations_file_makes_it_pass(tmp_path):
    exp = tmp_path / "known.txt"
    exp.write_text("# saturating on purpose\nadd s8 values\n")
    code = main(["tests.conformance.planted:SaturatingAdd", "--ops", "add", "--types", "s8",
                 "--checks", "values", "--max-examples", "10", "--expectations", str(exp), "--quiet"])
    assert code == 0


def test_exit_2_on_preflight_failure(capsys):
    assert main(["tests.conformance.planted:NoFromBinary", "--ops", "exp"]) == 2
    err = capsys.readouterr().err
    assert err.count("preflight") == 1 and "no memory for you" in err


def test_exit_2_on_bad_arguments(capsys):
    assert main(["nx_ref:NoSuchThing"]) == 2
    assert main(["nx_ref"]) == 2
    assert main(["nx_ref:ReferenceBackend", "--ops", "no_such_op"]) == 2
    assert main(["nx_ref:ReferenceBackend", "--checks", "bogus"]) == 2
    assert "no op named 'no_such_op'" in capsys.readouterr().err


def test_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "conformance", "nx_ref:ReferenceBackend", "--ops", "negate",
                           "--types", "s8", "--tier", "smoke"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "passed" in done.stdout
