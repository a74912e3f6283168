"""DLPack exchange with numpy and with any producer: values, zero-copy, read-only, errors."""

import sys

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import nx_ref as nx
from nx_ref.dlpack import DLPackError
from spec.errors import ArgumentError, TypeError_

EXPORTABLE = ["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f16", "f32", "f64",
              "c64", "c128"]
NOT_EXPORTABLE = ["bf16", "f8", "f8_e4m3fn", "s2", "s4", "u2", "u4"]


def address(array) -> int:
    return array.__array_interface__["data"][0]


class Producer:
    """Any DLPack producer: only the two protocol methods."""

    def __init__(self, array, device=(1, 0), legacy=False):
        self.array, self.device, self.legacy = array, device, legacy

    def __dlpack__(self, **kwargs):
        if self.legacy:
            return self.array.__dlpack__()
        return self.array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.device


@st.composite
def arrays(draw):
    dtype = np.dtype(nx.to_numpy(nx.tensor(0, type=draw(st.sampled_from(EXPORTABLE)))).dtype)
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    return draw(hnp.arrays(dtype, shape))


@given(arrays())
def test_numpy_reads_tensors_without_copying(array):
    t = nx.from_numpy(array)
    out = np.from_dlpack(t)
    assert out.dtype == array.dtype and out.shape == array.shape
    assert out.tobytes() == array.tobytes()
    assert not out.flags.writeable
    if array.size:
        assert address(out) == address(nx.to_numpy(t))      # the tensor's own storage


@given(arrays(), st.sampled_from([None, True]))
def test_tensors_read_any_producer(array, copy):
    t = nx.from_dlpack(Producer(array), copy=copy)
    assert nx.to_numpy(t).dtype == array.dtype and t.shape == array.shape
    assert t.to_binary() == np.ascontiguousarray(array).tobytes()


def test_import_copies_writable_memory_by_default():
    a = np.arange(4, dtype=np.int32)
    t = nx.from_dlpack(a)
    a[0] = 99
    assert t.to_list() == [0, 1, 2, 3]
    assert address(nx.to_numpy(t)) != address(a)


def test_import_shares_read_only_memory_and_on_request():
    a = np.arange(4, dtype=np.float32)
    a.flags.writeable = False
    assert address(nx.to_numpy(nx.from_dlpack(a))) == address(a)
    assert address(nx.to_numpy(nx.from_dlpack(a, copy=True))) != address(a)
    b = np.arange(4, dtype=np.float32)
    shared = nx.from_dlpack(b, copy=False)
    assert address(nx.to_numpy(shared)) == address(b)
    assert nx.add(shared, 1).to_list() == [1.0, 2.0, 3.0, 4.0]


def test_round_trip_through_numpy_shares_memory_both_ways():
    t = nx.iota((2, 3), type="f64", names=["x", "y"])
    back = nx.from_dlpack(np.from_dlpack(t), names=["x", "y"])  # read-only: shared again
    assert address(nx.to_numpy(back)) == address(nx.to_numpy(t))
    assert back.names == ("x", "y") and back.to_list() == t.to_list()


def test_bool_and_scalar_and_empty_imports():
    assert nx.from_dlpack(np.array([True, False])).to_list() == [1, 0]
    assert str(nx.from_dlpack(np.array([True])).type) == "u8"
    assert nx.from_dlpack(np.array(2.5)).to_number() == 2.5
    empty = np.zeros((0, 3), dtype=np.int16)
    empty.flags.writeable = False
    assert nx.from_dlpack(empty, copy=False).shape == (0, 3)


def test_non_contiguous_imports():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)[:, ::2]
    assert nx.from_dlpack(a).to_list() == a.tolist()
    with pytest.raises(ArgumentError, match="copy=False needs C-contiguous"):
        nx.from_dlpack(a, copy=False)


def test_import_onto_another_backend():
    class Mine(nx.ReferenceBackend):
        pass
    assert isinstance(nx.from_dlpack(np.arange(2), backend=Mine).backend, Mine)


def test_legacy_consumers_get_a_copy():
    t = nx.tensor([1, 2, 3], type="s16")
    out = np.from_dlpack(Producer(t, legacy=True))
    assert out.tolist() == [1, 2, 3]
    assert address(out) != address(nx.to_numpy(t))
    with pytest.raises(BufferError, match="pre-1.0 DLPack capsule"):
        t.__dlpack__(copy=False)
    assert np.from_dlpack(t, copy=True).flags.writeable


def test_device_and_stream():
    t = nx.tensor([1.0])
    assert t.__dlpack_device__() == (1, 0)
    with pytest.raises(BufferError, match="cannot export to device"):
        t.__dlpack__(max_version=(1, 0), dl_device=(2, 0))
    with pytest.raises(ArgumentError, match="stream must be None"):
        t.__dlpack__(stream=1)
    with pytest.raises(DLPackError, match=r"only CPU memory .* device \(2, 0\)"):
        nx.from_dlpack(Producer(np.arange(2), device=(2, 0)))


@pytest.mark.parametrize("type_name", NOT_EXPORTABLE)
def test_types_without_a_dlpack_dtype_are_refused(type_name):
    t = nx.tensor([1, 0], type=type_name)
    with pytest.raises(DLPackError, match=f"{type_name} tensors cannot be exported"):
        np.from_dlpack(t)
    assert issubclass(DLPackError, BufferError) and issubclass(DLPackError, TypeError_)


def test_bad_arguments():
    with pytest.raises(TypeError_, match="expects an object with a __dlpack__ method"):
        nx.from_dlpack([1, 2])
    with pytest.raises(ArgumentError, match="copy must be None, True or False"):
        nx.from_dlpack(np.arange(2), copy="yes")
    with pytest.raises(DLPackError, match="template tensor has no data"):
        nx.template((2,), "f32").__dlpack__(max_version=(1, 0))
    t = nx.tensor([1])
    assert nx.from_dlpack(t) is t


def test_a_clear_error_without_numpy(monkeypatch):
    t = nx.tensor([1])
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(ArgumentError, match="needs numpy"):
        t.__dlpack__(max_version=(1, 0))
    with pytest.raises(ArgumentError, match="needs numpy"):
        nx.from_dlpack(Producer(None))
