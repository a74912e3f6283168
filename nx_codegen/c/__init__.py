"""The C target of :mod:`nx_codegen`: kernels rendered as C, built with gcc into
shared libraries, loaded with cffi's ABI mode and cached on disk
(:mod:`nx_codegen.c.build`)."""
