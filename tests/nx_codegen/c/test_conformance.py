"""The conformance suite (generated from the registry, so a new op is covered
automatically) on nx_codegen.CBackend and the nx_codegen.C compiler: every op,
its special cases, promotion, names, shapes, errors and doctest examples, in a
few types of each kind (the full smoke tier over eleven types runs with
``python -m conformance nx_codegen:CBackend --tier smoke``)."""

import pytest

import nx_codegen
from conformance.load import load
from conformance.run import run


@pytest.mark.parametrize("types", [["f32", "s8"], ["u4", "bf16", "c64"]])
def test_the_c_backend_conforms(types):
    report = run(nx_codegen.CBackend(), types=types, tier="smoke", max_examples=1, seed=1)
    assert not report.failed, [(r.op, r.type, r.check, r.details) for r in report.failures()]
    assert {r.op for r in report.results} >= {"exp", "conv", "sort", "window_reduce", "fft"}


def test_the_c_compiler_conforms_on_element_wise_ops_and_reductions():
    ops = ["add", "divide", "exp", "max", "sum", "reduce_max", "select", "as_type", "reduce",
           "cumulative_sum", "dot"]
    report = run(load(nx_codegen.C()), ops=ops, types=["f32", "s32", "c64"], tier="smoke",
                 max_examples=1, seed=2)
    assert not report.failed, [(r.op, r.type, r.check, r.details) for r in report.failures()]
