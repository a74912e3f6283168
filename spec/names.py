"""Naming rules: how axis names combine and are checked.

A tensor has one name (a string) or ``None`` per axis. Binary operations align
names the way they align dimensions (from the right) and merge each pair: ``None``
takes the other name, equal names stay, and two different names are an error
that names both axes.

>>> merge_names(("x", None), (None, "y"))
('x', 'y')
>>> broadcast_names((5, 4), (None, None), (1,), ("data",))
(None, 'data')
"""

from __future__ import annotations

from spec.errors import NameError_

__all__ = ["validate_names", "merge_names", "broadcast_names"]


def validate_names(names, rank) -> tuple:
    """Check user-given names for a tensor of ``rank`` axes: one per axis, each a
    string or ``None``.

    One rule is the spec's own: Nx accepts the same name on two axes; here a
    user-given name may appear only once, since a name must pick one axis.

    >>> validate_names(None, 2), validate_names(["x", None], 2)
    ((None, None), ('x', None))
    >>> validate_names(["x"], 2)
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: invalid names ['x'] for tensor of rank 2: when specifying names every dimension must have a name or be None
    >>> validate_names(["x", "x"], 2)
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: invalid names ['x', 'x']: axis name 'x' appears more than once
    """
    if names is None:
        return (None,) * rank
    if isinstance(names, str):
        names = [names]
    try:
        names = list(names)
    except TypeError:
        raise NameError_(f"invalid names {names!r:.80}: expected a list with one name (or None) "
                         f"per dimension") from None
    if len(names) != rank:
        raise NameError_(
            f"invalid names {names!r} for tensor of rank {rank}: when specifying names every "
            f"dimension must have a name or be None")
    seen = set()
    for name in names:
        if name is None:
            continue
        if not isinstance(name, str):
            raise NameError_(f"invalid names {names!r}: each name must be a string or None, "
                             f"got {name!r}")
        if name in seen:
            raise NameError_(f"invalid names {names!r}: axis name {name!r} appears more than once")
        seen.add(name)
    return tuple(names)


def _merge(left, right, laxis, raxis):
    if left is None:
        return right
    if right is None or left == right:
        return left
    raise NameError_(
        f"cannot merge name {left!r} on axis {laxis} with name {right!r} on axis {raxis}")


def merge_names(left, right) -> tuple:
    """Merge two name tuples of the same length, axis by axis.

    >>> merge_names(("batch", "x"), ("time", "x"))
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: cannot merge name 'batch' on axis 0 with name 'time' on axis 0
    """
    return tuple(_merge(l, r, i, i) for i, (l, r) in enumerate(zip(left, right)))


def broadcast_names(lshape, lnames, rshape, rnames) -> tuple:
    """Names of the result of implicitly broadcasting two tensors: aligned from the
    right; an axis present in one tensor only keeps that tensor's name.

    >>> broadcast_names((3, 1), ("x", "y"), (15, 3, 5), ("batch", "x", None))
    ('batch', 'x', 'y')
    """
    rank = max(len(lshape), len(rshape))
    lpad = (None,) * (rank - len(lnames)) + tuple(lnames)
    rpad = (None,) * (rank - len(rnames)) + tuple(rnames)
    return tuple(_merge(l, r, i, i) for i, (l, r) in enumerate(zip(lpad, rpad)))
