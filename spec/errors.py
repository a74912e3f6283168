"""The exception classes of the specification.

Every error the spec raises is a subclass of Python's ``ValueError`` or
``TypeError`` (so callers may catch either), and of :class:`NxError`, so a
conformance check can compare the class a backend raised with the spec's.

>>> issubclass(ShapeError, ValueError), issubclass(TypeError_, TypeError)
(True, True)
"""

__all__ = ["NxError", "ShapeError", "AxisError", "NameError_", "TypeError_", "ArgumentError"]


class NxError(Exception):
    """Base of every error raised by a spec rule."""


class ArgumentError(NxError, ValueError):
    """An argument has a bad value (Nx's ``ArgumentError``)."""


class ShapeError(ArgumentError):
    """Shapes do not fit together (broadcasting, reshaping, contraction)."""


class AxisError(ArgumentError):
    """An axis is out of range, duplicated or unknown."""


class NameError_(ArgumentError):
    """Axis names conflict or an axis name is unknown."""


class TypeError_(NxError, TypeError):
    """A type is invalid or not accepted by an operation."""
