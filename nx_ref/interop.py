"""Exchange with numpy: ``nx.to_numpy(t)`` (also ``t.to_numpy()``) and ``nx.from_numpy(a)``.

Types map one to one:

* ``u8``..``u64``, ``s8``..``s64``, ``f16``, ``f32``, ``f64``, ``c64``, ``c128`` to
  numpy's dtypes of the same name;
* ``bf16``, ``f8`` and ``f8_e4m3fn`` to ``ml_dtypes``' ``bfloat16``, ``float8_e5m2``
  and ``float8_e4m3fn`` (numpy has no such dtypes);
* ``s2``, ``s4``, ``u2``, ``u4`` to ``ml_dtypes``' ``int2``, ``int4``, ``uint2``,
  ``uint4``. numpy has no dtype narrower than a byte: these hold one element per
  byte, so the packed layout (see :mod:`spec.codec`) is unpacked into a new array
  on the way out and packed again on the way in;
* numpy's ``bool`` becomes ``u8`` (0 and 1), as Nx stores booleans.

``to_numpy`` shares the reference backend's storage without copying wherever the
layout is the same (every type but the packed ones); the array is always
read-only (a tensor never changes), so ``.copy()`` it to write. ``from_numpy``
copies (the array may change after the call), into C order and little-endian
whatever the input's strides and byte order. Other dtypes (object, strings,
datetimes, structured, ``longdouble``, ml_dtypes' other formats) raise
:class:`~spec.errors.TypeError_`.

>>> import nx_ref as nx
>>> a = nx.to_numpy(nx.tensor([[1, 2], [3, 4]], type="s16"))
>>> a.dtype.name, a.shape, a.flags.writeable
('int16', (2, 2), False)
>>> nx.from_numpy(a.T * 2, names=["x", "y"])
#Nx.Tensor<
  s16[x: 2][y: 2]
  [
    [2, 6],
    [4, 8]
  ]
>
"""

from __future__ import annotations

from spec import types
from spec.errors import TypeError_

__all__ = ["to_numpy", "from_numpy", "numpy_dtype", "nx_type"]

_NUMPY_NAMES = {
    "u8": "uint8", "u16": "uint16", "u32": "uint32", "u64": "uint64",
    "s8": "int8", "s16": "int16", "s32": "int32", "s64": "int64",
    "f16": "float16", "f32": "float32", "f64": "float64",
    "c64": "complex64", "c128": "complex128",
}
_ML_NAMES = {"bf16": "bfloat16", "f8": "float8_e5m2", "f8_e4m3fn": "float8_e4m3fn",
             "s2": "int2", "s4": "int4", "u2": "uint2", "u4": "uint4"}
_SUPPORTED = ("bool, int8..int64, uint8..uint64, float16, float32, float64, complex64, "
              "complex128, and ml_dtypes' " + ", ".join(_ML_NAMES.values()))


def _ml_dtype(ml_name, nx_name):
    try:
        import ml_dtypes
    except ImportError:
        raise TypeError_(f"{nx_name} tensors need the ml_dtypes package to convert to and from "
                         f"numpy (numpy has no {ml_name} dtype)") from None
    if not hasattr(ml_dtypes, ml_name):
        raise TypeError_(f"{nx_name} tensors need ml_dtypes with {ml_name} (version 0.5 or later) "
                         f"to convert to and from numpy")
    return getattr(ml_dtypes, ml_name)


def numpy_dtype(type_):
    """The numpy dtype of an nx type (little-endian).

    >>> numpy_dtype("f32").str, numpy_dtype("bf16").name, numpy_dtype("s4").name
    ('<f4', 'bfloat16', 'int4')
    """
    import numpy as np
    t = types.normalize(type_)
    if t.name in _NUMPY_NAMES:
        return np.dtype(_NUMPY_NAMES[t.name]).newbyteorder("<")
    return np.dtype(_ml_dtype(_ML_NAMES[t.name], t.name))


def nx_type(dtype):
    """The nx type of a numpy dtype (of either byte order).

    >>> import numpy as np
    >>> nx_type(np.dtype(">f4")), nx_type(np.dtype("bool"))
    (Type('f32'), Type('u8'))
    >>> nx_type(np.dtype("U3"))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: numpy dtype <U3 (str) has no nx type; supported: bool, int8..int64, uint8..uint64, float16, float32, float64, complex64, complex128, and ml_dtypes' bfloat16, float8_e5m2, float8_e4m3fn, int2, int4, uint2, uint4
    """
    import numpy as np
    dtype = np.dtype(dtype)
    if _is_ml_dtype(dtype):
        for name, ml_name in _ML_NAMES.items():
            if dtype.name == ml_name:
                return types.normalize(name)
    elif dtype.kind == "b":
        return types.normalize("u8")
    elif dtype.kind in "iufc" and dtype.fields is None:
        for name, np_name in _NUMPY_NAMES.items():
            if dtype.newbyteorder("=") == np.dtype(np_name):
                return types.normalize(name)
    raise TypeError_(f"numpy dtype {dtype.str} ({_describe(dtype)}) has no nx type; "
                     f"supported: {_SUPPORTED}")


def _is_ml_dtype(dtype) -> bool:
    return dtype.type.__module__.split(".")[0] == "ml_dtypes"


def _describe(dtype) -> str:
    if _is_ml_dtype(dtype):
        return dtype.name
    return {"O": "object", "U": "str", "S": "bytes", "M": "datetime64", "m": "timedelta64",
            "V": "structured" if dtype.fields else "void"}.get(dtype.kind, dtype.name)


def to_numpy(tensor):
    """A read-only numpy array with the tensor's data, its shape and its type
    (see the module docstring for the type map); it shares the reference
    backend's storage where the layout allows.

    >>> import nx_ref as nx
    >>> nx.to_numpy(nx.tensor([1.5, -2.0], type="bf16"))
    array([1.5, -2], dtype=bfloat16)
    >>> nx.to_numpy(nx.tensor([-8, 7], type="s4")).tolist()
    [-8, 7]
    """
    import numpy as np
    from nx_ref.tensor import Tensor
    if not isinstance(tensor, Tensor):
        raise TypeError_(f"nx.to_numpy expects a tensor, got {type(tensor).__name__}: {tensor!r:.80}")
    t = tensor
    dtype = numpy_dtype(t.type)
    buf = getattr(t.data, "buf", None)
    if buf is None or getattr(t.data, "count", None) != t.size:
        buf = t.backend.to_binary(t)
    if t.type.bits < 8:   # a new array, over read-only bytes so that it stays read-only
        arr = np.frombuffer(_unpack(t.type, np.frombuffer(buf, np.uint8), t.size).tobytes(), dtype)
    else:
        if not isinstance(buf, bytes):
            buf = memoryview(buf).toreadonly()   # no copy; and it cannot be made writable
        arr = np.frombuffer(buf, dtype=dtype, count=t.size)
    arr = arr.reshape(t.shape)
    arr.flags.writeable = False
    return arr


def from_numpy(array, *, names=None, backend=None):
    """A tensor with a copy of the data of a numpy array (or of anything
    ``np.asarray`` takes: numpy scalars, objects with ``__array__``), its shape
    and the nx type of its dtype.

    >>> import numpy as np
    >>> import nx_ref as nx
    >>> nx.from_numpy(np.array([True, False]))
    #Nx.Tensor<
      u8[2]
      [1, 0]
    >
    >>> nx.from_numpy(np.arange(6, dtype=">i8").reshape(2, 3)[:, ::2]).to_list()
    [[0, 2], [3, 5]]
    """
    import numpy as np
    from nx_ref import backend as _backend
    from spec.names import validate_names
    from spec.registry import TensorSpec
    if not hasattr(array, "__array_interface__") and hasattr(array, "__dlpack__"):
        array = np.from_dlpack(array)
    arr = np.asarray(array)
    t = nx_type(arr.dtype)
    if t.bits < 8:
        data = _pack(t, np.asarray(arr, order="C").view(np.int8 if t.kind == "s" else np.uint8))
    else:
        little = np.dtype("u1") if arr.dtype.kind == "b" else arr.dtype if _is_ml_dtype(arr.dtype) \
            else arr.dtype.newbyteorder("<")
        data = np.asarray(arr, dtype=little, order="C").tobytes()
    out = TensorSpec(t, tuple(arr.shape), validate_names(names, arr.ndim))
    target = _backend.default_backend() if backend is None else _backend._as_backend(backend)
    return target.from_binary(out, data)


def _unpack(type_, raw, count):
    """The 2- or 4-bit fields of packed bytes, most significant first, as int8/uint8."""
    import numpy as np
    bits = type_.bits
    per = 8 // bits
    shifts = np.array([8 - bits * (j + 1) for j in range(per)], np.uint8)
    fields = ((raw[:, None] >> shifts) & ((1 << bits) - 1)).reshape(-1)[:count]
    if type_.kind == "s":  # sign-extend
        half = 1 << (bits - 1)
        return ((fields.astype(np.int16) ^ half) - half).astype(np.int8)
    return fields.astype(np.uint8)


def _pack(type_, ints) -> bytes:
    """Pack int8/uint8 values as 2- or 4-bit fields, most significant first."""
    import numpy as np
    bits = type_.bits
    per = 8 // bits
    fields = (ints.reshape(-1).view(np.uint8) & ((1 << bits) - 1)).astype(np.uint8)
    fields = np.concatenate([fields, np.zeros(-fields.size % per, np.uint8)]).reshape(-1, per)
    packed = np.zeros(fields.shape[0], np.uint8)
    for j in range(per):
        packed |= fields[:, j] << np.uint8(8 - bits * (j + 1))
    return packed.tobytes()
