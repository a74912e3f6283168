"""Tensors inside containers: ``nx.to_tensor`` and ``nx.to_template``.

A container is what Nx's ``Nx.Container`` protocol covers, in Python terms: a
tuple, a list or a dict whose values are tensors, numbers or containers again.
"""

from __future__ import annotations

from spec.errors import ArgumentError, TypeError_

__all__ = ["to_tensor", "to_template", "map_tensors"]

_NUMBER = (bool, int, float, complex)


def map_tensors(value, fun, what):
    """``value`` with ``fun`` applied to each tensor or number of it, the
    containers rebuilt as their base class (tuple, list, dict). ``what`` names
    the calling function in errors."""
    from nx_ref.tensor import Tensor
    if isinstance(value, dict):
        return {k: map_tensors(v, fun, what) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(map_tensors(v, fun, what) for v in value)
    if isinstance(value, list):
        return [map_tensors(v, fun, what) for v in value]
    if isinstance(value, (Tensor,) + _NUMBER):
        return fun(value)
    raise TypeError_(f"nx.{what}: expected a tensor, a number, or a tuple, list or dict of "
                     f"them, got {value.__class__.__name__}: {value!r:.80}")


def to_tensor(value):
    """A tensor from a tensor (returned as is) or a number (a scalar of its
    inferred type, on the default backend). Containers raise: see
    :func:`nx_ref.stack` and :func:`nx_ref.concatenate`; nested lists are for
    :func:`nx_ref.tensor`.

    >>> import nx_ref as nx
    >>> nx.to_tensor(2.5)
    #Nx.Tensor<
      f32
      2.5
    >
    >>> nx.to_tensor((nx.tensor(1), nx.tensor(2)))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.to_tensor: cannot convert a tuple to a tensor because it represents a collection of tensors, use nx.stack or nx.concatenate instead
    """
    from nx_ref.tensor import Tensor
    if isinstance(value, Tensor):
        return value
    if isinstance(value, _NUMBER):
        from nx_ref import api
        return api.tensor(value)
    if isinstance(value, (tuple, list, dict)):
        raise ArgumentError(
            f"nx.to_tensor: cannot convert a {value.__class__.__name__} to a tensor because it "
            f"represents a collection of tensors, use nx.stack or nx.concatenate instead"
            + (" (or nx.tensor for nested lists of numbers)" if isinstance(value, list) else ""))
    raise TypeError_(f"nx.to_tensor: expected a tensor or a number, got "
                     f"{value.__class__.__name__}: {value!r:.80}")


def to_template(tensor_or_container):
    """Templates (type, shape and names without data: see :func:`nx_ref.template`)
    of a tensor, a number, or every tensor and number of a tuple, list or dict.

    >>> import nx_ref as nx
    >>> nx.to_template(nx.iota((2, 3)))
    #Nx.Tensor<
      s32[2][3]
      Nx.TemplateBackend
    >
    >>> integer, real = nx.to_template((1, 2.0))
    >>> integer
    #Nx.Tensor<
      s32
      Nx.TemplateBackend
    >
    >>> real
    #Nx.Tensor<
      f32
      Nx.TemplateBackend
    >
    >>> nx.abs(nx.to_template(nx.iota((2, 3))))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot perform operations on a Nx.TemplateBackend tensor (nx.abs)
    """
    from nx_ref import api

    def one(t):
        t = to_tensor(t)
        return api.template(t.shape, t.type, names=list(t.names))
    return map_tensors(tensor_or_container, one, "to_template")
