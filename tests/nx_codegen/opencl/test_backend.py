"""nx_codegen.OpenCLBackend: tensors in device buffers, ops as OpenCL kernels,
transfers only on request; the jit compiler keeps its outputs on the device."""

import numpy as np
import pytest

import nx_ref as nx
import nx_codegen
from spec.errors import ArgumentError
from nx_codegen.opencl.backend import DeviceArray

B = nx_codegen.OpenCLBackend(device="pocl:0")


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
    f = nx.jit(lambda x: nx.exp(x) / nx.sum(nx.exp(x)), compiler=nx_codegen.OpenCL(device="pocl:0"))
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
        nx.jit(lambda x: x + 1, compiler=nx_codegen.OpenCL(device="pocl:0"))(
            nx.Tensor.from_spec(t.spec, stray, B))


def test_unknown_device_is_a_clear_error():
    with pytest.raises(ArgumentError, match="unknown device 'gpu:9'"):
        nx.tensor([1.0], backend=nx_codegen.OpenCLBackend(device="gpu:9"))
