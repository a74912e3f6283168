"""Code generation for nx_ref: the defn graph lowered to fused loop kernels,
rendered as C (cffi) and OpenCL C (pyopencl). Not built yet."""
