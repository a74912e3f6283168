"""An example third-party backend built on numpy (see README.md in this folder):
``python -m conformance examples.numpy_backend:NumpyBackend`` checks it."""

from examples.numpy_backend.backend import NumpyBackend

__all__ = ["NumpyBackend"]
