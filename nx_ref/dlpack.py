"""DLPack exchange: ``Tensor.__dlpack__``, ``Tensor.__dlpack_device__`` and
``nx.from_dlpack`` (our analogue of Nx's ``to_pointer`` and ``from_pointer``).

Both directions go through numpy's buffer and DLPack support (numpy is optional;
without it these functions raise a clear error), so tensors exchange with
numpy (``np.from_dlpack(t)``) and with any DLPack producer or consumer on the
CPU.

Exporting shares the reference backend's storage without copying. The
capsule is marked read-only, as a tensor never changes (DLPack 1.0; numpy's
``np.from_dlpack`` then returns a read-only array). A consumer asking for a
pre-1.0 capsule, which cannot say "read-only", gets a copy instead
(``copy=False`` then raises). bf16, f8, f8_e4m3fn and the 2- and 4-bit
integer types are not exported (numpy has no such DLPack dtypes).

Importing copies by default, unless the producer's memory is itself
read-only: a tensor must never change, and a writable producer could change
shared memory. ``copy=False`` shares the producer's memory whenever the
layout allows (C-contiguous, onto the reference backend) and makes the caller
responsible for never writing to it while the tensor lives; ``copy=True``
always copies.

>>> import numpy as np
>>> import nx_ref as nx
>>> a = np.from_dlpack(nx.tensor([[1, 2], [3, 4]], type="s16"))
>>> a, a.flags.writeable
(array([[1, 2],
       [3, 4]], dtype=int16), False)
>>> nx.from_dlpack(np.arange(3.0))
#Nx.Tensor<
  f64[3]
  [0.0, 1.0, 2.0]
>
"""

from __future__ import annotations

from spec.errors import ArgumentError, TypeError_

__all__ = ["from_dlpack", "dlpack", "dlpack_device", "DLPackError", "CPU"]

CPU = 1            # DLPack's kDLCPU device type
_EXPORTABLE = {"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
               "f16", "f32", "f64", "c64", "c128"}


class DLPackError(TypeError_, BufferError):
    """An exchange DLPack cannot do (a ``BufferError``, as the protocol asks)."""


def _numpy(what):
    try:
        import numpy
    except ImportError:
        raise ArgumentError(f"{what} needs numpy (pip install numpy): nx-ref exchanges DLPack "
                            f"capsules through numpy's support for them") from None
    return numpy


def dlpack_device(tensor):
    """``(device type, device id)`` of a tensor's memory: ``(1, 0)``, the CPU.

    >>> import nx_ref as nx
    >>> nx.tensor([1.0]).__dlpack_device__()
    (1, 0)
    """
    return (CPU, 0)


def dlpack(tensor, *, stream=None, max_version=None, dl_device=None, copy=None):
    """A DLPack capsule of the tensor's data (see :mod:`nx_ref.dlpack`);
    the ``__dlpack__`` protocol method of :class:`~nx_ref.tensor.Tensor`."""
    if stream is not None:
        raise ArgumentError(f"Tensor.__dlpack__: stream must be None for CPU memory, got: "
                            f"{stream!r:.40}")
    if dl_device is not None and tuple(dl_device) != (CPU, 0):
        raise DLPackError(f"Tensor.__dlpack__: nx-ref tensors live in CPU memory (1, 0), "
                          f"cannot export to device {tuple(dl_device)}")
    if tensor.type.name not in _EXPORTABLE:
        raise DLPackError(f"Tensor.__dlpack__: {tensor.type} tensors cannot be exported through "
                          f"DLPack (numpy has no such dtype there); convert them with "
                          f"nx.as_type first")
    if tensor.data is None:
        raise DLPackError("Tensor.__dlpack__: a template tensor has no data to export")
    _numpy("Tensor.__dlpack__")
    from nx_ref import interop
    array = interop.to_numpy(tensor)         # read-only, sharing the tensor's storage
    if max_version is None or tuple(max_version)[0] < 1:
        if copy is False:
            raise DLPackError("Tensor.__dlpack__: a pre-1.0 DLPack capsule cannot mark the "
                              "tensor's memory read-only, so it can only be exported as a copy "
                              "(copy=False was given)")
        return array.copy().__dlpack__()
    if copy:
        array = array.copy()
    try:
        return array.__dlpack__(max_version=tuple(max_version))
    except TypeError:                        # numpy before 2.1: no versioned capsules
        if copy is False:
            raise DLPackError("Tensor.__dlpack__: this numpy cannot export read-only memory; "
                              "export with copy=None or copy=True") from None
        return array.copy().__dlpack__()


def from_dlpack(obj, *, names=None, backend=None, copy=None):
    """A tensor holding the data of any DLPack producer (an object with
    ``__dlpack__`` and ``__dlpack_device__``: a numpy array, a tensor of
    another library) on the CPU. ``copy`` is the Array API's: ``None`` copies
    unless the producer's memory is read-only, ``True`` always copies, ``False``
    never does (see :mod:`nx_ref.dlpack`); ``names`` names the axes.

    >>> import numpy as np
    >>> import nx_ref as nx
    >>> nx.from_dlpack(np.ones((2, 2), dtype=np.uint8), names=["x", "y"])
    #Nx.Tensor<
      u8[x: 2][y: 2]
      [
        [1, 1],
        [1, 1]
      ]
    >
    >>> nx.from_dlpack([1, 2])
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.from_dlpack expects an object with a __dlpack__ method (a DLPack producer), got list: [1, 2]
    """
    from nx_ref.tensor import Tensor
    if isinstance(obj, Tensor) and names is None and backend is None:
        return obj
    if not hasattr(obj, "__dlpack__"):
        raise TypeError_(f"nx.from_dlpack expects an object with a __dlpack__ method (a DLPack "
                         f"producer), got {obj.__class__.__name__}: {obj!r:.60}")
    if copy not in (None, True, False):
        raise ArgumentError(f"nx.from_dlpack: copy must be None, True or False, got: {copy!r:.40}")
    device = obj.__dlpack_device__() if hasattr(obj, "__dlpack_device__") else (CPU, 0)
    if tuple(device)[0] != CPU:
        raise DLPackError(f"nx.from_dlpack: only CPU memory (device type 1) can be imported, "
                          f"the producer's memory is on device {tuple(device)}")
    np = _numpy("nx.from_dlpack")
    try:
        array = np.from_dlpack(obj)
    except (BufferError, RuntimeError, TypeError, ValueError) as e:
        raise DLPackError(f"nx.from_dlpack: the producer's data cannot be imported ({e})") from None
    if copy is True or (copy is None and array.flags.writeable):
        from nx_ref import interop
        return interop.from_numpy(array, names=names, backend=backend)
    return _share(array, names, backend)


def _share(array, names, backend):
    """A reference tensor over the array's own memory (no copy)."""
    from spec.names import validate_names
    from spec.registry import TensorSpec
    from nx_ref import backend as _backend, interop
    from nx_ref.reference.creation import CreationMixin
    from nx_ref.reference.storage import Buffer
    target = _backend.default_backend() if backend is None else _backend._as_backend(backend)
    type_ = interop.nx_type(array.dtype)
    if not isinstance(target, CreationMixin):
        raise ArgumentError(f"nx.from_dlpack: copy=False shares memory only with the reference "
                            f"backend, not {target!r}")
    if not array.flags.c_contiguous or array.dtype != array.dtype.newbyteorder("<") \
            or type_.bits < 8:
        raise ArgumentError(f"nx.from_dlpack: copy=False needs C-contiguous, little-endian data "
                            f"of 8 bits or more, got {array.dtype.str} with strides "
                            f"{array.strides}")
    out = TensorSpec(type_, tuple(array.shape), validate_names(names, array.ndim))
    memory = memoryview(array).cast("B") if array.size else b""
    return target.from_binary(out, Buffer(type_, memory, array.size))
