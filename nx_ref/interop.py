"""Exchange with numpy: ``to_numpy`` and ``from_numpy``.

Types map one to one (bf16 and the f8 types through ``ml_dtypes``, which numpy
lacks). The 2- and 4-bit integer types have no numpy dtype and convert to the
8-bit type of the same signedness. Data is shared without copying where the
layout allows (a reference tensor's ``array`` storage).

>>> import nx_ref as nx
>>> a = nx.to_numpy(nx.tensor([[1, 2], [3, 4]], type="s16"))
>>> a.dtype.name, a.shape
('int16', (2, 2))
>>> nx.from_numpy(a * 2).to_list()
[[2, 4], [6, 8]]
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
_ML_DTYPES = {"bf16": "bfloat16", "f8": "float8_e5m2", "f8_e4m3fn": "float8_e4m3fn"}


def numpy_dtype(type_):
    """The numpy dtype of an nx type (little-endian)."""
    import numpy as np
    t = types.normalize(type_)
    if t.name in _NUMPY_NAMES:
        return np.dtype(_NUMPY_NAMES[t.name]).newbyteorder("<")
    if t.name in _ML_DTYPES:
        try:
            import ml_dtypes
        except ImportError:
            raise TypeError_(f"converting {t} tensors to numpy needs the ml_dtypes package") from None
        return np.dtype(getattr(ml_dtypes, _ML_DTYPES[t.name]))
    return np.dtype("int8" if t.kind == "s" else "uint8")


def nx_type(dtype):
    """The nx type of a numpy dtype.

    >>> import numpy as np
    >>> nx_type(np.dtype("float32")), nx_type(np.dtype("bool"))
    (Type('f32'), Type('u8'))
    """
    import numpy as np
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return types.normalize("u8")
    for name, np_name in _NUMPY_NAMES.items():
        if dtype == np.dtype(np_name):
            return types.normalize(name)
    for name, ml_name in _ML_DTYPES.items():
        if dtype.name == ml_name:
            return types.normalize(name)
    raise TypeError_(f"numpy dtype {dtype} has no nx type")


def to_numpy(tensor):
    """A numpy array with the tensor's data (shared when possible, read-only then)."""
    import numpy as np
    t = tensor
    dtype = numpy_dtype(t.type)
    if t.type.is_integer and t.type.bits < 8:
        arr = np.array(t.backend.to_flat_list(t), dtype=dtype)
    else:
        buf = t.data.buf if hasattr(t.data, "buf") else t.backend.to_binary(t)
        arr = np.frombuffer(buf, dtype=dtype, count=t.size)
    return arr.reshape(t.shape)


def from_numpy(array, *, names=None, backend=None):
    """A tensor with the data of a numpy array (or anything ``np.asarray`` takes)."""
    import numpy as np
    from nx_ref import backend as _backend
    from nx_ref.reference.storage import Buffer
    from nx_ref.tensor import Tensor
    from spec.names import validate_names
    from spec.registry import TensorSpec
    arr = np.asarray(array)
    t = nx_type(arr.dtype)
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8)
    arr = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype)
    out = TensorSpec(t, tuple(arr.shape), validate_names(names, arr.ndim))
    target = _backend.default_backend() if backend is None else _backend._as_backend(backend)
    data = arr.tobytes()
    return target.from_binary(out, data)
