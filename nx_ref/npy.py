"""``nx.load_numpy`` and ``nx.load_numpy_archive``: numpy's ``.npy`` and ``.npz``
files read without numpy (Nx's ``load_numpy!`` and ``load_numpy_archive!``).

A ``.npy`` file is the magic ``b"\\x93NUMPY"``, a major and a minor version byte
(1.0, 2.0 or 3.0), the header length (2 bytes little-endian in 1.0, 4 bytes in
2.0 and 3.0), the header, and the array's bytes. The header is the text of a
Python dict with the keys ``descr`` (the dtype), ``fortran_order`` and
``shape``; it is read with :func:`ast.literal_eval`, which parses literals and
never runs code, and it is limited to 10,000 bytes as numpy limits it. Object
arrays (which need pickle), strings, structured and void dtypes are rejected.

The dtypes read, in either byte order: ``b1`` (bool, as u8 holding 0 and 1),
``i1``..``i8``, ``u1``..``u8``, ``f2``, ``f4``, ``f8``, ``c8``, ``c16``: the nx
types s8..s64, u8..u64, f16, f32, f64, c64, c128. (Nx reads the integer and
float ones.) Fortran-ordered arrays are read column-major into a tensor of the
same shape; big-endian data is swapped into our little-endian layout. Bytes
after the array's data are ignored, as numpy and Nx ignore them.

A ``.npz`` file is a zip archive (stored or deflated) of ``.npy`` members.

>>> import nx_ref as nx
>>> header = b"{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"
>>> data = b"\\x93NUMPY\\x01\\x00" + bytes([len(header), 0]) + header + bytes([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0])
>>> nx.load_numpy(data)
#Nx.Tensor<
  s32[3]
  [1, 2, 3]
>
"""

from __future__ import annotations

import ast
import io
import struct
import sys
import zipfile
from typing import NamedTuple

from spec import codec, types
from spec.errors import ArgumentError, TypeError_
from spec.registry import TensorSpec

__all__ = ["load_numpy", "load_numpy_archive", "parse_header", "Header", "MAX_HEADER_SIZE"]

MAGIC = b"\x93NUMPY"
MAX_HEADER_SIZE = 10_000
_KINDS = {"b": "u", "i": "s", "u": "u", "f": "f", "c": "c"}
_SIZES = {"b": (1,), "i": (1, 2, 4, 8), "u": (1, 2, 4, 8), "f": (2, 4, 8), "c": (8, 16)}


def _bytes(fname, data) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    hint = " (read the file first: open(path, 'rb').read())" if isinstance(data, str) else ""
    raise TypeError_(f"nx.{fname} expects the bytes of a file{hint}, got "
                     f"{data.__class__.__name__}: {data!r:.60}")


def _corrupt(detail) -> ArgumentError:
    return ArgumentError(f"unable to parse NumPy file, it may be corrupted or invalid: {detail}")


def load_numpy(data):
    """The tensor stored in the bytes of a ``.npy`` file (see :mod:`nx_ref.npy`).

    >>> import nx_ref as nx
    >>> nx.load_numpy(b"not a numpy file")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: unable to parse NumPy file, it may be corrupted or invalid: it does not start with b'\\x93NUMPY'
    """
    data = _bytes("load_numpy", data)
    if not data.startswith(MAGIC) or len(data) < 8:
        raise _corrupt(f"it does not start with {MAGIC!r}")
    major, minor = data[6], data[7]
    if (major, minor) not in ((1, 0), (2, 0), (3, 0)):
        raise _corrupt(f"unknown format version {major}.{minor} (1.0, 2.0 and 3.0 are read)")
    size_format = "<H" if major == 1 else "<I"
    start = 8 + struct.calcsize(size_format)
    if len(data) < start:
        raise _corrupt("the header length is truncated")
    (header_len,) = struct.unpack_from(size_format, data, 8)
    if header_len > MAX_HEADER_SIZE:
        raise _corrupt(f"the header is {header_len} bytes, more than the {MAX_HEADER_SIZE} "
                       f"allowed")
    if len(data) < start + header_len:
        raise _corrupt(f"the header is truncated ({len(data) - start} of {header_len} bytes)")
    encoding = "utf-8" if major == 3 else "latin-1"
    try:
        header = data[start:start + header_len].decode(encoding)
    except UnicodeDecodeError as e:
        raise _corrupt(f"the header is not {encoding} text ({e})") from None
    return _tensor(data[start + header_len:], parse_header(header))


class Header(NamedTuple):
    """What a ``.npy`` header says: the nx type, the byte order (``"<"`` or
    ``">"``), the shape, the order of the data, and whether numpy's dtype is bool."""

    type: types.Type
    byte_order: str
    shape: tuple
    fortran_order: bool
    is_bool: bool


def parse_header(header: str) -> Header:
    """The :class:`Header` of a ``.npy`` header's text, checked key by key.

    >>> parse_header("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }")
    Header(type=Type('f64'), byte_order='>', shape=(2, 3), fortran_order=True, is_bool=False)
    >>> parse_header("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }")
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: unsupported numpy dtype '|O': object arrays need pickle, which nx never runs
    """
    try:
        meta = ast.literal_eval(header.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError) as e:
        raise _corrupt(f"the header is not a Python dict literal ({e.__class__.__name__})") from None
    if not isinstance(meta, dict) or set(meta) != {"descr", "fortran_order", "shape"}:
        raise _corrupt(f"the header must be a dict with the keys 'descr', 'fortran_order' and "
                       f"'shape', got: {header.strip()[:80]!r}")
    shape, fortran = meta["shape"], meta["fortran_order"]
    if not isinstance(shape, tuple) or not all(d.__class__ is int and d >= 0 for d in shape):
        raise _corrupt(f"the shape must be a tuple of non-negative integers, got: {shape!r:.60}")
    if fortran.__class__ is not bool:
        raise _corrupt(f"fortran_order must be True or False, got: {fortran!r:.40}")
    type_, order = _dtype(meta["descr"])
    return Header(type_, order, shape, fortran, meta["descr"][1:] == "b1")


def _dtype(descr):
    if not isinstance(descr, str):
        raise TypeError_(f"unsupported numpy dtype {descr!r:.60}: structured dtypes have no "
                         f"nx type")
    if descr.lstrip("<>|=").startswith("O"):
        raise TypeError_(f"unsupported numpy dtype {descr!r}: object arrays need pickle, which "
                         f"nx never runs")
    order, kind, digits = descr[:1], descr[1:2], descr[2:]
    if order not in "<>|=" or kind not in _KINDS or not digits.isdigit() \
            or int(digits) not in _SIZES[kind]:
        raise TypeError_(f"unsupported numpy dtype {descr!r}: nx reads bool, integers (i1..i8, "
                         f"u1..u8), floats (f2, f4, f8) and complex numbers (c8, c16)")
    size = int(digits)
    if order == "|" and size != 1:
        raise _corrupt(f"dtype {descr!r} has no byte order")
    if order in "|=":
        order = "<" if sys.byteorder == "little" else ">"
    return types.normalize((_KINDS[kind], 8 * size)), order


def _tensor(array: bytes, header: Header):
    from nx_ref import api
    from nx_ref.backend import default_backend
    type_, order, shape, fortran, is_bool = header
    count = 1
    for d in shape:
        count *= d
    nbytes = codec.nbytes(type_, count)
    if len(array) < nbytes:
        raise _corrupt(f"the array data is truncated ({len(array)} of {nbytes} bytes)")
    array = array[:nbytes]
    if order == ">":
        array = _swap(array, type_.bits // 8 // (2 if type_.is_complex else 1))
    if is_bool:     # numpy's bools are bytes; anything but 0 reads as True (1)
        array = array.translate(_BOOL)
    fortran = fortran and len(shape) > 1
    stored = tuple(reversed(shape)) if fortran else shape     # the order of the bytes
    t = default_backend().from_binary(TensorSpec(type_, stored, (None,) * len(shape)), array)
    return api.transpose(t) if fortran else t


_BOOL = bytes([0] + [1] * 255)


def _swap(data: bytes, width: int) -> bytes:
    """Reverse the bytes of each ``width``-byte field."""
    if width == 1:
        return data
    out = bytearray(len(data))
    for j in range(width):
        out[j::width] = data[width - 1 - j::width]
    return bytes(out)


def load_numpy_archive(data):
    """The arrays of the bytes of a ``.npz`` archive, as a list of ``(name,
    tensor)`` pairs in the archive's order (names without ``.npy``); ``dict(...)``
    of it maps names to tensors.

    >>> import io, zipfile
    >>> import nx_ref as nx
    >>> header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
    >>> npy = b"\\x93NUMPY\\x01\\x00" + bytes([len(header), 0]) + header + bytes(8) + bytes(7) + b"\\x40"
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("bar.npy", npy)
    >>> nx.load_numpy_archive(buf.getvalue())
    [('bar', #Nx.Tensor<
      f64[2]
      [0.0, 2.0]
    >)]
    """
    data = _bytes("load_numpy_archive", data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise ArgumentError(f"unable to parse NumPy archive, it may be corrupted or invalid "
                            f"({e})") from None
    out = []
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            try:
                member = archive.read(info)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, ValueError) as e:
                raise ArgumentError(f"unable to parse NumPy archive, it may be corrupted or "
                                    f"invalid (member {info.filename!r}: {e})") from None
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            try:
                out.append((name, load_numpy(member)))
            except (ArgumentError, TypeError_) as e:
                raise e.__class__(f"{e} (member {info.filename!r} of the archive)") from None
    return out
