"""``nx.serialize`` and ``nx.deserialize``: tensors and containers of tensors as bytes.

The format is ours (Nx's own one is Erlang's ``term_to_binary``, which Python
cannot read safely). Loading never executes code: the header is JSON, checked
field by field, and the data is raw little-endian bytes.

Format, version 1 (all integers little-endian)::

    offset  size  field
    0       6     magic b"\\x93NXREF"
    6       1     version, 1
    7       1     flags: bit 0 set when the data section is zlib-compressed;
                  the other bits are 0
    8       4     H, the byte length of the header (u32)
    12      H     the header: UTF-8 JSON, see below
    12+H    8     D, the byte length of the data section as stored (u64)
    20+H    D     the data section
    20+H+D  4     CRC-32 (zlib.crc32) of every byte before it

Nothing follows the checksum. The header is an object with two keys:
``"data_size"``, the byte length of the data section once decompressed, and
``"root"``, the serialized value, one of:

* ``{"tensor": {"type": "f32", "shape": [2, 3], "names": ["x", null],
  "offset": 0, "size": 24}}``: a tensor whose data is ``size`` bytes of the
  (decompressed) data section from ``offset``, in :mod:`spec.codec`'s layout
  (row-major, little-endian, 2- and 4-bit types packed);
* ``{"tuple": [value, ...]}`` and ``{"list": [value, ...]}``;
* ``{"dict": [[key, value], ...]}``, keys strings or integers, in order.

Python numbers serialize as scalar tensors of their inferred type (as in Nx:
``deserialize(serialize(1.5))`` is ``nx.tensor(1.5)``); tuple, list and dict
subclasses come back as the base class.

>>> import nx_ref as nx
>>> data = nx.serialize({"w": nx.tensor([[1.5, 2.0]], names=["x", None]), "n": 3})
>>> data[:8]
b'\\x93NXREF\\x01\\x00'
>>> nx.deserialize(data)["w"]
#Nx.Tensor<
  f32[x: 1][2]
  [
    [1.5, 2.0]
  ]
>
"""

from __future__ import annotations

import json
import struct
import zlib

from spec import codec, types
from spec.errors import ArgumentError, TypeError_

__all__ = ["serialize", "deserialize", "MAGIC", "VERSION"]

MAGIC = b"\x93NXREF"
VERSION = 1
_COMPRESSED = 0x01
_PREFIX = struct.Struct("<6sBBI")      # magic, version, flags, header length
_DATA_LEN = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_MAX_DEPTH = 200                       # nesting of containers, on both sides


# -- serialize --------------------------------------------------------------------

def serialize(tensor_or_container, *, compressed=False) -> bytes:
    """Serialize a tensor, a number, or a tuple, list or dict of them (nested) to
    bytes in nx-ref's format (see :mod:`nx_ref.serialization`); ``compressed`` is
    ``True`` (zlib level 6, Erlang's default) or a zlib level from 0 (none) to 9.

    >>> import nx_ref as nx
    >>> nx.deserialize(nx.serialize(nx.tensor([1, 2, 3])))
    #Nx.Tensor<
      s32[3]
      [1, 2, 3]
    >
    >>> a, b = nx.deserialize(nx.serialize((nx.tensor([1, 2, 3]), {"b": nx.tensor([4, 5, 6])})))
    >>> b["b"]
    #Nx.Tensor<
      s32[3]
      [4, 5, 6]
    >
    >>> nx.deserialize(nx.serialize(nx.iota((100,)), compressed=9)).shape
    (100,)
    """
    level = _level(compressed)
    chunks = []
    root = _encode(tensor_or_container, chunks, [0], 0)
    data = b"".join(chunks)
    header = json.dumps({"data_size": len(data), "root": root}, separators=(",", ":"),
                        ensure_ascii=False).encode("utf-8")
    flags = 0
    if level:
        data = zlib.compress(data, level)
        flags |= _COMPRESSED
    body = b"".join([_PREFIX.pack(MAGIC, VERSION, flags, len(header)), header,
                     _DATA_LEN.pack(len(data)), data])
    return body + _CRC.pack(zlib.crc32(body))


def _level(compressed) -> int:
    if compressed is True:
        return 6
    if compressed is False or compressed is None:
        return 0
    if compressed.__class__ is int and 0 <= compressed <= 9:
        return compressed
    raise ArgumentError(f"nx.serialize: compressed must be True, False or a zlib level "
                        f"from 0 to 9, got: {compressed!r:.40}")


def _encode(value, chunks, offset, depth):
    from nx_ref.tensor import Tensor
    if depth > _MAX_DEPTH:
        raise ArgumentError(f"nx.serialize: containers nested deeper than {_MAX_DEPTH} levels")
    if isinstance(value, dict):
        return {"dict": [[_key(k), _encode(v, chunks, offset, depth + 1)] for k, v in value.items()]}
    if isinstance(value, (tuple, list)):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {kind: [_encode(v, chunks, offset, depth + 1) for v in value]}
    if not isinstance(value, Tensor):
        if not isinstance(value, (bool, int, float, complex)):
            raise TypeError_(
                f"nx.serialize: expected a tensor, a number, or a tuple, list or dict of "
                f"them, got {value.__class__.__name__}: {value!r:.80}")
        from nx_ref.containers import to_tensor
        value = to_tensor(value)
    binary = value.backend.to_binary(value)
    chunks.append(binary)
    node = {"type": value.type.name, "shape": list(value.shape), "names": list(value.names),
            "offset": offset[0], "size": len(binary)}
    offset[0] += len(binary)
    return {"tensor": node}


def _key(key):
    if isinstance(key, str) or (isinstance(key, int) and not isinstance(key, bool)):
        return key
    raise TypeError_(f"nx.serialize: dict keys must be strings or integers, got "
                     f"{key.__class__.__name__}: {key!r:.40}")


# -- deserialize ------------------------------------------------------------------

def deserialize(data, *, backend=None):
    """Read back what :func:`serialize` wrote (bytes, or a list of bytes chunks),
    the tensors allocated on ``backend`` (default: the default backend).
    Truncated, corrupt or unknown input raises :class:`~spec.errors.ArgumentError`.

    >>> import nx_ref as nx
    >>> nx.deserialize(nx.serialize(1.2))
    #Nx.Tensor<
      f32
      1.2
    >
    >>> nx.deserialize(nx.serialize(nx.tensor([1, 2]))[:-1])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.deserialize: the data is truncated (126 bytes, 127 expected)
    """
    data = _as_bytes(data)
    header, stored, flags = _frame(data)
    try:
        meta = json.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ArgumentError(f"nx.deserialize: the header is not valid JSON ({e})") from None
    if not isinstance(meta, dict) or set(meta) != {"data_size", "root"} \
            or not _is_count(meta["data_size"]):
        raise ArgumentError("nx.deserialize: the header must be an object with the keys "
                            "data_size (a byte count) and root")
    section = _decompress(stored, meta["data_size"]) if flags & _COMPRESSED else stored
    if len(section) != meta["data_size"]:
        raise ArgumentError(f"nx.deserialize: the data section holds {len(section)} bytes, "
                            f"the header says {meta['data_size']}")
    from nx_ref import backend as _backend
    target = _backend.default_backend() if backend is None else _backend._as_backend(backend)
    return _decode(meta["root"], section, target, 0)


def _as_bytes(data) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, (list, tuple)) and all(isinstance(c, (bytes, bytearray, memoryview))
                                               for c in data):
        return b"".join(bytes(c) for c in data)
    raise TypeError_(f"nx.deserialize expects bytes (what nx.serialize returns), got "
                     f"{data.__class__.__name__}: {data!r:.60}")


def _frame(data: bytes):
    """(header bytes, stored data section, flags), after checking every framing field."""
    if not data.startswith(MAGIC):
        if MAGIC.startswith(data):
            raise ArgumentError(f"nx.deserialize: the data is truncated ({len(data)} bytes)")
        if data[:2] == b"nx" or data[:1] == b"\x83":
            raise ArgumentError("nx.deserialize: this looks like Elixir Nx's own format "
                                "(Erlang terms), which nx-ref does not read")
        raise ArgumentError(f"nx.deserialize: not nx-ref serialized data (expected the magic "
                            f"bytes {MAGIC!r}, got {data[:6]!r})")
    if len(data) < _PREFIX.size:
        raise ArgumentError(f"nx.deserialize: the data is truncated ({len(data)} bytes)")
    _, version, flags, header_len = _PREFIX.unpack_from(data)
    if version != VERSION:
        raise ArgumentError(f"nx.deserialize: cannot deserialize nx-ref format v{version} "
                            f"(this version reads v{VERSION})")
    if flags & ~_COMPRESSED:
        raise ArgumentError(f"nx.deserialize: unknown flags 0x{flags:02x} in the prefix")
    at = _PREFIX.size + header_len
    if len(data) < at + _DATA_LEN.size:
        raise ArgumentError(f"nx.deserialize: the data is truncated ({len(data)} bytes, "
                            f"at least {at + _DATA_LEN.size + _CRC.size} expected)")
    (data_len,) = _DATA_LEN.unpack_from(data, at)
    end = at + _DATA_LEN.size + data_len
    expected = end + _CRC.size
    if len(data) < expected:
        raise ArgumentError(f"nx.deserialize: the data is truncated ({len(data)} bytes, "
                            f"{expected} expected)")
    if len(data) > expected:
        raise ArgumentError(f"nx.deserialize: {len(data) - expected} unexpected bytes after "
                            f"the end of the data")
    (crc,) = _CRC.unpack_from(data, end)
    if zlib.crc32(memoryview(data)[:end]) != crc:
        raise ArgumentError("nx.deserialize: the data is corrupt (checksum mismatch)")
    return data[_PREFIX.size:at], data[at + _DATA_LEN.size:end], flags


def _decompress(stored: bytes, size: int) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(stored, size + 1)   # never inflate past what the header announced
    except zlib.error as e:
        raise ArgumentError(f"nx.deserialize: the compressed data is corrupt ({e})") from None
    if not d.eof or d.unused_data or d.unconsumed_tail:
        raise ArgumentError(f"nx.deserialize: the compressed data does not inflate to the "
                            f"{size} bytes the header announces")
    return out


def _is_count(n) -> bool:
    return n.__class__ is int and n >= 0


def _decode(node, section, target, depth):
    if depth > _MAX_DEPTH:
        raise ArgumentError(f"nx.deserialize: containers nested deeper than {_MAX_DEPTH} levels")
    if not isinstance(node, dict) or len(node) != 1:
        raise ArgumentError(f"nx.deserialize: expected a value node (an object with one of the "
                            f"keys tensor, tuple, list, dict), got: {_short(node)}")
    (kind, body), = node.items()
    if kind in ("tuple", "list") and isinstance(body, list):
        items = [_decode(v, section, target, depth + 1) for v in body]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict" and isinstance(body, list):
        out = {}
        for pair in body:
            if not (isinstance(pair, list) and len(pair) == 2
                    and (isinstance(pair[0], str) or pair[0].__class__ is int)):
                raise ArgumentError(f"nx.deserialize: expected a [key, value] pair with a string "
                                    f"or integer key, got: {_short(pair)}")
            out[pair[0]] = _decode(pair[1], section, target, depth + 1)
        return out
    if kind == "tensor" and isinstance(body, dict):
        return _tensor(body, section, target)
    raise ArgumentError(f"nx.deserialize: unknown value node: {_short(node)}")


def _tensor(node, section, target):
    from spec.names import validate_names
    from spec.registry import TensorSpec
    keys = {"type", "shape", "names", "offset", "size"}
    if set(node) != keys:
        raise ArgumentError(f"nx.deserialize: a tensor node has the keys {sorted(keys)}, "
                            f"got: {_short(node)}")
    try:
        type_ = types.normalize(node["type"]) if isinstance(node["type"], str) else None
    except (TypeError, ValueError):
        type_ = None
    if type_ is None:
        raise ArgumentError(f"nx.deserialize: unknown tensor type {node['type']!r:.40}")
    shape, names = node["shape"], node["names"]
    if not (isinstance(shape, list) and all(_is_count(d) for d in shape)):
        raise ArgumentError(f"nx.deserialize: a shape is a list of non-negative integers, "
                            f"got: {_short(shape)}")
    if not (isinstance(names, list) and len(names) == len(shape)
            and all(n is None or isinstance(n, str) for n in names)):
        raise ArgumentError(f"nx.deserialize: names must be a list of strings or nulls, one "
                            f"per axis of shape {tuple(shape)}, got: {_short(names)}")
    out = TensorSpec(type_, tuple(shape), validate_names(names, len(shape)))
    offset, size = node["offset"], node["size"]
    if not (_is_count(offset) and _is_count(size)) or offset + size > len(section):
        raise ArgumentError(f"nx.deserialize: tensor bytes {offset!r:.20}+{size!r:.20} lie "
                            f"outside the {len(section)}-byte data section")
    if size != codec.nbytes(type_, out.size):
        raise ArgumentError(f"nx.deserialize: a {type_}{list(shape)} tensor takes "
                            f"{codec.nbytes(type_, out.size)} bytes, the header says {size}")
    return target.from_binary(out, section[offset:offset + size])


def _short(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."
