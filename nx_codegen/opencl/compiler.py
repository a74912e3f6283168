"""``nx_codegen.OpenCL``: a defn compiler running the same lowered programs as
``nx_codegen.C`` on an OpenCL device through pyopencl (PoCL on CPUs, the
vendor's driver on GPUs).

This first version proves the kernel IR target-neutral: element-wise chains
and reductions run as OpenCL kernels (:mod:`nx_codegen.opencl.render`); every
other node runs on the host fallback, and ``cond``/``while`` run their
sub-graphs from the host, as in the C compiler. Arrays travel to the device
for each kernel and back (keeping them on the device is issue 10's runtime).

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x: nx.exp(x) / nx.sum(nx.exp(x)), compiler=nx_codegen.OpenCL(device="pocl:0"))
>>> [round(v, 4) for v in f(nx.tensor([0.0, 1.0, 2.0])).to_list()]
[0.09, 0.2447, 0.6652]
"""

from __future__ import annotations

import sys
import threading

import numpy as np

from nx_ref.defn.compiler import Compiler
from spec.errors import ArgumentError
from nx_codegen.c.compiler import RECYCLED, _Executable
from nx_codegen.opencl import render

__all__ = ["OpenCL", "select_device", "devices", "devices_table", "device_types", "check_types"]

_lock = threading.Lock()
_contexts: dict = {}       # device -> (context, queue)
_programs: dict = {}       # (device, source) -> {kernel name: kernel} of the built program


def _cl():
    try:
        import pyopencl
    except ImportError as error:
        raise ArgumentError("nx_codegen.OpenCL needs pyopencl: pip install 'pyopencl[pocl]' "
                            "(or the opencl extra of nx-ref)") from error
    return pyopencl


def devices():
    """``[(name, device)]`` of every OpenCL device, named ``"<platform>:<index>"``
    with the platform's short name (``pocl``, ``nvidia``, ...)."""
    cl = _cl()
    out = []
    for platform in cl.get_platforms():
        short = _short_name(platform)
        for i, device in enumerate(platform.get_devices()):
            out.append((f"{short}:{i}", device))
    return out


def devices_table() -> str:
    """The OpenCL devices as a Markdown table (``name``, device, types).

    >>> "| name | device | types |" in devices_table()
    True
    """
    lines = ["| name | device | types |", "|---|---|---|"]
    for name, device in devices():
        kinds = device_types(device) or ["(none: this version needs cl_khr_fp64)"]
        lines.append(f"| {name} | {device.name.strip()} | {', '.join(kinds)} |")
    return "\n".join(lines)


def _short_name(platform):
    name = platform.name.lower()
    for known in ("pocl", "nvidia", "amd", "intel", "apple"):
        if known in name or (known == "pocl" and "portable computing" in name):
            return known
    return name.split()[0]


def select_device(device=None):
    """The pyopencl device for ``device``: ``"<platform>:<index>"`` (``"pocl:0"``),
    or None for the first GPU, else the first device."""
    available = devices()
    if not available:
        raise ArgumentError("nx_codegen.OpenCL: no OpenCL device found (pip install "
                            "'pyopencl[pocl]' provides a CPU device)")
    if device is None:
        cl = _cl()
        gpus = [d for _, d in available if d.type & cl.device_type.GPU]
        return gpus[0] if gpus else available[0][1]
    for name, d in available:
        if name == device:
            return d
    raise ArgumentError(f"nx_codegen.OpenCL: unknown device {device!r}; available: "
                        + ", ".join(name for name, _ in available))


_stats = {"builds": 0, "disk_hits": 0}


def _binary_path(device, source):
    """Where the program binary of ``source`` for ``device`` is cached: keyed by
    the source, the build options, the device, its driver and pyopencl."""
    import hashlib
    import json
    from nx_codegen.c import build
    cl = _cl()
    parts = [source, render.BUILD_OPTIONS, device.name, device.version, device.driver_version,
             device.platform.name, device.platform.version, cl.VERSION_TEXT]
    key = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return build.cache_dir() / "opencl" / f"{key}.bin"


def _load_program(context, device, source):
    """The built program of ``source``: from its cached binary when there is a
    good one, else compiled from source and its binary cached (written to a
    temporary file, then renamed into place)."""
    import os
    cl = _cl()
    path = _binary_path(device, source)
    if path.exists():
        try:
            program = cl.Program(context, [device], [path.read_bytes()]).build(
                options=render.BUILD_OPTIONS)
            _stats["disk_hits"] += 1
            return program
        except Exception:     # noqa: BLE001 - a corrupt or stale binary: rebuild it
            path.unlink(missing_ok=True)
    program = cl.Program(context, source).build(options=render.BUILD_OPTIONS)
    _stats["builds"] += 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"tmp-{os.getpid()}-{os.urandom(4).hex()}-{path.name}")
        tmp.write_bytes(program.get_info(cl.program_info.BINARIES)[0])
        os.replace(tmp, path)
    except OSError:
        pass
    return program


def _context(device):
    cl = _cl()
    with _lock:
        if device not in _contexts:
            context = cl.Context([device])
            queue = cl.CommandQueue(context, properties=cl.command_queue_properties.PROFILING_ENABLE)
            _contexts[device] = (context, queue)
        return _contexts[device]


class OpenCL(Compiler):
    """Compile graphs into OpenCL kernels for ``device`` (see the module docstring).

    With ``profile=True``, the OpenCL events of every launch are kept and
    :meth:`kernel_seconds` gives the device time of the kernels since the last
    call.

    >>> import nx_ref as nx
    >>> cl = OpenCL(device="pocl:0", profile=True)
    >>> _ = nx.jit(lambda x: nx.exp(x) + 1, compiler=cl)(nx.iota((1000,), type="f32"))
    >>> cl.kernel_seconds() > 0
    True
    """

    def __init__(self, device=None, profile=False):
        self.device_name = device
        self._device = None
        self.events = [] if profile else None

    def kernel_seconds(self) -> float:
        """The summed device time (from OpenCL profiling events) of the kernels
        launched since the last call; 0.0 unless built with ``profile=True``."""
        if not self.events:
            return 0.0
        events, self.events[:] = list(self.events), []
        for e in events:
            e.wait()
        return sum(e.profile.end - e.profile.start for e in events) * 1e-9

    @property
    def device(self):
        if self._device is None:
            self._device = select_device(self.device_name)
        return self._device

    def compile(self, graph):
        return _ClExecutable(graph, self).run

    def __repr__(self):
        return "nx_codegen.OpenCL()" if self.device_name is None else \
            f"nx_codegen.OpenCL(device={self.device_name!r})"


class _ClExecutable(_Executable):
    """A lowered graph on one device: buffers live on the device (inputs of
    this device's OpenCLBackend are used in place, intermediates are allocated
    once and reused, outputs stay on the device as OpenCLBackend tensors);
    host steps download their inputs and upload their results."""

    def __init__(self, graph, compiler):
        super().__init__(graph, compiler)
        from nx_codegen.opencl.backend import OpenCLBackend
        self.device_backend = OpenCLBackend(compiler.device_name)

    def target(self):
        return render.OpenCLTarget()

    def extern_checks(self):
        from nx_codegen.opencl.externs import CHECKS
        return CHECKS

    def build(self, kernels):
        cl = _cl()
        device = self.compiler.device
        types_of = {n: b.type for n, b in self.program.buffers.items()}
        check_types(device, set(types_of.values()))      # before the device is touched
        self.context, self.queue = _context(device)
        source = render.render_program(self.program)
        key = (device, source)
        with _lock:
            if key not in _programs:
                _programs[key] = _load_program(self.context, device, source)
            program = _programs[key]
        from nx_codegen import ir
        from nx_codegen.opencl import externs, reduce
        out = {}
        for k in kernels:
            if isinstance(k, ir.Extern):
                spec = externs.render(k, types_of)
                out[k.name] = _Launches(program, [(x.kernel, x.global_size, x.local_size)
                                                  for x in spec.launches], spec.scratch)
                continue
            size = int(np.prod(k.outer, dtype=np.int64))
            if render.in_order(k, types_of):
                launches = [(k.name, (1,), None)] if size else []
                out[k.name] = _Launches(program, launches)
            elif reduce.splits(k):
                out[k.name] = _Launches(
                    program, [(k.name + "_part", (size * reduce.GROUPS * reduce.LOCAL,),
                               (reduce.LOCAL,)), (k.name, (size,), None)],
                    [(ctype, n) for ctype, n in reduce.part_buffers(k)])
            else:
                out[k.name] = _Launches(program, [(k.name, (size,), None)] if size else [])
        return out

    def run(self, args, hooks=None):
        from nx_codegen.opencl.backend import DeviceArray
        device = self.compiler.device
        env = {}
        self.check_args(args, f" for device {device.name.strip()!r}")
        for name, t in zip(self.program.params, args):
            data = t.data
            if isinstance(data, DeviceArray):
                if data.device != device:
                    raise ArgumentError(
                        f"nx_codegen.OpenCL: an argument lives on device {data.device.name.strip()!r}, "
                        f"not on {device.name.strip()!r}: move it with nx.backend_transfer first")
                env[name] = data
            else:
                env[name] = self.store(name, _host_array(t))
        for name, t in self.program.constants.items():
            env[name] = self.store(name, _host_array(t))
        # (a program of host steps only has no queue: nothing was built)
        queue, events = getattr(self, "queue", None), self.compiler.events
        for kind, step, names, fn in self.calls:
            if kind == "kernel":
                if step.name in self.checks:
                    check, inputs = self.checks[step.name]
                    check(step.node, [self.load(env, n) for n in inputs])
                for n in self.writes_of(step):
                    if n not in env:
                        env[n] = self.allocate(n)
                buffers = []
                for n in names:
                    value = env[n]
                    buffers.append((value if value.__class__ is DeviceArray
                                    else self.on_device(env, n)).buffer)
                fn(queue, device, buffers, events)
            else:
                self.host(step, env, hooks or {})
        return [self.device_backend.wrap(self.graph.outputs[i].out, self.on_device(env, name))
                for i, name in enumerate(self.program.outputs)]

    def writes_of(self, step):
        """The buffers ``step`` writes (remembered per step)."""
        from nx_codegen import ir
        cache = self.__dict__.setdefault("_writes", {})
        if step.name not in cache:
            cache[step.name] = tuple(step.writes()) if isinstance(step, ir.Kernel) else step.outputs
        return cache[step.name]

    def keep(self, name, t):
        from nx_codegen.opencl.backend import DeviceArray
        return t.data if isinstance(t.data, DeviceArray) else super().keep(name, t)

    def on_device(self, env, name):
        """Buffer ``name`` as a DeviceArray (uploaded once if it is on the host)."""
        from nx_codegen.opencl.backend import DeviceArray
        value = env[name]
        if not isinstance(value, DeviceArray):
            b = self.types_of[name]
            if name in self.packed:        # packed bytes already (see store)
                from nx_codegen.c.compiler import _dtype
                value = DeviceArray.from_bytes(value, b.shape, _dtype(b.type), self.compiler.device,
                                               b.type)
            else:
                value = DeviceArray.upload(value, self.compiler.device)
            env[name] = value
        return value

    def load(self, env, name):
        from nx_codegen.opencl.backend import DeviceArray
        value = env[name]
        if isinstance(value, DeviceArray):
            return value.download().reshape(self.types_of[name].shape)
        return super().load(env, name)

    def allocate(self, name):
        from nx_codegen.opencl.backend import DeviceArray
        from nx_codegen.c.compiler import _dtype
        b = self.types_of[name]
        device = self.compiler.device
        packed = b.type if name in self.packed else None
        arrays = getattr(self.pool, "arrays", None)
        if arrays is None:
            arrays = self.pool.arrays = {}
        if name in self.results:
            # an output reuses the buffer of one of the last calls' outputs that
            # nothing refers to any more (see nx_codegen.c.compiler.RECYCLED)
            ring = arrays.setdefault(name, [])
            for array in ring:
                if sys.getrefcount(array) <= 3:      # the ring's, `array`, the argument
                    return array
            array = DeviceArray.empty(b.shape, _dtype(b.type), device, packed)
            ring.append(array)
            if len(ring) > RECYCLED:
                ring.pop(0)
            return array
        if name not in arrays:
            arrays[name] = DeviceArray.empty(b.shape, _dtype(b.type), device, packed)
        return arrays[name]


_CTYPE_BYTES = {"double": 8, "float": 4, "uint64_t": 8, "int64_t": 8, "uint32_t": 4, "int32_t": 4,
                "uint16_t": 2, "int16_t": 2, "uint8_t": 1, "int8_t": 1}


class _Launches:
    """The kernel launches of one step: ``(kernel name, global size, local size)``
    run in order over the step's buffers, then its scratch buffers. Each thread
    has its own kernel objects, whose arguments are set only when a buffer
    changes, and its own scratch buffers; launches go through
    ``enqueue_nd_range_kernel`` (pyopencl's lowest-overhead path)."""

    def __init__(self, program, launches, scratch=()):
        self.program = program
        self.launches = [(name, tuple(int(g) for g in gs), ls) for name, gs, ls in launches
                         if all(int(g) for g in gs)]
        self.scratch = tuple(scratch)
        self.local = threading.local()

    def _state(self, device):
        state = getattr(self.local, "state", None)
        if state is None:
            cl = _cl()
            context, _ = _context(device)
            kernels = [cl.Kernel(self.program, name) for name, _, _ in self.launches]
            extra = [cl.Buffer(context, cl.mem_flags.READ_WRITE,
                               _CTYPE_BYTES.get(ctype, 8) * max(int(n), 1))
                     for ctype, n in self.scratch]
            state = self.local.state = (kernels, [[None] * 0 for _ in kernels], extra)
        return state

    def __call__(self, queue, device, buffers, events=None):
        if not self.launches:
            return
        cl = _cl()
        kernels, bound, extra = self._state(device)
        args = buffers + extra
        for j, (kernel, (_, gs, ls)) in enumerate(zip(kernels, self.launches)):
            last = bound[j]
            if len(last) != len(args):
                kernel.set_args(*args)
                bound[j] = list(args)
            else:
                for i, buf in enumerate(args):
                    if last[i] is not buf:
                        kernel.set_arg(i, buf)
                        last[i] = buf
            event = cl.enqueue_nd_range_kernel(queue, kernel, gs, ls)
            if events is not None:
                events.append(event)


def device_types(device) -> list:
    """The types whose kernels ``device`` runs: every kernel type with
    ``cl_khr_fp64``, none without it: f64 and c128 need it, this version
    computes the math of f32, the small floats and c64 in double, rounded
    once (as the spec's tolerances assume), and every program's helpers
    include double functions."""
    return list(render.TYPES) if "cl_khr_fp64" in device.extensions else []


def check_types(device, used):
    """Raise ArgumentError naming ``device`` and the type when a type in ``used``
    (buffer types of a program) is not one of :func:`device_types`; types the
    kernels do not compute (they run on the host fallback) are not checked."""
    allowed = set(device_types(device))
    for t in sorted(used):
        if t in render.TYPES and t not in allowed:
            why = "the type needs" if t in ("f64", "c128") else \
                f"this version's kernels need for {t} (they compute in double)"
            raise ArgumentError(f"nx_codegen.OpenCL: device {device.name.strip()!r} cannot run "
                                f"type {t}: it has no cl_khr_fp64, which {why}")


def _host_array(t):
    """The numpy array of a tensor of a host backend."""
    from nx_codegen.c.compiler import _array
    return _array(t)
