"""The OpenCL peer of the softmax benchmark: softmax written by hand in two
OpenCL kernels and launched with plain pyopencl, the yardstick for
``nx_codegen.OpenCL`` on the same device (its per-call time and its kernels'
device time).

1. ``partial``: :data:`GROUPS` work-groups of :data:`LOCAL` work-items; each
   work-item sums ``exp`` of a strided share of ``x`` (in double for f32, as
   the spec's tolerance for a million-term sum needs), the work-group adds its
   work-items' sums in local memory and writes one partial sum;
2. ``normalise``: each work-group adds the partial sums in local memory (the
   same tree in every group, so all agree; :data:`GROUPS` equals
   :data:`LOCAL`) and each work-item writes ``exp(x[i]) / sum``.

>>> import numpy as np
>>> run = handwritten("pocl:0", np.float32)
>>> x = np.array([0.0, 1.0, 2.0], np.float32)
>>> [round(float(v), 4) for v in run.result(run.call(run.upload(x)))]
[0.09, 0.2447, 0.6652]
"""

from __future__ import annotations

import numpy as np

__all__ = ["GROUPS", "LOCAL", "SOURCE", "handwritten", "candidates"]

LOCAL = 256      # work-items per work-group (a power of two)
GROUPS = LOCAL   # work-groups of the partial sums: one per work-item of a group

SOURCE = r"""
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
__kernel void partial(__global const T *x, const long n, __global double *parts) {
  __local double sums[LOCAL];
  const long lid = get_local_id(0), stride = get_global_size(0);
  double s = 0.0;
  for (long i = get_global_id(0); i < n; i += stride) s += exp((double)x[i]);
  sums[lid] = s;
  for (int w = LOCAL / 2; w > 0; w /= 2) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < w) sums[lid] += sums[lid + w];
  }
  if (lid == 0) parts[get_group_id(0)] = sums[0];
}
__kernel void normalise(__global const T *x, const long n, __global const double *parts,
                        __global T *y) {
  __local double sums[LOCAL];
  const long i = get_global_id(0), lid = get_local_id(0);
  sums[lid] = parts[lid];
  for (int w = LOCAL / 2; w > 0; w /= 2) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < w) sums[lid] += sums[lid + w];
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  if (i < n) y[i] = (T)(exp((double)x[i]) / sums[0]);
}
"""


class _Handwritten:
    """The two kernels built for one device and type, with their buffers."""

    def __init__(self, device_name, dtype, profile=False):
        import pyopencl as cl
        from nx_codegen.opencl.compiler import _context, select_device
        self.cl = cl
        self.device = select_device(device_name)
        self.context, self.queue = _context(self.device)
        ctype = "float" if np.dtype(dtype) == np.float32 else "double"
        options = [f"-DT={ctype}", f"-DLOCAL={LOCAL}", f"-DGROUPS={GROUPS}"]
        program = cl.Program(self.context, SOURCE).build(options=options)
        self.partial, self.normalise = program.partial, program.normalise
        self.parts = cl.Buffer(self.context, cl.mem_flags.READ_WRITE, 8 * GROUPS)
        self.dtype = np.dtype(dtype)
        self.events = [] if profile else None

    def upload(self, array):
        cl = self.cl
        return cl.Buffer(self.context, cl.mem_flags.READ_ONLY | cl.mem_flags.COPY_HOST_PTR,
                         hostbuf=np.ascontiguousarray(array, self.dtype)), len(array)

    def call(self, x):
        """Softmax of the device array ``x``; waits for the result."""
        cl = self.cl
        buffer, n = x
        y = cl.Buffer(self.context, cl.mem_flags.READ_WRITE, max(n, 1) * self.dtype.itemsize)
        e1 = self.partial(self.queue, (GROUPS * LOCAL,), (LOCAL,), buffer, np.int64(n), self.parts)
        e2 = self.normalise(self.queue, ((n + LOCAL - 1) // LOCAL * LOCAL,), (LOCAL,), buffer,
                            np.int64(n), self.parts, y)
        e2.wait()
        if self.events is not None:
            self.events += [e1, e2]
        return y, n

    def kernel_seconds(self):
        events, self.events[:] = list(self.events), []
        return sum(e.profile.end - e.profile.start for e in events) * 1e-9

    def result(self, y):
        buffer, n = y
        out = np.empty(n, self.dtype)
        self.cl.enqueue_copy(self.queue, out, buffer)
        return out


def handwritten(device_name, dtype, profile=False):
    """The hand-written softmax for ``device_name`` (``"pocl:0"``, ...) and the
    numpy ``dtype`` (float32 or float64)."""
    return _Handwritten(device_name, dtype, profile)


def candidates(device_names, error=None):
    """One benchmark row per device: the hand-written kernels on data kept on
    the device, with their device time from profiling events."""
    from benchmarks.common import Candidate, Unavailable

    def candidate(name):
        def setup(inputs):
            if error is not None:
                raise Unavailable(f"no OpenCL device ({error})")
            run = handwritten(name, inputs[0].dtype, profile=True)
            return run, run.upload(inputs[0])
        return Candidate(f"pyopencl hand-written ({name})", setup=setup,
                         run=lambda s: (s[0], s[0].call(s[1])),
                         result=lambda out: out[0].result(out[1]),
                         kernel_time=lambda s: s[0].kernel_seconds(),
                         note="two hand-written OpenCL kernels (partial sums of exp, then "
                              "exp(x) / sum) launched with pyopencl, data on the device")
    return [candidate(n) for n in device_names]
