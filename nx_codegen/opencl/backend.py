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

import threading

import numpy as np

from spec import types as _types, values as _values
from spec.errors import ArgumentError
from nx_ref.backend import Backend, OpMethod, define_primitives
from nx_ref.tensor import Tensor

__all__ = ["OpenCLBackend", "DeviceArray"]


class DeviceArray:
    """A device buffer holding a dense row-major array of ``dtype`` and
    ``shape`` on ``device`` (a pyopencl device), created in that device's
    context. ``nbytes == 0`` arrays hold a 1-byte placeholder buffer."""

    __slots__ = ("buffer", "shape", "dtype", "device", "__weakref__")

    def __init__(self, buffer, shape, dtype, device):
        self.buffer, self.shape, self.dtype, self.device = buffer, tuple(shape), np.dtype(dtype), device

    @property
    def nbytes(self):
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize

    @classmethod
    def empty(cls, shape, dtype, device):
        from nx_codegen.opencl.compiler import _cl, _context
        cl = _cl()
        context, _ = _context(device)
        size = max(int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize, 1)
        return cls(cl.Buffer(context, cl.mem_flags.READ_WRITE, size), shape, dtype, device)

    @classmethod
    def upload(cls, array, device):
        """A device copy of the numpy ``array`` (one host-to-device transfer)."""
        from nx_codegen.opencl.compiler import _cl, _context
        cl = _cl()
        context, queue = _context(device)
        array = np.ascontiguousarray(array)
        out = cls.empty(array.shape, array.dtype, device)
        if array.nbytes:
            cl.enqueue_copy(queue, out.buffer, array.reshape(-1).view(np.uint8))
        return out

    def download(self):
        """The array as numpy (one device-to-host transfer)."""
        from nx_codegen.opencl.compiler import _cl, _context
        cl = _cl()
        _, queue = _context(self.device)
        out = np.empty(self.shape, self.dtype)
        if out.nbytes:
            cl.enqueue_copy(queue, out.reshape(-1).view(np.uint8), self.buffer)
        return out

    def __repr__(self):
        return f"<DeviceArray {self.dtype}{list(self.shape)} on {self.device.name.strip()}>"


class _Compiled(OpMethod):
    """A primitive of the OpenCL backend: the op's single-node graph, compiled."""

    def bind(self, backend, op):
        name = op.name

        def run(out, *args, **opts):
            return backend._run(name, out, args, opts)
        return run


class OpenCLBackend(Backend):
    """Tensors in device buffers, ops as OpenCL kernels (see the module
    docstring). ``device`` is ``"<platform>:<index>"`` (``"pocl:0"``) or None
    for the first GPU, else the first device."""

    priority = 20

    def __init__(self, device=None):
        from nx_codegen.opencl.compiler import OpenCL
        self.compiler = OpenCL(device)
        self.device_name = device

    @property
    def device(self):
        return self.compiler.device

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
            data = DeviceArray.upload(np.asarray(data).reshape(spec.shape), self.device)
        return Tensor.from_spec(spec, data, self)

    def from_binary(self, out, data):
        from nx_ref import interop
        from nx_ref.reference import ReferenceBackend
        return self.wrap(out, interop.to_numpy(ReferenceBackend().from_binary(out, data)))

    def constant(self, out, number):
        from nx_ref import interop
        value = _values.cast(number, _types.infer(number), out.type)
        return self.wrap(out, np.full(out.shape, value, dtype=interop.numpy_dtype(out.type)))

    def to_binary(self, tensor, limit=None):
        from nx_ref import interop
        from nx_ref.reference import ReferenceBackend
        ref = interop.from_numpy(tensor.data.download(), backend=ReferenceBackend())
        return ref.backend.to_binary(ref, limit)

    def backend_copy(self, tensor, backend):
        return backend.from_binary(tensor.spec, self.to_binary(tensor))

    # -- ops -------------------------------------------------------------------------
    _lock = threading.Lock()
    _cache: dict = {}

    def _run(self, name, out, args, opts):
        from nx_ref.defn.expr import Graph, _freeze
        specs = tuple(tuple(x.spec for x in a) if isinstance(a, (list, tuple)) else a.spec for a in args)
        if isinstance(out, list):
            out = tuple(out)
        try:
            key = (self.device_name, name, out, specs, _freeze(opts))
        except TypeError:
            key = None
        exe = self._cache.get(key) if key is not None else None
        if exe is None:
            g = Graph(label=f"nx.{name}")
            params = [tuple(g.parameter(s) for s in sp) if isinstance(sp, tuple) else g.parameter(sp)
                      for sp in specs]
            node = g.add(name, out, params, opts)
            outs = [g.add("elem", s, (node,), {"index": i}) for i, s in enumerate(out)] \
                if isinstance(out, tuple) else [node]
            g.finish(outs, ("tuple", ()))
            exe = self.compiler.compile(g)
            if key is not None:
                with self._lock:
                    self._cache[key] = exe
        flat = [x for a in args for x in (a if isinstance(a, (list, tuple)) else [a])]
        result = exe(flat)
        return tuple(result) if isinstance(out, tuple) else result[0]


define_primitives(OpenCLBackend, _Compiled)
