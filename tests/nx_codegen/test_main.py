"""``python -m nx_codegen``: the coverage report and the device list."""

from nx_codegen.__main__ import main


def test_coverage_lists_every_op_with_host_fallbacks_first(capsys):
    from spec import registry
    assert main(["coverage"]) == 0
    rows = [line.split(" | ") for line in capsys.readouterr().out.splitlines()[2:]]
    assert {r[0].strip("| ") for r in rows} == set(registry.all_ops())
    hows = [r[1] for r in rows]
    assert hows.index("host") == 0 and "host" not in hows[hows.index("composite"):]
    assert {r[0].strip("| ") for r in rows if r[1] == "host"} <= {
        "cholesky", "eigh", "fft", "ifft", "lu", "qr", "svd", "triangular_solve"}


def test_devices_lists_pocl(capsys):
    assert main(["devices"]) == 0
    assert "| pocl:0 |" in capsys.readouterr().out
