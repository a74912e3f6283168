"""Shape rules: broadcasting, axis normalisation and reduction shapes.

Shapes are tuples of non-negative ints; axes may be given as ints (negative ones
count from the end) or as axis names. Every error names the argument, the axis
and the shapes involved.

>>> broadcast_shapes((7, 1, 5), (8, 1, 6, 1))
(8, 7, 6, 5)
>>> normalize_axes([-1, "x"], (2, 3), ("x", None))
(1, 0)
"""

from __future__ import annotations

from spec.errors import AxisError, NameError_, ShapeError

__all__ = [
    "validate_shape", "size", "broadcast_shapes", "normalize_axis", "normalize_axes",
    "reduce_shape", "can_broadcast_to", "broadcast_axes",
]


def validate_shape(shape, argument="shape") -> tuple[int, ...]:
    """Check a user-given shape and return it as a tuple.

    >>> validate_shape([2, 3])
    (2, 3)
    >>> validate_shape((2, -1))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: invalid dimension in shape (2, -1): expected non-negative integers
    """
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise ShapeError(f"invalid {argument} {shape!r}: expected a tuple of integers") from None
    for d in shape:
        if not isinstance(d, int) or isinstance(d, bool) or d < 0:
            raise ShapeError(
                f"invalid dimension in {argument} {shape!r}: expected non-negative integers")
    return shape


def size(shape) -> int:
    """Number of elements of a shape.

    >>> size((2, 3)), size(())
    (6, 1)
    """
    n = 1
    for d in shape:
        n *= d
    return n


def broadcast_shapes(left, right) -> tuple[int, ...]:
    """Implicit broadcasting of two shapes: aligned on the right, each pair of
    dimensions must be equal or one of them 1.

    >>> broadcast_shapes((5, 4), (1,))
    (5, 4)
    >>> broadcast_shapes((4, 2, 5), (3, 2, 5))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot broadcast tensor of dimensions (4, 2, 5) to (3, 2, 5)
    """
    if left == right:
        return left
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
    spec.errors.AxisError: given axis (2) invalid for shape with rank 2
    >>> normalize_axis("z", (2, 3), ("x", "y"))
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: key 'z' not found in tensor with names ('x', 'y')
    """
    rank = len(shape)
    if isinstance(axis, str):
        names = tuple(names) if names is not None else (None,) * rank
        if axis in names:
            return names.index(axis)
        raise NameError_(f"key {axis!r} not found in tensor with names {names}")
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise AxisError(f"invalid {argument} {axis!r}: expected an integer or an axis name")
    index = axis + rank if axis < 0 else axis
    if not 0 <= index < rank:
        raise AxisError(f"given {argument} ({axis}) invalid for shape with rank {rank}")
    return index


def normalize_axes(axes, shape, names=None, argument="axes") -> tuple[int, ...]:
    """Normalise a list of axes, rejecting duplicates.

    >>> normalize_axes([0, -1], (2, 3, 4))
    (0, 2)
    >>> normalize_axes([1, -2], (2, 3, 4))
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: axes [1, -2] contain duplicate axis 1 for shape (2, 3, 4)
    """
    if isinstance(axes, (int, str)):
        axes = [axes]
    out = []
    for axis in axes:
        index = normalize_axis(axis, shape, names, argument=argument[:-1] if argument.endswith("s") else argument)
        if index in out:
            raise AxisError(
                f"{argument} {list(axes)!r} contain duplicate axis {index} for shape {tuple(shape)}")
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
    ``target`` axis ``axes[i]`` (each dimension equal to the target's or 1)."""
    return all(shape[i] in (1, target[a]) for i, a in enumerate(axes))


def broadcast_axes(shape, target) -> tuple[int, ...]:
    """The default axes of an explicit broadcast: ``shape`` aligned to the right of ``target``.

    >>> broadcast_axes((3,), (2, 3))
    (1,)
    """
    offset = len(target) - len(shape)
    if offset < 0:
        raise ShapeError(
            f"cannot broadcast tensor of dimensions {tuple(shape)} to {tuple(target)}: "
            f"the target has a lower rank")
    return tuple(range(offset, len(target)))
