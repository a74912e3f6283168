"""nx.serialize / nx.deserialize: round trips of every type and container, and
every kind of bad input rejected with an ArgumentError (never executed)."""

import json
import pickle
import struct
import zlib

import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from nx_ref import serialization as ser
from spec import codec, types
from spec.errors import ArgumentError, TypeError_
from spec.registry import TensorSpec
from tests.support import scalar_values, shapes

TYPE_NAMES = [t.name for t in types.ALL_TYPES]


@st.composite
def tensors(draw, type_name):
    shape = draw(shapes())
    size = 1
    for d in shape:
        size *= d
    vals = draw(st.lists(scalar_values(type_name), min_size=size, max_size=size))
    names = tuple(draw(st.sampled_from([None, f"axis{i}"])) for i in range(len(shape)))
    out = TensorSpec(types.normalize(type_name), tuple(shape), names)
    return nx.default_backend().from_binary(out, bytes(codec.encode(type_name, vals)))


def same(a, b):
    assert (a.type, a.shape, a.names) == (b.type, b.shape, b.names)
    assert a.to_binary() == b.to_binary()


def test_every_type_is_covered():
    assert len(TYPE_NAMES) == 20


@pytest.mark.parametrize("type_name", TYPE_NAMES)
@given(data=st.data(), compressed=st.sampled_from([False, True, 1, 9]))
def test_round_trip_every_type(type_name, data, compressed):
    t = data.draw(tensors(type_name))
    same(nx.deserialize(nx.serialize(t, compressed=compressed)), t)


@st.composite
def containers(draw, depth=0):
    leaf = st.sampled_from(TYPE_NAMES).flatmap(tensors)
    if depth >= 3:
        return draw(leaf)
    child = containers(depth + 1)
    kind = draw(st.sampled_from(["leaf", "tuple", "list", "dict"]))
    if kind == "leaf":
        return draw(leaf)
    items = draw(st.lists(child, max_size=3))
    if kind == "tuple":
        return tuple(items)
    if kind == "list":
        return items
    keys = draw(st.lists(st.one_of(st.text(max_size=5), st.integers(-5, 5)),
                         min_size=len(items), max_size=len(items), unique=True))
    return dict(zip(keys, items))


def same_container(a, b):
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert list(a) == list(b)          # keys, their types and their order
        for k in a:
            same_container(a[k], b[k])
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same_container(x, y)
    else:
        same(a, b)


@given(containers())
def test_round_trip_containers(value):
    same_container(nx.deserialize(nx.serialize(value)), value)


def test_numbers_come_back_as_tensors_of_their_inferred_type():
    # as in Nx: deserialize(serialize(123)) == tensor(123)
    back = nx.deserialize(nx.serialize((123, 1.2, True, 1 + 2j)))
    assert [str(t.type) for t in back] == ["s32", "f32", "u8", "c64"]
    assert [t.to_number() for t in back[:3]] == [123, pytest.approx(1.2), 1]


def test_container_subclasses_come_back_as_base_classes():
    from collections import OrderedDict, namedtuple
    Pair = namedtuple("Pair", "a b")
    back = nx.deserialize(nx.serialize([Pair(1, 2), OrderedDict(k=3)]))
    assert type(back[0]) is tuple and type(back[1]) is dict


def test_format_prefix_and_layout():
    t = nx.tensor([1, 2], type="u8", names=["x"])
    data = nx.serialize(t)
    assert data[:6] == b"\x93NXREF" and data[6] == 1 and data[7] == 0
    (header_len,) = struct.unpack_from("<I", data, 8)
    header = json.loads(data[12:12 + header_len])
    assert header == {"data_size": 2, "root": {"tensor": {
        "type": "u8", "shape": [2], "names": ["x"], "offset": 0, "size": 2}}}
    (data_len,) = struct.unpack_from("<Q", data, 12 + header_len)
    assert data[20 + header_len:20 + header_len + data_len] == b"\x01\x02"
    assert struct.unpack("<I", data[-4:])[0] == zlib.crc32(data[:-4])


def test_compression_shrinks_repetitive_data_and_sets_the_flag():
    t = nx.broadcast(nx.tensor(0.0), (1000,))
    plain, packed = nx.serialize(t), nx.serialize(t, compressed=True)
    assert packed[7] == 1 and plain[7] == 0 and len(packed) < len(plain) // 10
    same(nx.deserialize(packed), t)
    assert nx.serialize(t, compressed=0) == plain


def test_deserialize_accepts_bytes_like_and_chunks():
    data = nx.serialize(nx.tensor([1.5]))
    for form in (bytearray(data), memoryview(data), [data[:5], data[5:]]):
        same(nx.deserialize(form), nx.tensor([1.5]))


def test_deserialize_onto_a_backend():
    class Mine(nx.ReferenceBackend):
        pass
    t = nx.deserialize(nx.serialize({"a": nx.tensor([1])}), backend=Mine)["a"]
    assert isinstance(t.backend, Mine)


# -- bad input -------------------------------------------------------------------

SMALL = nx.serialize((nx.tensor([1, 2], type="s4"), {"k": nx.tensor(1.5, type="bf16")}))


def test_every_truncation_is_rejected():
    for n in range(len(SMALL)):
        with pytest.raises(ArgumentError):
            nx.deserialize(SMALL[:n])


def test_every_single_byte_corruption_is_rejected():
    for i in range(len(SMALL)):
        bad = bytearray(SMALL)
        bad[i] ^= 0x5A
        with pytest.raises(ArgumentError):
            nx.deserialize(bytes(bad))


def test_trailing_bytes_are_rejected():
    with pytest.raises(ArgumentError, match="3 unexpected bytes after the end"):
        nx.deserialize(SMALL + b"abc")


def frame(header, data=b"", *, version=1, flags=0, raw_header=None):
    """Well-framed bytes (a valid checksum) around any header and data."""
    head = raw_header if raw_header is not None else json.dumps(header).encode()
    body = struct.pack("<6sBBI", b"\x93NXREF", version, flags, len(head)) + head \
        + struct.pack("<Q", len(data)) + data
    return body + struct.pack("<I", zlib.crc32(body))


def tensor_node(**changes):
    node = {"type": "u8", "shape": [2], "names": [None], "offset": 0, "size": 2}
    node.update(changes)
    return {"tensor": node}


def test_the_frame_helper_builds_valid_data():
    same(nx.deserialize(frame({"data_size": 2, "root": tensor_node()}, b"\x07\x08")),
         nx.tensor([7, 8], type="u8"))


@pytest.mark.parametrize("data, message", [
    (frame({"data_size": 0, "root": {"list": []}}, version=2),
     "cannot deserialize nx-ref format v2"),
    (frame({"data_size": 0, "root": {"list": []}}, flags=4), "unknown flags 0x04"),
    (frame(None, raw_header=b"{not json"), "not valid JSON"),
    (frame(None, raw_header=b"\xff\xfe"), "not valid JSON"),
    (frame([1, 2]), "must be an object with the keys data_size"),
    (frame({"data_size": -1, "root": {"list": []}}), "must be an object with the keys"),
    (frame({"data_size": 5, "root": {"list": []}}, b"ab"), "holds 2 bytes, the header says 5"),
    (frame({"data_size": 2, "root": tensor_node(type="f128")}, b"ab"), "unknown tensor type"),
    (frame({"data_size": 2, "root": tensor_node(type=7)}, b"ab"), "unknown tensor type"),
    (frame({"data_size": 2, "root": tensor_node(shape=[-2])}, b"ab"), "non-negative integers"),
    (frame({"data_size": 2, "root": tensor_node(shape=[2.0])}, b"ab"), "non-negative integers"),
    (frame({"data_size": 2, "root": tensor_node(names=[])}, b"ab"), "one per axis"),
    (frame({"data_size": 2, "root": tensor_node(names=[3])}, b"ab"), "strings or nulls"),
    (frame({"data_size": 2, "root": tensor_node(offset=1)}, b"ab"), "outside the 2-byte"),
    (frame({"data_size": 4, "root": tensor_node(shape=[2, 2], names=["x", "x"], size=4)},
           b"abcd"), "appears more than once"),
    (frame({"data_size": 2, "root": tensor_node(size=1)}, b"ab"), "takes 2 bytes, the header says 1"),
    (frame({"data_size": 2, "root": tensor_node(extra=1)}, b"ab"), "a tensor node has the keys"),
    (frame({"data_size": 0, "root": {"pickle": "cos\nsystem"}}), "unknown value node"),
    (frame({"data_size": 0, "root": {"list": [], "tuple": []}}), "expected a value node"),
    (frame({"data_size": 0, "root": {"dict": [[1.5, {"list": []}]]}}), "string or integer key"),
    (frame({"data_size": 0, "root": {"dict": [["a"]]}}), "string or integer key"),
    (frame({"data_size": 0, "root": 3}), "expected a value node"),
])
def test_bad_headers_are_rejected_with_the_reason(data, message):
    with pytest.raises(ArgumentError, match=message):
        nx.deserialize(data)


def test_deep_nesting_is_rejected_on_both_sides():
    deep = []
    for _ in range(300):
        deep = [deep]
    with pytest.raises(ArgumentError, match="nested deeper"):
        nx.serialize(deep)
    root = {"list": []}
    for _ in range(300):
        root = {"list": [root]}
    with pytest.raises(ArgumentError, match="nested deeper"):
        nx.deserialize(frame({"data_size": 0, "root": root}))
    with pytest.raises(ArgumentError, match="not valid JSON"):   # deeper than json's recursion
        nx.deserialize(frame(None, raw_header=b"[" * 100_000 + b"]" * 100_000))


def test_corrupt_or_oversized_compressed_data_is_rejected():
    header = {"data_size": 2, "root": tensor_node()}
    with pytest.raises(ArgumentError, match="compressed data is corrupt"):
        nx.deserialize(frame(header, b"garbage", flags=1))
    # inflating to more than announced stops at the announced size + 1 (no bomb)
    with pytest.raises(ArgumentError, match="does not inflate to the 2 bytes"):
        nx.deserialize(frame(header, zlib.compress(bytes(10_000_000)), flags=1))
    same(nx.deserialize(frame(header, zlib.compress(b"\x01\x02"), flags=1)),
         nx.tensor([1, 2], type="u8"))


def test_other_formats_are_recognised_and_never_executed():
    evil = pickle.dumps({"a": 1})
    with pytest.raises(ArgumentError, match="not nx-ref serialized data"):
        nx.deserialize(evil)
    # Elixir Nx's own format starts with "nx" and a version, or Erlang's 131
    with pytest.raises(ArgumentError, match="Elixir Nx's own format"):
        nx.deserialize(b"nx\x01\x00" + bytes(20))
    with pytest.raises(ArgumentError, match="Elixir Nx's own format"):
        nx.deserialize(b"\x83h\x03")


def test_bad_arguments():
    with pytest.raises(TypeError_, match="expected a tensor, a number, or a tuple"):
        nx.serialize({"a": "text"})
    with pytest.raises(TypeError_, match="dict keys must be strings or integers, got tuple"):
        nx.serialize({(1, 2): nx.tensor(1)})
    with pytest.raises(TypeError_, match="dict keys must be strings or integers, got bool"):
        nx.serialize({True: nx.tensor(1)})
    for level in (10, -1, 2.5, "9"):
        with pytest.raises(ArgumentError, match="compressed must be True, False or a zlib level"):
            nx.serialize(nx.tensor(1), compressed=level)
    with pytest.raises(ArgumentError, match="Nx.TemplateBackend"):
        nx.serialize(nx.template((2,), "f32"))
    with pytest.raises(TypeError_, match="expects bytes"):
        nx.deserialize("text")


def test_module_constants():
    assert ser.MAGIC == b"\x93NXREF" and ser.VERSION == 1
