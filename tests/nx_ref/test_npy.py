"""nx.load_numpy / nx.load_numpy_archive against files written by numpy itself."""

import io
import zipfile

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import nx_ref as nx
from nx_ref.npy import MAX_HEADER_SIZE, parse_header
from spec.errors import ArgumentError, TypeError_

# numpy dtype code -> nx type name
DTYPES = {"b1": "u8", "i1": "s8", "i2": "s16", "i4": "s32", "i8": "s64", "u1": "u8",
          "u2": "u16", "u4": "u32", "u8": "u64", "f2": "f16", "f4": "f32", "f8": "f64",
          "c8": "c64", "c16": "c128"}


def npy(array, version=None, allow_pickle=False) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, version=version, allow_pickle=allow_pickle)
    return buf.getvalue()


def raw_npy(header: str, data=b"", version=(1, 0)) -> bytes:
    head = header.encode("latin-1")
    size = len(head).to_bytes(2 if version[0] == 1 else 4, "little")
    return b"\x93NUMPY" + bytes(version) + size + head + data


def expected_binary(array) -> bytes:
    if array.dtype.kind == "b":
        return array.astype(np.uint8).tobytes()
    return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()


@st.composite
def arrays(draw):
    code = draw(st.sampled_from(sorted(DTYPES)))
    order = "|" if code in ("b1", "i1", "u1") else draw(st.sampled_from("<>"))
    dtype = np.dtype(order + code)
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    array = draw(hnp.arrays(dtype, shape))
    return np.asfortranarray(array) if draw(st.booleans()) else array


@given(arrays(), st.sampled_from([None, (1, 0), (2, 0), (3, 0)]))
def test_load_numpy_matches_numpy(array, version):
    t = nx.load_numpy(npy(array, version))
    assert str(t.type) == DTYPES[array.dtype.str[1:]]
    assert t.shape == array.shape and t.names == (None,) * array.ndim
    assert t.to_binary() == expected_binary(array)


def test_fortran_order_is_read_column_major():
    a = np.asfortranarray(np.arange(24, dtype=np.int16).reshape(2, 3, 4))
    assert b"'fortran_order': True" in npy(a)
    assert nx.load_numpy(npy(a)).to_list() == a.tolist()


def test_examples_of_nx():
    assert nx.load_numpy(npy(np.array(123, dtype=np.int64))).to_number() == 123
    t = nx.load_numpy(npy(np.array([[1.5, 2.5]], dtype=np.float32)))
    assert (str(t.type), t.to_list()) == ("f32", [[1.5, 2.5]])
    assert str(nx.load_numpy(npy(np.array([1, 2], dtype=np.uint8))).type) == "u8"


def test_bools_are_u8_zero_and_one_even_for_odd_bytes():
    data = raw_npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", b"\x00\x02\xff")
    t = nx.load_numpy(data)
    assert (str(t.type), t.to_list()) == ("u8", [0, 1, 1])


def test_native_byte_order_and_trailing_bytes():
    data = raw_npy("{'descr': '=i2', 'fortran_order': False, 'shape': (2,)}", b"\x01\x00\x02\x00xyz")
    assert nx.load_numpy(data).to_list() == [1, 2]    # as numpy, bytes after the data are ignored


def test_header_is_never_executed():
    hits = []
    import builtins
    builtins._nx_npy_probe = hits.append
    try:
        header = "{'descr': '<i4', 'fortran_order': False, 'shape': (_nx_npy_probe(1),)}"
        with pytest.raises(ArgumentError, match="not a Python dict literal"):
            nx.load_numpy(raw_npy(header, bytes(4)))
        assert hits == []
    finally:
        del builtins._nx_npy_probe


@pytest.mark.parametrize("array, message", [
    (np.array([1, "a"], dtype=object), "object arrays need pickle"),
    (np.array(["ab"]), "unsupported numpy dtype '<U2'"),
    (np.array([b"ab"]), "unsupported numpy dtype '|S2'"),
    (np.zeros(2, dtype=[("a", "<i4")]), "structured dtypes have no nx type"),
    (np.zeros(2, dtype="<V2"), "unsupported numpy dtype '|V2'"),
    (np.zeros(2, dtype="<M8[s]"), "unsupported numpy dtype '<M8"),
    (np.zeros(2, dtype=np.longdouble), "unsupported numpy dtype"),
])
def test_unsupported_dtypes_are_rejected(array, message):
    with pytest.raises(TypeError_, match=message):
        nx.load_numpy(npy(array, allow_pickle=True))


GOOD = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }"


@pytest.mark.parametrize("data, message", [
    (b"PK\x03\x04", "does not start with"),
    (b"\x93NUMPY", "does not start with"),
    (b"\x93NUMPY\x04\x00\x00\x00", "unknown format version 4.0"),
    (b"\x93NUMPY\x01\x00\x05", "header length is truncated"),
    (b"\x93NUMPY\x01\x00\x50\x00{'descr'", "header is truncated"),
    (b"\x93NUMPY\x02\x00" + (MAX_HEADER_SIZE + 1).to_bytes(4, "little"), "more than the 10000"),
    (raw_npy("[1, 2]"), "must be a dict with the keys"),
    (raw_npy("{'descr': '<i4', 'shape': (2,)}"), "must be a dict with the keys"),
    (raw_npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'x': 1}"), "must be a dict"),
    (raw_npy("{'descr': '<i4', 'fortran_order': False, 'shape': [2]}"), "tuple of non-negative"),
    (raw_npy("{'descr': '<i4', 'fortran_order': False, 'shape': (-1,)}"), "tuple of non-negative"),
    (raw_npy("{'descr': '<i4', 'fortran_order': 1, 'shape': (2,)}"), "True or False"),
    (raw_npy("{'descr': '|i4', 'fortran_order': False, 'shape': (2,)}", bytes(8)), "no byte order"),
    (raw_npy(GOOD, bytes(7)), r"array data is truncated \(7 of 8 bytes\)"),
    (raw_npy(GOOD + " junk", bytes(8), version=(3, 0)), "not a Python dict literal"),
    (b"\x93NUMPY\x03\x00\x02\x00\x00\x00\xff\xfe", "not utf-8 text"),
])
def test_corrupt_files_are_rejected(data, message):
    with pytest.raises(ArgumentError, match=message):
        nx.load_numpy(data)


def test_every_truncation_of_the_header_is_rejected():
    data = npy(np.arange(3, dtype=np.int32))
    for n in range(len(data) - 12):
        with pytest.raises(ArgumentError):
            nx.load_numpy(data[:n])


def test_parse_header():
    h = parse_header("{'descr': '>c8', 'fortran_order': True, 'shape': (2, 0), }")
    assert (str(h.type), h.byte_order, h.shape, h.fortran_order, h.is_bool) == \
        ("c64", ">", (2, 0), True, False)
    assert parse_header(GOOD).is_bool is False


def test_arguments_must_be_bytes():
    with pytest.raises(TypeError_, match=r"open\(path, 'rb'\)"):
        nx.load_numpy("array.npy")
    with pytest.raises(TypeError_, match="expects the bytes of a file"):
        nx.load_numpy_archive(None)
    assert nx.load_numpy(memoryview(npy(np.arange(2)))).to_list() == [0, 1]


# -- .npz archives ------------------------------------------------------------------

@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
def test_load_numpy_archive_keeps_names_and_order(save):
    arrays = {"foo": np.array([1, 2, 3], dtype=np.int32), "bar": np.linspace(-1, 1, 5),
              "baz": np.zeros((2, 0), dtype=np.float16)}
    buf = io.BytesIO()
    save(buf, **arrays)
    loaded = nx.load_numpy_archive(buf.getvalue())
    assert [name for name, _ in loaded] == ["foo", "bar", "baz"]
    for (name, t) in loaded:
        assert t.to_binary() == expected_binary(arrays[name]) and t.shape == arrays[name].shape


def test_archive_members_and_directories():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("sub/", b"")
        z.writestr("plain", npy(np.array([7], dtype=np.uint8)))
    assert [(n, t.to_list()) for n, t in nx.load_numpy_archive(buf.getvalue())] == [("plain", [7])]


def zip_of(**members) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_bad_archives_are_rejected():
    with pytest.raises(ArgumentError, match="unable to parse NumPy archive"):
        nx.load_numpy_archive(b"not a zip")
    with pytest.raises(ArgumentError, match="member 'x.npy' of the archive"):
        nx.load_numpy_archive(zip_of(**{"x.npy": b"junk"}))
    with pytest.raises(TypeError_, match="pickle.*member 'o.npy'"):
        nx.load_numpy_archive(zip_of(**{"o.npy": npy(np.array([None]), allow_pickle=True)}))
    good = zip_of(**{"a.npy": npy(np.arange(100, dtype=np.int64))})
    at = good.index(npy(np.arange(100, dtype=np.int64))[-50:])   # corrupt a stored byte
    bad = good[:at] + bytes([good[at] ^ 1]) + good[at + 1:]
    with pytest.raises(ArgumentError, match="unable to parse NumPy archive"):
        nx.load_numpy_archive(bad)
