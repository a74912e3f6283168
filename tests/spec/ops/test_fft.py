"""fft, ifft, fft2, ifft2, rfft and irfft: the reference backend against numpy.fft
on hypothesis inputs (many lengths, powers of two and not, padding and
truncation, real and complex inputs), within the tolerances declared in
spec/ops/fft.py; names, output types, errors and the gradient rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec import codec, registry, types
from spec.errors import ArgumentError, AxisError, NameError_
from spec.registry import TensorSpec

SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 100, 128]
INPUT_TYPES = ["u8", "s32", "f16", "f32", "f64", "c64", "c128"]
EPS = 1e-10


# -- inputs and oracles ----------------------------------------------------------------------

def make_tensor(type_, shape, names, flat):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def element(type_):
    t = types.normalize(type_)
    if t.is_integer:
        return st.integers(0, 255) if t.name == "u8" else st.integers(-100, 100)
    part = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
    if t.is_complex:
        return st.builds(complex, part, part)
    return part


@st.composite
def inputs(draw, type_, min_rank=1, big=True):
    """(x, numpy array of x's exact values, axis index): one transformed axis of
    a size from SIZES, the others small."""
    rank = draw(st.integers(min_rank, 3))
    axis = draw(st.integers(0, rank - 1))
    sizes = SIZES if big and rank <= 2 else [s for s in SIZES if s <= 17]
    shape = [draw(st.integers(1, 3)) for _ in range(rank)]
    shape[axis] = draw(st.sampled_from(sizes))
    names = [draw(st.sampled_from([None, f"a{i}"])) for i in range(rank)]
    flat = draw(st.lists(element(type_), min_size=math.prod(shape), max_size=math.prod(shape)))
    x = make_tensor(type_, shape, names, flat)
    return x, np.array(x.to_flat_list(), dtype=np.complex128).reshape(shape), axis


def fit(a, axis, n):
    """``a`` zero-padded or truncated to ``n`` along ``axis`` (numpy's ``n``)."""
    a = np.take(a, range(min(n, a.shape[axis])), axis=axis)
    pad = [(0, 0)] * a.ndim
    pad[axis] = (0, n - a.shape[axis])
    return np.pad(a, pad)


def assert_within(out_type, got, expected, scale, ulps):
    """|got - expected| <= ulps ULPs of ``scale`` (per row, broadcast) plus eps,
    on each component."""
    bits = 24 if types.to_real(out_type).name in ("f32", "f16", "bf16") else 53
    scale = np.broadcast_to(scale, expected.shape)
    ulp = np.where(scale > 0, 2.0 ** (np.floor(np.log2(np.where(scale > 0, scale, 1))) - bits + 1), 0)
    bound = ulps * ulp + EPS
    for part in (np.real, np.imag):
        err = np.abs(part(got) - part(expected))
        assert np.all(err <= bound), (
            f"max error {err.max()} over bound; worst at {np.unravel_index(np.argmax(err - bound), err.shape)}")


def tolerance(name, out_type):
    return registry.get(name).tolerance[types.to_complex(out_type).name]


def got_array(t):
    return np.array(t.to_flat_list(), dtype=np.complex128).reshape(t.shape)


# -- fft and ifft ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["fft", "ifft"])
@pytest.mark.parametrize("type_", INPUT_TYPES)
@given(data=st.data())
def test_fft_and_ifft_match_numpy(name, type_, data):
    x, a, axis = data.draw(inputs(type_))
    size = x.shape[axis]
    length = data.draw(st.sampled_from([None, "power_of_two", 1, size, size + 3, max(size - 2, 1)]))
    n = size if length is None else (1 << (size - 1).bit_length()) if length == "power_of_two" else length
    got = getattr(nx, name)(x, length=length, axis=axis)
    out_type = types.to_complex(x.type)
    assert (str(got.type), got.names) == (out_type.name, x.names)
    assert got.shape == x.shape[:axis] + (n,) + x.shape[axis + 1:]
    expected = getattr(np.fft, name)(a, n=n, axis=axis)
    scale = np.sum(np.abs(fit(a, axis, n)), axis=axis, keepdims=True)
    if name == "ifft":
        scale = scale / n
    assert_within(out_type, got_array(got), expected, scale, tolerance(name, out_type))


def test_radix_2_and_the_direct_sum_agree_on_exact_cases():
    # the DFT of an impulse at j is the twiddle row exp(-2 pi i j k / n); of a constant, n at 0
    for n in (4, 6, 8, 12, 16):
        ones = nx.fft(nx.tensor([1.0] * n, type="f64"))
        assert ones.to_flat_list() == [complex(n, 0)] + [0j] * (n - 1)
        back = nx.ifft(ones)
        assert back.to_flat_list() == [complex(1, 0)] * n


def test_eps_cleans_small_components():
    t = nx.tensor([1e-12, 0.0], type="f64")
    assert nx.fft(t).to_flat_list() == [0j, 0j]
    assert nx.fft(t, eps=0).to_flat_list() == [complex(1e-12, 0), complex(1e-12, 0)]


@pytest.mark.parametrize("type_, expected", [
    ("u8", "c64"), ("s64", "c64"), ("f16", "c64"), ("bf16", "c64"), ("f32", "c64"),
    ("f64", "c128"), ("c64", "c64"), ("c128", "c128")])
def test_output_types(type_, expected):
    x = nx.tensor([[1, 2], [3, 4]], type=type_)
    for name in ("fft", "ifft", "fft2", "ifft2"):
        assert str(getattr(nx, name)(x).type) == expected
    if not types.normalize(type_).is_complex:
        assert str(nx.rfft(x).type) == expected
    assert str(nx.irfft(x).type) == str(types.to_real(type_))


def test_empty_axes_and_padding_an_empty_axis():
    assert nx.fft(nx.iota((0, 3), type="f32")).shape == (0, 3)
    assert nx.fft(nx.iota((2, 0), type="f32"), length=3).to_list() == [[0j] * 3] * 2


# -- fft2 and ifft2 ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["fft2", "ifft2"])
@pytest.mark.parametrize("type_", ["s32", "f32", "f64", "c128"])
@given(data=st.data())
def test_fft2_and_ifft2_match_numpy(name, type_, data):
    x, a, _ = data.draw(inputs(type_, min_rank=2, big=False))
    axes = data.draw(st.permutations(range(x.rank)))[:2]
    lengths = data.draw(st.sampled_from([None, ["power_of_two", 2], [1, 5], [x.shape[axes[0]], 3]]))
    if lengths is None:
        ns = [x.shape[axes[0]], x.shape[axes[1]]]
    else:
        ns = [(1 << (x.shape[ax] - 1).bit_length()) if n == "power_of_two" else n
              for n, ax in zip(lengths, axes)]
    got = getattr(nx, name)(x, lengths=lengths, axes=list(axes))
    out_type = types.to_complex(x.type)
    assert (str(got.type), got.names) == (out_type.name, x.names)
    expected = getattr(np.fft, name)(a, s=ns, axes=axes)
    padded = fit(fit(a, axes[0], ns[0]), axes[1], ns[1])
    scale = np.sum(np.abs(padded), axis=tuple(axes), keepdims=True)
    if name == "ifft2":
        scale = scale / (ns[0] * ns[1])
    # two passes, each rounded into the output type
    assert_within(out_type, got_array(got), expected, scale, 2 * tolerance("fft", out_type) + 2)


# -- rfft and irfft ----------------------------------------------------------------------------

@pytest.mark.parametrize("type_", ["s32", "f16", "f32", "f64"])
@given(data=st.data())
def test_rfft_matches_numpy(type_, data):
    x, a, axis = data.draw(inputs(type_))
    size = x.shape[axis]
    length = data.draw(st.sampled_from([None, "power_of_two", 1, size + 2, max(size - 1, 1)]))
    n = size if length is None else (1 << (size - 1).bit_length()) if length == "power_of_two" else length
    got = nx.rfft(x, length=length, axis=axis)
    assert got.shape == x.shape[:axis] + (n // 2 + 1,) + x.shape[axis + 1:]
    assert got.names == x.names
    expected = np.fft.rfft(a.real, n=n, axis=axis)
    scale = np.sum(np.abs(fit(a, axis, n)), axis=axis, keepdims=True)
    assert_within(got.type, got_array(got), expected, scale, tolerance("fft", got.type))


@pytest.mark.parametrize("type_", ["s32", "f32", "f64", "c64", "c128"])
@given(data=st.data())
def test_irfft_matches_numpy(type_, data):
    x, a, axis = data.draw(inputs(type_))
    size = x.shape[axis]
    options = [1, 2, 2 * size - 1, size + 1, 2 * size + 3] + ([None] if size > 1 else [])
    length = data.draw(st.sampled_from(options))
    n = 2 * (size - 1) if length is None else length
    got = nx.irfft(x, length=length, axis=axis)
    assert str(got.type) == str(types.to_real(x.type)) and got.names == x.names
    assert got.shape == x.shape[:axis] + (n,) + x.shape[axis + 1:]
    expected = np.fft.irfft(a, n=n, axis=axis)
    scale = 2 * np.sum(np.abs(fit(a, axis, n // 2 + 1)), axis=axis, keepdims=True) / n
    assert_within(got.type, got_array(got), expected, scale, tolerance("ifft", got.type) + 1)


def test_irfft_inverts_rfft_for_odd_and_even_lengths():
    signal = [1.0, -2.0, 0.5, 3.0, 4.0, -1.0, 2.5]
    for n in (6, 7):
        t = nx.tensor(signal[:n], type="f64")
        back = nx.irfft(nx.rfft(t), length=n).to_flat_list()
        assert max(abs(b - s) for b, s in zip(back, signal[:n])) < 1e-14


# -- errors ------------------------------------------------------------------------------------

ERRORS = [
    (lambda: nx.fft(nx.tensor(1.0)), ArgumentError, "expected a tensor with rank > 0, got tensor with rank 0"),
    (lambda: nx.ifft(nx.tensor([1]), length=0), ArgumentError, 'as length, got: 0'),
    (lambda: nx.fft(nx.tensor([1]), length=True), ArgumentError, "as length, got: True"),
    (lambda: nx.fft(nx.tensor([1]), length="pow"), ArgumentError, "as length, got: 'pow'"),
    (lambda: nx.fft(nx.tensor([1]), axis=1), AxisError, "given axis (1) invalid for shape (1,)"),
    (lambda: nx.fft(nx.tensor([1], names=["x"]), axis="y"), NameError_, "name 'y' not found"),
    (lambda: nx.fft(nx.tensor([1]), eps=-1.0), ArgumentError, "expected eps to be a non-negative"),
    (lambda: nx.fft2(nx.tensor([1, 1])), ArgumentError, "expected a tensor with rank > 1, got tensor with rank 1"),
    (lambda: nx.fft2(nx.tensor([[1]]), axes=[0]), ArgumentError, "expected axes to be a list with 2 axes, got: [0]"),
    (lambda: nx.ifft2(nx.tensor([[1]]), axes=[0, -2]), AxisError, "axis 0 is given twice"),
    (lambda: nx.fft2(nx.tensor([[1]]), lengths=[2]), ArgumentError, "expected lengths to be a list of lengths"),
    (lambda: nx.ifft2(nx.tensor([[1]]), lengths=[0, 2]), ArgumentError, "expected lengths to be a list of lengths"),
    (lambda: nx.rfft(nx.tensor([1j])), ArgumentError, "nx.rfft/2 expects a real tensor, got type: c64"),
    (lambda: nx.rfft(nx.tensor([1.0]), length="x"), ArgumentError, "as length, got: 'x'"),
    (lambda: nx.irfft(nx.tensor([1.0]), length="power_of_two"), ArgumentError,
     "expected a positive integer as length, got: 'power_of_two'"),
    (lambda: nx.irfft(nx.tensor([1.0])), ArgumentError, "expected a positive integer as length, got: 0"),
    (lambda: nx.irfft(nx.tensor(1.0)), ArgumentError, "rank > 0"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# -- declarations and gradient rules -----------------------------------------------------------

def test_fft_and_ifft_are_primitives_and_the_others_composites():
    ops = registry.all_ops()
    assert ops["fft"].is_primitive and ops["ifft"].is_primitive
    assert not any(ops[n].is_primitive for n in ("fft2", "ifft2", "rfft", "irfft"))


@pytest.mark.parametrize("name", ["fft", "ifft"])
@given(size=st.integers(1, 9), length=st.integers(1, 9), data=st.data())
def test_gradient_rule_is_the_transposed_jacobian(name, size, length, data):
    # J[k, j] = w^(j k) (times 1/n for ifft) for j < min(size, length), 0 past it;
    # the rule's result must be J^T g
    x = nx.tensor([0.0] * size, type="f64")
    g_values = data.draw(st.lists(element("c128"), min_size=length, max_size=length))
    g = nx.tensor(g_values, type="c128")
    out = getattr(nx, name)(x, length=length)
    (gx,) = registry.get(name).grad(nx, g, out, x, length=length, axis=0, eps=0.0)
    sign = 1 if name == "ifft" else -1
    jac = np.zeros((length, size), dtype=np.complex128)
    for k in range(length):
        for j in range(min(size, length)):
            jac[k, j] = np.exp(sign * 2j * np.pi * j * k / length) / (length if name == "ifft" else 1)
    expected = jac.T @ np.array(g_values)
    got = np.array(gx.to_flat_list())
    assert gx.shape == (size,)
    assert np.allclose(got, expected, rtol=0, atol=1e-9 * (1 + np.abs(g_values).sum()))
