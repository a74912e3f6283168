"""Issue 10's first acceptance item, checked from the registry: every op the C
backend computes on the device (fused loops or dedicated kernels) is computed
by OpenCL kernels too, for the same types, with the host fallback kept to the
same documented ops."""

from nx_codegen.c.coverage import report


def test_opencl_runs_what_c_runs():
    c, cl = report("c"), report("opencl")
    assert c.keys() == cl.keys()
    missing = {}
    for op, (how, note) in c.items():
        if how in ("fused", "kernel"):
            got_how, got_note = cl[op]
            if got_how == "host":
                missing[op] = "host"
            elif how == "fused" and note != got_note:
                lost = set(note.split(", ")) - set(got_note.split(", "))
                if lost:
                    missing[op] = sorted(lost)
    assert not missing, missing


def test_the_host_fallback_is_the_documented_one():
    hosts = {op for op, (how, _) in report("opencl").items() if how == "host"}
    assert hosts == {op for op, (how, _) in report("c").items() if how == "host"}
