"""``t[...]`` access on tensors, written over nx.slice, nx.reverse, nx.squeeze,
nx.new_axis and nx.take, so that every backend gets it (Nx's ``Access``).

An index is one of, or a tuple of (one entry per axis, from the first):

* an integer: picks one position and drops the axis; negative integers count
  from the end; out of range raises ``ArgumentError`` (as Nx);
* a scalar integer tensor: the same, with the position read from the data and
  clamped into the axis (Nx's dynamic index: -1 reads position 0, not the last);
* a Python slice ``start:stop:step``: Python's meaning (``stop`` excluded, bounds
  clipped to the axis, an empty range gives an axis of size 0). Nx's ranges are
  inclusive, raise when out of range or empty and reject negative steps; here a
  negative step walks the axis backwards (a strided slice, then nx.reverse);
* ``...`` (at most one), standing for as many full slices as needed;
* ``None``: a new axis of size 1 at that place of the output (numpy's rule).

A dict indexes axes by name or position (``t[{"x": 1, "y": slice(0, 2)}]``,
Nx's keyword access); the other axes are kept whole. A lone non-scalar
integer tensor (or a list of integers, or a numpy array) takes whole slices
along the first axis: ``nx.take(t, indices)``. Names follow the axes they
belong to; new axes are unnamed.

>>> t = nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"])
>>> t[1]
#Nx.Tensor<
  s32[y: 3]
  [4, 5, 6]
>
>>> t[:, ::-1]
#Nx.Tensor<
  s32[x: 2][y: 3]
  [
    [3, 2, 1],
    [6, 5, 4]
  ]
>
>>> t[{"y": slice(1, None)}]
#Nx.Tensor<
  s32[x: 2][y: 2]
  [
    [2, 3],
    [5, 6]
  ]
>
>>> t[..., -1, None]
#Nx.Tensor<
  s32[x: 2][1]
  [
    [3],
    [6]
  ]
>
>>> t[nx.tensor([1, 0, 1])]
#Nx.Tensor<
  s32[x: 3][y: 3]
  [
    [4, 5, 6],
    [1, 2, 3],
    [4, 5, 6]
  ]
>
>>> t[2]
Traceback (most recent call last):
...
spec.errors.ArgumentError: index 2 is out of bounds for axis 0 in shape (2, 3)
"""

from __future__ import annotations

import operator

from spec.errors import ArgumentError, AxisError, TypeError_
from spec.shapes import normalize_axis

__all__ = ["getitem"]

_FORMS = ("an integer, a scalar integer tensor, a slice, ..., None, a tuple of those, a dict "
          "from axis names (or positions) to integers, scalar tensors or slices, or an "
          "integer tensor (or list) of positions along the first axis")


def _nx():
    import nx_ref
    return nx_ref


def _is_tensor(x):
    from nx_ref.tensor import Tensor
    return isinstance(x, Tensor)


def _as_int(x):
    """``x`` as an int when it is a Python or numpy integer (not a bool, not a tensor)."""
    if isinstance(x, bool) or _is_tensor(x) or hasattr(x, "__array_interface__") and getattr(x, "ndim", 0):
        return None
    try:
        return operator.index(x)
    except TypeError:
        return None


def _is_positions(x):
    """A lone index that takes slices: a non-scalar tensor, a list or an array."""
    if _is_tensor(x):
        return x.rank > 0
    return isinstance(x, list) or (hasattr(x, "__array_interface__") and getattr(x, "ndim", 0) > 0)


class _Plan:
    """What ``t[index]`` does: one slice, then reverses, squeezes and new axes."""

    def __init__(self, shape):
        self.shape = shape
        self.starts = [0] * len(shape)
        self.lengths = list(shape)
        self.strides = [1] * len(shape)
        self.reversed, self.dropped, self.new_axes = [], [], []

    def entry(self, axis, value):
        """Record the index ``value`` of ``axis``; returns whether the axis stays."""
        dim = self.shape[axis]
        if isinstance(value, slice):
            self._slice(axis, dim, value)
            return True
        if _is_tensor(value):
            if value.rank:
                raise ArgumentError(
                    f"a tensor used with other indices must be a scalar, got shape {value.shape} "
                    f"for axis {axis}: to take positions along one axis, use "
                    f"nx.take(tensor, indices, axis={axis})")
            if dim == 0:
                raise ArgumentError(f"cannot index axis {axis} of size 0 in shape {self.shape}")
            self.starts[axis], self.lengths[axis] = value, 1
        else:
            index = _as_int(value)
            if index is None:
                raise ArgumentError(f"invalid index {value!r:.80} for axis {axis}: expected an "
                                    f"integer, a scalar integer tensor or a slice")
            position = index + dim if index < 0 else index
            if not 0 <= position < dim:
                raise ArgumentError(f"index {index} is out of bounds for axis {axis} in shape "
                                    f"{self.shape}")
            self.starts[axis], self.lengths[axis] = position, 1
        self.dropped.append(axis)
        return False

    def _slice(self, axis, dim, s):
        try:
            start, stop, step = s.indices(dim)
        except TypeError:
            raise TypeError_(f"slice indices must be integers or None, got {s!r:.80} for "
                             f"axis {axis}") from None
        except ValueError as e:        # a zero step
            raise ArgumentError(f"invalid slice {s!r} for axis {axis}: {e}") from None
        positions = range(start, stop, step)
        n = len(positions)
        first = min(positions[0], positions[-1]) if n else 0
        self.starts[axis] = first
        self.lengths[axis] = (n - 1) * abs(step) + 1 if n else 0
        self.strides[axis] = abs(step)
        if step < 0 and n > 1:
            self.reversed.append(axis)

    def apply(self, nx, t):
        whole = all(isinstance(s, int) and s == 0 for s in self.starts) and \
            self.lengths == list(self.shape) and all(s == 1 for s in self.strides)
        if not whole:
            t = nx.slice(t, self.starts, self.lengths, strides=self.strides)
        if self.reversed:
            t = nx.reverse(t, axes=self.reversed)
        if self.dropped:
            t = nx.squeeze(t, axes=self.dropped)
        for position in self.new_axes:
            t = nx.new_axis(t, position)
        return t


def _positional(t, items, index):
    plan = _Plan(t.shape)
    ellipses = sum(1 for i in items if i is Ellipsis)
    if ellipses > 1:
        raise ArgumentError(f"an index can only have a single ellipsis (...), got: {index!r:.80}")
    consumed = sum(1 for i in items if i is not None and i is not Ellipsis)
    if consumed > t.rank:
        raise AxisError(f"too many indices for a tensor of rank {t.rank} (shape {t.shape}): "
                        f"{index!r:.80} indexes {consumed} axes")
    axis = out = 0
    for item in items:
        if item is None:
            plan.new_axes.append(out)
            out += 1
        elif item is Ellipsis:
            skipped = t.rank - consumed
            axis, out = axis + skipped, out + skipped
        else:
            if _is_positions(item):
                raise ArgumentError(
                    f"a tensor or list of positions can only be used alone as an index, got "
                    f"{index!r:.80}: to take positions along axis {axis}, use "
                    f"nx.take(tensor, indices, axis={axis})")
            out += plan.entry(axis, item)
            axis += 1
    return plan


def _named(t, mapping):
    plan = _Plan(t.shape)
    seen = set()
    for key, value in mapping.items():
        axis = normalize_axis(key, t.shape, t.names)
        if axis in seen:
            raise ArgumentError(f"unknown or duplicate axis {axis} found when slicing shape "
                                f"{t.shape}")
        seen.add(axis)
        if value is None or value is Ellipsis:
            raise ArgumentError(f"invalid index {value!r} for axis {key!r}: a dict index "
                                f"takes integers, scalar tensors or slices")
        plan.entry(axis, value)
    return plan


def _take(nx, t, index):
    if t.rank == 0:
        raise AxisError("cannot take positions from a scalar tensor (shape ()): it has no axis")
    if _is_tensor(index):
        return nx.take(t, index)
    if isinstance(index, list) and not index:
        return nx.slice_along_axis(t, 0, 0)
    if (isinstance(index, list) and any(isinstance(i, bool) for i in index)
            or str(getattr(index, "dtype", "")) == "bool"):
        raise TypeError_(f"boolean masks are not supported as indices, got {index!r:.80}: "
                         f"use nx.select to pick values by a predicate")
    return nx.take(t, nx.tensor(index))


def getitem(t, index):
    """``t[index]`` (see the module docstring).

    >>> nx.tensor([[1, 2], [3, 4]])[-1][-1]
    #Nx.Tensor<
      s32
      4
    >
    >>> t = nx.tensor([[1, 2], [3, 4]])
    >>> t[nx.tensor(-1)][nx.tensor(5)]
    #Nx.Tensor<
      s32
      2
    >
    >>> nx.tensor([1, 2])[-3]
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: index -3 is out of bounds for axis 0 in shape (2,)
    """
    nx = _nx()
    if isinstance(index, dict):
        return _named(t, index).apply(nx, t)
    if _is_positions(index):
        return _take(nx, t, index)
    items = index if isinstance(index, tuple) else (index,)
    if not all(i is None or i is Ellipsis or isinstance(i, slice) or _is_tensor(i)
               or _as_int(i) is not None or _is_positions(i) for i in items):
        raise ArgumentError(f"t[index] expects index to be {_FORMS}; got {index!r:.80}")
    return _positional(t, items, index).apply(nx, t)
