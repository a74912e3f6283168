"""``nx_codegen.OpenCLBackend``: an eager backend whose tensors live in OpenCL
device buffers and whose ops run as OpenCL kernels (each op compiled once per
signature and device by :class:`~nx_codegen.opencl.compiler.OpenCL`, with the
host fallback for nodes without a kernel).

Data moves between the host and the device only on request:
``nx.backend_transfer``, ``to_binary``, ``to_list``/``to_numpy`` and printing.

>>> import nx_ref as nx, nx_codegen
>>> b = nx_codegen.OpenCLBackend(device="pocl:0")
>>> t = nx.tensor([1.0, 2.0], backend=b)
>>> type(t.data).__name__, nx.exp(t).backend == b
('DeviceArray', True)
>>> nx.backend_transfer(nx.exp(t) * 2, nx.ReferenceBackend).to_list()
[5.436563491821289, 14.778112411499023]
"""

from __future__ import annotations

import numpy as np

from spec.errors import ArgumentError
from nx_ref.tensor import Tensor
from nx_codegen.c.backend import CBackend

__all__ = ["OpenCLBackend", "DeviceArray"]


class DeviceArray:
    """A device buffer holding a dense row-major array of ``dtype`` and
    ``shape`` on ``device`` (a pyopencl device), created in that device's
    context. ``nbytes == 0`` arrays hold a 1-byte placeholder buffer."""

    __slots__ = ("buffer", "shape", "dtype", "device", "packed", "__weakref__")

    def __init__(self, buffer, shape, dtype, device, packed=None):
        self.buffer, self.shape, self.dtype, self.device = buffer, tuple(shape), np.dtype(dtype), device
        self.packed = packed      # the 2/4-bit type whose packed layout the buffer holds

    @property
    def nbytes(self):
        count = int(np.prod(self.shape, dtype=np.int64))
        if self.packed:
            from nx_codegen.c import packing
            return packing.packed_size(self.packed, count)
        return count * self.dtype.itemsize

    @classmethod
    def empty(cls, shape, dtype, device, packed=None):
        from nx_codegen.opencl.compiler import _cl, _context
        cl = _cl()
        context, _ = _context(device)
        out = cls(None, shape, dtype, device, packed)
        out.buffer = cl.Buffer(context, cl.mem_flags.READ_WRITE, max(out.nbytes, 1))
        return out

    @classmethod
    def upload(cls, array, device, packed=None):
        """A device copy of the numpy ``array`` (one host-to-device transfer);
        with ``packed`` (a 2/4-bit type), the buffer holds it packed."""
        array = np.ascontiguousarray(array)
        if packed:
            from nx_codegen.c import packing
            return cls.from_bytes(packing.pack(array, packed), array.shape, array.dtype, device, packed)
        return cls.from_bytes(array.reshape(-1).view(np.uint8), array.shape, array.dtype, device)

    @classmethod
    def from_bytes(cls, raw, shape, dtype, device, packed=None):
        """A device buffer holding the bytes ``raw`` (a uint8 array already in
        the buffer's layout)."""
        from nx_codegen.opencl.compiler import _cl, _context
        cl = _cl()
        _, queue = _context(device)
        out = cls.empty(shape, dtype, device, packed)
        if out.nbytes:
            cl.enqueue_copy(queue, out.buffer, np.ascontiguousarray(raw).reshape(-1).view(np.uint8))
        return out

    def download(self):
        """The array as numpy (one device-to-host transfer)."""
        from nx_codegen.opencl.compiler import _cl, _context
        cl = _cl()
        _, queue = _context(self.device)
        raw = np.empty(self.nbytes, np.uint8)
        if raw.nbytes:
            cl.enqueue_copy(queue, raw, self.buffer)
        if self.packed:
            from nx_codegen.c import packing
            return packing.unpack(raw, self.packed, self.shape)
        return raw.view(self.dtype).reshape(self.shape)

    def __repr__(self):
        return f"<DeviceArray {self.dtype}{list(self.shape)} on {self.device.name.strip()}>"


class OpenCLBackend(CBackend):
    """Tensors in device buffers, ops as OpenCL kernels (see the module
    docstring). ``device`` is ``"<platform>:<index>"`` (``"pocl:0"``) or None
    for the first GPU, else the first device."""

    priority = 20

    def __init__(self, device=None):
        from nx_codegen.opencl.compiler import OpenCL
        self._compiler = OpenCL(device)
        self.device_name = device

    @property
    def device(self):
        return self._compiler.device

    def __repr__(self):
        return "OpenCLBackend()" if self.device_name is None else \
            f"OpenCLBackend(device={self.device_name!r})"

    def __eq__(self, other):
        return isinstance(other, OpenCLBackend) and other.device_name == self.device_name

    def __hash__(self):
        return hash(("OpenCLBackend", self.device_name))

    # -- data ------------------------------------------------------------------------
    def wrap(self, spec, data):
        """A tensor of this backend holding ``data`` (a DeviceArray of this
        device, or a numpy array, uploaded)."""
        if isinstance(data, DeviceArray):
            if data.device != self.device:
                raise ArgumentError(f"nx_codegen.OpenCLBackend: the data is on device "
                                    f"{data.device.name.strip()!r}, not on this backend's "
                                    f"{self.device.name.strip()!r}")
        else:
            from nx_codegen.c import packing
            t = str(spec.type)
            data = DeviceArray.upload(np.asarray(data).reshape(spec.shape), self.device,
                                      t if t in packing.BITS else None)
        return Tensor.from_spec(spec, data, self)

    def host_array(self, tensor):
        return tensor.data.download()

    def op_compiler(self):
        return self._compiler
