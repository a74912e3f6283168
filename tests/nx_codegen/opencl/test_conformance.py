"""The conformance suite (generated from the registry) on
nx_codegen.OpenCLBackend and the nx_codegen.OpenCL compiler, on PoCL: values,
special cases, promotion, names, shapes, errors and doctest examples of a
sample of ops from every family with device kernels, in the smoke-tier types
the device runs, and the composite programs (softmax, a fused chain, while,
cond, the MLP step, hooks) through the compiler. Time-bounded: the whole
catalog over every type runs with ``python -m conformance
nx_codegen:OpenCLBackend --tier smoke``."""

import pytest

import nx_codegen
import nx_ref as nx
from conformance.compilers import PROGRAMS
from conformance.load import load
from conformance.run import SMOKE_TYPES, run
from nx_codegen.opencl.compiler import device_types
from tests.nx_codegen.opencl import DEVICE

B = nx_codegen.OpenCLBackend(device=DEVICE)
POCL = nx_codegen.OpenCL(device=DEVICE)

# one or two ops of each family the device computes: element-wise (with the
# prelude's conversions), creation, reductions, scans, contraction, indexing,
# sorting and windows; and one op that only the host fallback runs
SAMPLE = ["exp", "divide", "select", "as_type", "linspace", "sum", "argmax", "cumulative_sum",
          "dot", "slice", "gather", "indexed_add", "sort", "window_sum", "triangular_solve"]

# Doctest examples print f64 values exactly; PoCL's f64 libm is within the
# spec's tolerance (1 ULP here, 2-4 allowed) but not always correctly rounded:
# the examples of these ops print a different last digit (the values check,
# which applies the tolerances, passes them).
LAST_DIGIT = [(op, "-", "examples") for op in ("exp", "expm1", "log1p", "cbrt", "erfc", "sin",
                                               "tan", "acos", "atan", "sinh", "atanh")]


def _device_types(*wanted):
    supported = set(device_types(B.device))
    return [t for t in wanted if t in supported and t in SMOKE_TYPES]


def _failures(report):
    return [(r.op, r.type, r.check, r.details) for r in report.failures()]


@pytest.mark.parametrize("types", [("f32", "s32"), ("f64", "bf16", "u8")])
def test_the_opencl_backend_conforms(types):
    report = run(B, ops=SAMPLE, types=_device_types(*types), tier="smoke", max_examples=1,
                 seed=1, expectations=LAST_DIGIT)
    assert not report.failed, _failures(report)
    assert {r.op for r in report.results if r.status == "pass"} == set(SAMPLE)


def test_the_opencl_compiler_conforms_and_runs_the_programs():
    ops = sorted({p.op for p in PROGRAMS.values()} | {"linspace", "sum", "sort"})
    report = run(load(POCL), ops=ops, types=_device_types("f32", "s32"), tier="smoke",
                 max_examples=1, seed=2, expectations=LAST_DIGIT)
    assert not report.failed, _failures(report)
    programs = {r.details["program"] for r in report.results if r.check == "programs"
                and r.status == "pass"}
    assert programs == set(PROGRAMS)


def test_linspace_from_the_smallest_s32_builds_and_matches_the_reference():
    """Found by the conformance suite: the float-to-integer conversion of a
    kernel without small types or dedicated kernels called a prelude function
    the program did not include."""
    for x0, x1, n in [(-2147483648, 5, 2), (5, -2147483648, 3), (2147483647, -2147483648, 3)]:
        want = nx.linspace(nx.tensor(x0), nx.tensor(x1), n=n, type="s32", endpoint=False)
        a, b = nx.tensor(x0, backend=B), nx.tensor(x1, backend=B)
        assert nx.linspace(a, b, n=n, type="s32", endpoint=False).to_list() == want.to_list()
        f = nx.jit(lambda a, b, n=n: nx.linspace(a, b, n=n, type="s32", endpoint=False), compiler=POCL)
        assert f(nx.tensor(x0), nx.tensor(x1)).to_list() == want.to_list()


def test_the_command_line_runs_on_the_first_device(capsys):
    from conformance.__main__ import main
    assert main(["nx_codegen:OpenCLBackend", "--ops", "negate", "--types", "s8", "--tier", "smoke",
                 "--quiet"]) == 0
