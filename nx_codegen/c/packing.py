"""The packed layout of the 2- and 4-bit integers in C buffers.

Kernels hold u2, u4, s2 and s4 values as :mod:`spec.codec` lays them out:
``8 // bits`` elements per byte, element 0 in the high bits. Tensors of the C
backend hold them one per byte (numpy arrays of ml_dtypes' int2/int4 types), so
the compiler packs its inputs and unpacks its outputs at the boundary.

>>> import numpy as np, ml_dtypes
>>> a = np.array([1, -2, 3, -8, 7], dtype=ml_dtypes.int4)
>>> pack(a, "s4").tolist()          # 0x1e, 0x38, 0x70
[30, 56, 112]
>>> unpack(pack(a, "s4"), "s4", (5,)).tolist()
[1, -2, 3, -8, 7]
"""

from __future__ import annotations

import numpy as np

from spec import types

__all__ = ["BITS", "pack", "unpack", "packed_size"]

BITS = {"s2": 2, "u2": 2, "s4": 4, "u4": 4}


def packed_size(t, count) -> int:
    """Bytes holding ``count`` elements of the packed type ``t``."""
    per = 8 // BITS[t]
    return -(-count // per)


def _shifts(bits):
    per = 8 // bits
    return ((per - 1 - np.arange(per)) * bits).astype(np.uint8)


def pack(array, t) -> np.ndarray:
    """The packed bytes (a flat ``uint8`` array) of the values of ``array``."""
    bits = BITS[t]
    per = 8 // bits
    flat = np.ascontiguousarray(array).reshape(-1).view(np.uint8) & np.uint8((1 << bits) - 1)
    pad = -flat.size % per
    if pad:
        flat = np.concatenate([flat, np.zeros(pad, np.uint8)])
    return np.bitwise_or.reduce(flat.reshape(-1, per) << _shifts(bits), axis=1).astype(np.uint8) \
        if flat.size else np.zeros(0, np.uint8)


def unpack(data, t, shape) -> np.ndarray:
    """The values of packed bytes ``data`` as an array of ``t`` and ``shape``."""
    from nx_ref import interop
    bits = BITS[t]
    count = int(np.prod(shape, dtype=np.int64))
    values = ((np.asarray(data, np.uint8)[:, None] >> _shifts(bits)) & np.uint8((1 << bits) - 1))
    values = values.reshape(-1)[:count]
    if types.normalize(t).kind == "s":
        sign = np.uint8(1 << (bits - 1))
        values = ((values ^ sign).astype(np.int16) - int(sign)).astype(np.int8)
    return values.view(interop.numpy_dtype(t)).reshape(shape)
