"""Shape rules: shapes given by users, broadcasting, axes and reduced shapes.

A shape is a tuple of non-negative ints (a list is accepted too). Axes are ints
(negative ones count from the end) or axis names. Every error names the
argument, the axis and the shapes involved.

One rule is the spec's own: Nx rejects dimensions of size 0 when a shape is
given; here they are accepted (as in JAX), so that empty tensors can be built
with ``nx.iota((0, 3))`` or ``nx.broadcast(1, (2, 0))``.

>>> broadcast_shapes((7, 1, 5), (8, 1, 6, 1))
(8, 7, 6, 5)
>>> normalize_axes([-1, "x"], (2, 3), ("x", None))
(1, 0)
"""

from __future__ import annotations

import operator

from spec.errors import AxisError, NameError_, ShapeError

__all__ = [
    "validate_shape", "shape_of", "size", "broadcast_shapes", "normalize_axis",
    "normalize_axes", "reduce_shape", "can_broadcast_to", "broadcast_axes", "check_broadcast",
]


def _is_tensor_like(x) -> bool:
    return hasattr(x, "shape") and hasattr(x, "type") and not isinstance(x, (tuple, list))


def validate_shape(shape, argument="shape") -> tuple[int, ...]:
    """Check a user-given shape (a tuple or list of non-negative integers) and
    return it as a tuple.

    >>> validate_shape([2, 3]), validate_shape(())
    ((2, 3), ())
    >>> validate_shape((2, -1))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: invalid dimension in axis 1 found in shape: each dimension must be a non-negative integer, got -1 in shape (2, -1)
    >>> validate_shape(6)
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: invalid shape: a shape is a tuple with the size of each dimension, got: 6
    """
    if not isinstance(shape, (tuple, list)):
        raise ShapeError(
            f"invalid {argument}: a shape is a tuple with the size of each dimension, "
            f"got: {shape!r:.80}")
    dims = []
    for axis, d in enumerate(shape):
        if _is_tensor_like(d):
            raise ShapeError(
                f"invalid dimension in axis {axis} found in {argument}: each dimension must be "
                f"a non-negative integer, but got a tensor as dimension in shape {tuple(shape)!r:.200}")
        try:
            n = operator.index(d) if not isinstance(d, bool) else None
        except TypeError:
            n = None
        if n is None or n < 0:
            raise ShapeError(
                f"invalid dimension in axis {axis} found in {argument}: each dimension must be "
                f"a non-negative integer, got {d!r} in shape {tuple(shape)!r}")
        dims.append(n)
    return tuple(dims)


def shape_of(value, argument="shape") -> tuple[int, ...]:
    """The shape meant by ``value``, as Nx's ``Nx.shape/1``: a tuple is a shape, a
    tensor (or a tensor spec) gives its shape and a Python number is a scalar.

    >>> shape_of((2, 3)), shape_of(7), shape_of(1.5)
    ((2, 3), (), ())
    >>> shape_of("x")
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected a shape (a tuple with the size of each dimension), a tensor or a number for shape, got: 'x'
    """
    if _is_tensor_like(value):
        return tuple(value.shape)
    if isinstance(value, (bool, int, float, complex)):
        return ()
    if isinstance(value, (tuple, list)):
        return validate_shape(value, argument)
    raise ShapeError(
        f"expected a shape (a tuple with the size of each dimension), a tensor or a number "
        f"for {argument}, got: {value!r:.80}")


def size(shape) -> int:
    """Number of elements of a shape.

    >>> size((2, 3)), size(()), size((4, 0))
    (6, 1, 0)
    """
    n = 1
    for d in shape:
        n *= d
    return n


def broadcast_shapes(left, right) -> tuple[int, ...]:
    """Implicit broadcasting of two shapes: aligned on the right, each pair of
    dimensions must be equal or one of them 1 (Nx's ``binary_broadcast``).

    >>> broadcast_shapes((5, 4), (1,)), broadcast_shapes((), (4, 2, 1, 5))
    ((5, 4), (4, 2, 1, 5))
    >>> broadcast_shapes((4, 2, 5), (3, 2, 5))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot broadcast tensor of dimensions (4, 2, 5) to (3, 2, 5)
    """
    if left == right:
        return tuple(left)
    rank = max(len(left), len(right))
    lpad = (1,) * (rank - len(left)) + tuple(left)
    rpad = (1,) * (rank - len(right)) + tuple(right)
    out = []
    for l, r in zip(lpad, rpad):
        if l == r or r == 1:
            out.append(l)
        elif l == 1:
            out.append(r)
        else:
            raise ShapeError(
                f"cannot broadcast tensor of dimensions {tuple(left)} to {tuple(right)}")
    return tuple(out)


def normalize_axis(axis, shape, names=None, argument="axis") -> int:
    """Turn a user-given axis (int, negative int or axis name) into an index.

    >>> normalize_axis(-1, (2, 3)), normalize_axis("y", (2, 3), ("x", "y"))
    (1, 1)
    >>> normalize_axis(2, (2, 3))
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (2) invalid for shape (2, 3) with rank 2
    >>> normalize_axis("z", (2, 3), ("x", "y"))
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: name 'z' not found in tensor with names ['x', 'y'] and shape (2, 3)
    """
    shape = tuple(shape)
    rank = len(shape)
    if isinstance(axis, str):
        names = list(names) if names is not None else [None] * rank
        if axis in names:
            return names.index(axis)
        raise NameError_(
            f"name {axis!r} not found in tensor with names {names} and shape {shape}")
    if axis is None:
        raise AxisError(f"{argument} name cannot be None (shape {shape})")
    if isinstance(axis, bool):
        index = None
    else:
        try:
            index = operator.index(axis)
        except TypeError:
            index = None
    if index is None:
        raise AxisError(
            f"invalid {argument} {axis!r:.80} for shape {shape}: expected an integer or an axis name")
    normalized = index + rank if index < 0 else index
    if not 0 <= normalized < rank:
        raise AxisError(f"given {argument} ({index}) invalid for shape {shape} with rank {rank}")
    return normalized


def normalize_axes(axes, shape, names=None, argument="axes") -> tuple[int, ...]:
    """Normalise a list of axes (a single axis is a list of one), rejecting duplicates.

    >>> normalize_axes([0, -1], (2, 3, 4)), normalize_axes("y", (2, 3), ("x", "y"))
    ((0, 2), (1,))
    >>> normalize_axes([1, -2], (2, 3, 4))
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: axes [1, -2] must be unique integers between 0 and 2: axis 1 is given twice for shape (2, 3, 4)
    """
    if isinstance(axes, (str, int)) or not hasattr(axes, "__iter__"):
        axes = [axes]
    axes = list(axes)
    singular = "axis" if argument == "axes" else argument[:-1] if argument.endswith("s") else argument
    out = []
    for axis in axes:
        index = normalize_axis(axis, shape, names, argument=singular)
        if index in out:
            raise AxisError(
                f"{argument} {axes!r} must be unique integers between 0 and {len(shape) - 1}: "
                f"axis {index} is given twice for shape {tuple(shape)}")
        out.append(index)
    return tuple(out)


def reduce_shape(shape, names, axes, keep_axes) -> tuple[tuple[int, ...], tuple]:
    """The shape and names left after reducing ``axes`` (all when ``axes`` is None).

    >>> reduce_shape((2, 3), ("x", "y"), (0,), False)
    ((3,), ('y',))
    >>> reduce_shape((2, 3), ("x", "y"), None, True)
    ((1, 1), ('x', 'y'))
    """
    axes = range(len(shape)) if axes is None else axes
    if keep_axes:
        return (tuple(1 if i in axes else d for i, d in enumerate(shape)), tuple(names))
    keep = [i for i in range(len(shape)) if i not in axes]
    return tuple(shape[i] for i in keep), tuple(names[i] for i in keep)


def can_broadcast_to(shape, target, axes) -> bool:
    """Whether ``shape`` maps onto ``target`` with ``shape``'s dimension i placed at
    ``target`` axis ``axes[i]`` (each dimension equal to the target's or 1).

    >>> can_broadcast_to((3, 1), (2, 3, 4), (1, 2)), can_broadcast_to((3,), (2, 4), (1,))
    (True, False)
    """
    return all(shape[i] in (1, target[a]) for i, a in enumerate(axes))


def broadcast_axes(shape, target) -> tuple[int, ...]:
    """The default axes of an explicit broadcast: ``shape`` aligned to the right of ``target``.

    >>> broadcast_axes((3,), (2, 3)), broadcast_axes((2, 2, 2), (2, 2, 2, 2, 2))
    ((1,), (2, 3, 4))
    >>> broadcast_axes((2, 3), (3,))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot broadcast tensor of dimensions (2, 3) to (3,)
    """
    offset = len(target) - len(shape)
    if offset < 0:
        raise ShapeError(f"cannot broadcast tensor of dimensions {tuple(shape)} to {tuple(target)}")
    return tuple(range(offset, len(target)))


def check_broadcast(shape, target, axes) -> None:
    """Check an explicit broadcast of ``shape`` to ``target`` with normalised ``axes``
    (Nx's ``broadcast!``): one axis per dimension, in increasing order, each
    dimension 1 or equal to the target's.

    >>> check_broadcast((4, 2, 2), (1, 1), (0, 1, 2))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot broadcast tensor of dimensions (4, 2, 2) to (1, 1) with axes [0, 1, 2]
    >>> check_broadcast((2, 2), (2, 2, 2), (1, 0))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: broadcast axes must be ordered, got 0 after 1
    """
    shape, target, axes = tuple(shape), tuple(target), list(axes)
    if len(axes) != len(shape):
        raise ShapeError(
            f"expected length of axes ({len(axes)}) to match rank of shape ({len(shape)}), "
            f"broadcasting {shape} to {target} with axes {axes}")
    if len(shape) > len(target):
        raise ShapeError(
            f"cannot broadcast tensor of dimensions {shape} to {target} with axes {axes}")
    last = -1
    for i, a in enumerate(axes):
        if a < last:
            raise ShapeError(f"broadcast axes must be ordered, got {a} after {last}")
        last = a
        if not 0 <= a < len(target) or shape[i] not in (1, target[a]):
            raise ShapeError(
                f"cannot broadcast tensor of dimensions {shape} to {target} with axes {axes}")
