"""Tests of nx_codegen.OpenCL. They run on the device named by
``NX_OPENCL_TEST_DEVICE`` (default ``pocl:0``, the CPU device pyopencl[pocl]
installs); ``test_gpu.py`` runs them all again on an NVIDIA GPU when one is
present."""

import os

DEVICE = os.environ.get("NX_OPENCL_TEST_DEVICE", "pocl:0")
