"""What a tensor's shape says: ``nx.shape``, ``nx.rank``, ``nx.size``, ``nx.axes``,
``nx.names``, ``nx.axis_size``, ``nx.axis_index``, ``nx.flat_size``,
``nx.byte_size``, ``nx.bit_size`` and ``nx.is_compatible`` (Nx's ``compatible?``).

They read metadata only, so they are plain functions rather than spec ops.
Each takes a tensor, a Python number (a scalar of its inferred type) or, where
Nx does, a shape tuple. Nx's lists (axes, names) are Python lists; its tuples
(shapes) are Python tuples. With no vectorized axes yet, ``flat_size`` equals
``size``.
"""

from __future__ import annotations

from spec import types
from spec.shapes import normalize_axis, shape_of

__all__ = ["shape", "rank", "size", "flat_size", "axes", "names", "axis_size", "axis_index",
           "byte_size", "bit_size", "is_compatible"]

_NUMBER = (bool, int, float, complex)


def shape(tensor) -> tuple:
    """The shape of a tensor (a number is a scalar; a shape is returned checked).

    >>> nx.shape(nx.tensor([[1, 2, 3], [4, 5, 6]])), nx.shape(1), nx.shape((1, 2, 3))
    ((2, 3), (), (1, 2, 3))
    >>> nx.shape("x")
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected a shape (a tuple with the size of each dimension), a tensor or a number for shape, got: 'x'
    """
    return shape_of(tensor)


def rank(tensor) -> int:
    """The number of axes of a tensor or shape.

    >>> nx.rank(nx.tensor(1)), nx.rank(nx.tensor([[1, 2, 3], [4, 5, 6]])), nx.rank((1, 2, 3))
    (0, 2, 3)
    """
    return len(shape_of(tensor))


def size(tensor) -> int:
    """The number of elements of a tensor or shape.

    >>> nx.size(nx.tensor([[1, 2, 3], [4, 5, 6]])), nx.size(1), nx.size((1, 2, 3, 2))
    (6, 1, 12)
    """
    n = 1
    for d in shape_of(tensor):
        n *= d
    return n


def flat_size(tensor) -> int:
    """The number of elements including vectorized axes (here: :func:`size`).

    >>> nx.flat_size(nx.tensor([[1, 2, 3], [4, 5, 6]])), nx.flat_size(10)
    (6, 1)
    """
    return size(tensor)


def axes(tensor) -> list:
    """The axes of a tensor or shape, as a list of indices.

    >>> nx.axes(nx.tensor([[1, 2, 3], [4, 5, 6]])), nx.axes(1), nx.axes((1, 2, 3))
    ([0, 1], [], [0, 1, 2])
    """
    return list(range(rank(tensor)))


def _names(tensor):
    if hasattr(tensor, "names") and hasattr(tensor, "type"):
        return list(tensor.names)
    return [None] * rank(tensor)


def names(tensor) -> list:
    """The names of the axes of a tensor (None for an unnamed axis).

    >>> nx.names(nx.tensor([[1, 2, 3], [4, 5, 6]], names=["batch", "data"]))
    ['batch', 'data']
    >>> nx.names(nx.tensor([1, 2, 3])), nx.names(5)
    ([None], [])
    """
    return _names(tensor)


def axis_index(tensor, axis) -> int:
    """The index of ``axis`` (an index, negative from the end, or a name).

    >>> t = nx.iota((100, 10, 20), names=["batch", "x", "y"])
    >>> nx.axis_index(t, 0), nx.axis_index(t, -1), nx.axis_index(t, "x")
    (0, 2, 1)
    >>> nx.axis_index(t, 3)
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (3) invalid for shape (100, 10, 20) with rank 3
    >>> nx.axis_index(t, "z")
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: name 'z' not found in tensor with names ['batch', 'x', 'y'] and shape (100, 10, 20)
    """
    return normalize_axis(axis, shape_of(tensor), _names(tensor))


def axis_size(tensor, axis) -> int:
    """The size of ``axis`` (an index or a name).

    >>> nx.axis_size(nx.iota((100, 10, 20)), 0)
    100
    >>> nx.axis_size(nx.iota((100, 10, 20), names=["batch", "x", "y"]), "y")
    20
    """
    return shape_of(tensor)[axis_index(tensor, axis)]


def _type(tensor):
    return tensor.type if hasattr(tensor, "type") else types.infer(tensor)


def bit_size(tensor) -> int:
    """The number of bits of the tensor's data (elements times bits per element).

    >>> nx.bit_size(nx.tensor([[1, 2, 3], [4, 5, 6]])), nx.bit_size(nx.tensor([[1, 2, 3], [3, 2, 1]], type="u2"))
    (192, 12)
    >>> nx.bit_size(1)
    32
    """
    return flat_size(tensor) * _type(tensor).bits


def byte_size(tensor) -> int:
    """The number of whole bytes of the tensor's data (rounded down for the 2-
    and 4-bit types; see :func:`bit_size`).

    >>> nx.byte_size(nx.tensor([[1, 2, 3], [4, 5, 6]])), nx.byte_size(nx.tensor([1, 2, 3], type="u8"))
    (24, 3)
    >>> nx.byte_size(nx.tensor([1, 2, 3], type="u4")), nx.byte_size(1)
    (1, 4)
    """
    return bit_size(tensor) // 8


def _compatible_names(left, right):
    return all(a is None or b is None or a == b for a, b in zip(left, right))


def is_compatible(left, right) -> bool:
    """Whether two tensors (or numbers, or tuples, lists and dicts of them) have
    the same types and shapes, and names that do not conflict (Nx's
    ``compatible?``).

    >>> nx.is_compatible(nx.iota((3, 2)), nx.iota((3, 2)))
    True
    >>> nx.is_compatible(nx.iota((3, 2), names=["rows", None]), nx.iota((3, 2), names=["rows", "columns"]))
    True
    >>> nx.is_compatible(nx.iota((3, 2), names=["foo", "bar"]), nx.iota((3, 2), names=["rows", "columns"]))
    False
    >>> nx.is_compatible(nx.iota((3, 2)), nx.iota((2, 3))), nx.is_compatible(nx.iota((2, 2)), nx.iota((2, 2), type="f32"))
    (False, False)
    >>> nx.is_compatible((nx.iota((3, 2)), (1, 2)), (nx.iota((3, 2)), (3, 4)))
    True
    >>> nx.is_compatible({"foo": nx.iota((3, 2))}, {"bar": nx.iota((3, 2))})
    False
    """
    if isinstance(left, dict) or isinstance(right, dict):
        return (isinstance(left, dict) and isinstance(right, dict) and left.keys() == right.keys()
                and all(is_compatible(left[k], right[k]) for k in left))
    if isinstance(left, (tuple, list)) or isinstance(right, (tuple, list)):
        return (type(left) is type(right) and len(left) == len(right)
                and all(is_compatible(a, b) for a, b in zip(left, right)))
    for x in (left, right):
        if not (isinstance(x, _NUMBER) or hasattr(x, "type") and hasattr(x, "shape")):
            return False
    return (_type(left) == _type(right) and shape_of(left) == shape_of(right)
            and _compatible_names(_names(left), _names(right)))
