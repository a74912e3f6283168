"""``t[...]`` access on tensors.

Only integer indices along the first axis are supported here so far; slices,
``...``, named access and tensor indices come with the shape and indexing ops
(issue 3), and raise a clear error until then.
"""

from __future__ import annotations

from spec.errors import ArgumentError

__all__ = ["getitem"]


def getitem(tensor, index):
    raise ArgumentError(
        f"tensor indexing ({index!r}) is not supported yet: it arrives with the shape "
        f"and indexing ops")
