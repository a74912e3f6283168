"""nx_codegen.OpenCLBackend: tensors in device buffers, ops as OpenCL kernels,
transfers only on request; the jit compiler keeps its outputs on the device."""

import numpy as np
import pytest

import nx_codegen
import nx_ref as nx
from nx_codegen.opencl.backend import DeviceArray
from spec.errors import ArgumentError
from tests.nx_codegen.opencl import DEVICE

B = nx_codegen.OpenCLBackend(device=DEVICE)


def test_eager_ops_stay_on_the_device():
    t = nx.tensor([[1.0, -2.0], [3.0, 4.0]], backend=B)
    y = nx.sum(nx.exp(t) * 2, axes=[1])
    assert isinstance(y.data, DeviceArray) and y.backend == B
    ref = nx.tensor([[1.0, -2.0], [3.0, 4.0]])
    assert y.to_list() == nx.sum(nx.exp(ref) * 2, axes=[1]).to_list()
    moved = nx.backend_transfer(y, nx.ReferenceBackend)
    assert moved.backend == nx.ReferenceBackend() and moved.to_list() == y.to_list()
    # an op without a kernel (sort) runs on the host fallback and comes back to the device
    s = nx.sort(t, axis=1)
    assert isinstance(s.data, DeviceArray) and s.to_list() == nx.sort(ref, axis=1).to_list()


def test_jit_outputs_are_device_tensors_and_device_inputs_are_used_in_place():
    f = nx.jit(lambda x: nx.exp(x) / nx.sum(nx.exp(x)), compiler=nx_codegen.OpenCL(device=DEVICE))
    x = nx.tensor([0.0, 1.0, 2.0], backend=B)
    y = f(x)
    assert isinstance(y.data, DeviceArray)
    assert f(y).backend == B          # a device output feeds the next call as it is
    np.testing.assert_allclose(y.to_numpy(), np.exp([0, 1, 2]) / np.exp([0, 1, 2]).sum(), rtol=1e-6)


def test_a_tensor_from_another_device_is_refused_before_any_launch():
    class Elsewhere:
        name = "another device"
    t = nx.tensor([1.0, 2.0], backend=B)
    stray = DeviceArray(t.data.buffer, t.data.shape, t.data.dtype, Elsewhere())
    with pytest.raises(ArgumentError, match="another device.*backend_transfer"):
        nx.jit(lambda x: x + 1, compiler=nx_codegen.OpenCL(device=DEVICE))(
            nx.Tensor.from_spec(t.spec, stray, B))


def test_unknown_device_is_a_clear_error():
    with pytest.raises(ArgumentError, match="unknown device 'gpu:9'"):
        nx.tensor([1.0], backend=nx_codegen.OpenCLBackend(device="gpu:9"))


# -- bad input: refused with the device named, before any kernel is launched --------

class _FakeDevice:
    """A device without cl_khr_fp64 (PoCL has it; some GPUs do not)."""
    name = " Tiny GPU "
    extensions = "cl_khr_global_int32_base_atomics cl_khr_byte_addressable_store"


@pytest.fixture
def launches(monkeypatch):
    """The kernels enqueued on any device during the test."""
    import pyopencl
    seen = []
    enqueue = pyopencl.enqueue_nd_range_kernel

    def counting(queue, kernel, *args, **kwargs):
        seen.append(kernel.function_name)
        return enqueue(queue, kernel, *args, **kwargs)
    monkeypatch.setattr(pyopencl, "enqueue_nd_range_kernel", counting)
    return seen


def test_check_types_names_the_device_and_the_type():
    from nx_codegen.opencl.compiler import check_types, device_types
    for t in ("f64", "c128", "f32", "s32"):
        with pytest.raises(ArgumentError, match=rf"device 'Tiny GPU' cannot run type {t}.*cl_khr_fp64"):
            check_types(_FakeDevice(), {t})
    assert device_types(_FakeDevice()) == []
    check_types(_FakeDevice(), set())                                   # nothing to run, no error
    check_types(B.device, {"f64", "f32", "bf16"})                       # PoCL has cl_khr_fp64


def test_a_type_the_device_cannot_run_is_refused_before_any_launch(launches, monkeypatch):
    from nx_codegen.c.backend import CBackend
    cl = nx_codegen.OpenCL(device=DEVICE)
    cl._device = _FakeDevice()
    with pytest.raises(ArgumentError, match="'Tiny GPU' cannot run type f64"):
        nx.jit(lambda x: nx.exp(x) * 2, compiler=cl)(nx.tensor([1.0, 2.0], type="f64"))
    # the eager path: a backend whose device turns out to lack fp64
    b = nx_codegen.OpenCLBackend(device=DEVICE)
    t = nx.tensor([1.0, 2.0], type="f64", backend=b)
    monkeypatch.setattr(CBackend, "_cache", {})       # no executable compiled for PoCL is reused
    b._compiler._device = _FakeDevice()
    with pytest.raises(ArgumentError, match="'Tiny GPU' cannot run type f64"):
        nx.exp(t)
    assert launches == []


def test_a_tensor_from_another_device_is_refused_by_eager_ops_before_any_launch(launches):
    class Elsewhere:
        name = "another device"
    t = nx.tensor([1.0, 2.0], backend=B)
    good = nx.tensor([3.0, 4.0], backend=B)
    stray = nx.Tensor.from_spec(t.spec, DeviceArray(t.data.buffer, t.data.shape, t.data.dtype,
                                                    Elsewhere()), B)
    for call in (lambda: nx.exp(stray), lambda: nx.add(good, stray), lambda: nx.add(stray, good),
                 lambda: nx.sum(stray)):
        with pytest.raises(ArgumentError, match="'another device'.*backend_transfer"):
            call()
    with pytest.raises(ArgumentError, match="on device 'another device', not on this backend's"):
        B.wrap(t.spec, stray.data)
    assert launches == []
    assert (good + t).to_list() == [4.0, 6.0] and launches      # the counter does see launches


def test_unknown_device_is_named_in_transfers_and_compiles():
    t = nx.tensor([1.0, 2.0])
    with pytest.raises(ArgumentError, match=r"unknown device 'pocl:9'; available: .*pocl:0"):
        nx.backend_transfer(t, nx_codegen.OpenCLBackend(device="pocl:9"))
    with pytest.raises(ArgumentError, match=r"unknown device 'pocl:9'"):
        nx.jit(lambda x: x * 2, compiler=nx_codegen.OpenCL(device="pocl:9"))(t)


def test_arguments_unlike_the_compiled_parameters_are_refused_before_any_launch(launches):
    """A compiled program called directly (as the eager backend and jit do)
    with a tensor of another shape or type would read past its buffer."""
    from nx_ref.defn.expr import trace
    run = nx_codegen.OpenCL(device=DEVICE).compile(
        trace(lambda x: x * 3 + 1, [nx.template((4,), "f32")]))
    for args, message in [([nx.tensor([1.0, 2.0], backend=B)], r"argument 0 is f32\[2\].*f32\[4\]"),
                          ([nx.tensor([1, 2, 3, 4])], r"argument 0 is s32\[4\].*f32\[4\]"),
                          ([nx.tensor([1.0, 2, 3, 4], type="f64", backend=B)], r"f64\[4\]"),
                          ([], "takes 1 arguments, got 0")]:
        with pytest.raises(ArgumentError, match=message):
            run(args)
    assert launches == []
    assert run([nx.tensor([1.0, 2.0, 3.0, 4.0], backend=B)])[0].to_list() == [4.0, 7.0, 10.0, 13.0]
