"""OpenCL target of nx_codegen: the C renderer's lowered programs as OpenCL C,
run through pyopencl."""
