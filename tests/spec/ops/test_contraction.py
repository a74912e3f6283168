"""dot, outer and conv: against exact sums computed with numpy on Python
integers and fractions (``numpy.einsum``/``numpy.dot`` on object arrays), on
every type, random shapes (empty ones included), named axes and every form;
conv against a direct formula; explicit tests where Nx differs from numpy; the
errors; and the gradient rules checked by linearity.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec import codec, registry, types, values
from spec.errors import ArgumentError, AxisError, NameError_, ShapeError, TypeError_
from spec.registry import TensorSpec
from tests.support import scalar_values, ulp_distance

ALL = [t.name for t in types.ALL_TYPES]


# -- helpers -----------------------------------------------------------------------

def make(type_, shape, flat, names=None):
    """A reference tensor of any shape (empty ones too) from row-major values."""
    shape = tuple(shape)
    out = TensorSpec(types.normalize(type_), shape, tuple(names or (None,) * len(shape)))
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def element_values(type_):
    """Finite values of a type; f64 and c128 values are f32-representable so that
    products are exact in f64 (the spec rounds f64 products; see contraction.py)."""
    t = types.normalize(type_)
    if t.name == "f64":
        return scalar_values("f32", allow_nan=False, allow_infinity=False)
    if t.name == "c128":
        return scalar_values("c64", allow_nan=False, allow_infinity=False)
    return scalar_values(t, allow_nan=False, allow_infinity=False)


def exact(v):
    """A value as exact numbers: an int, a Fraction, or a pair of Fractions."""
    if isinstance(v, complex):
        return (Fraction(v.real), Fraction(v.imag))
    return v if isinstance(v, int) else Fraction(v)


def raw(flat, shape):
    """An object array holding the given Python values."""
    a = np.empty(len(flat), dtype=object)
    a[:] = list(flat)
    return a.reshape(shape)


def obj(flat, shape, part=None):
    """An object array of exact values: ints, Fractions, or one part of complex ones."""
    vals = [exact(v) for v in flat]
    if part is not None:
        vals = [v[part] if isinstance(v, tuple) else (v if part == 0 else Fraction(0)) for v in vals]
    return raw(vals, shape)


def exact_contract(fn, a_flat, a_shape, b_flat, b_shape, complex_out):
    """``fn(A, B)`` (an einsum-like function) on exact values; complex results as pairs."""
    if not complex_out:
        return np.asarray(fn(obj(a_flat, a_shape), obj(b_flat, b_shape)), dtype=object)
    ar, ai = obj(a_flat, a_shape, 0), obj(a_flat, a_shape, 1)
    br, bi = obj(b_flat, b_shape, 0), obj(b_flat, b_shape, 1)
    re = np.asarray(np.asarray(fn(ar, br), dtype=object) - np.asarray(fn(ai, bi), dtype=object),
                    dtype=object)
    im = np.asarray(np.asarray(fn(ar, bi), dtype=object) + np.asarray(fn(ai, br), dtype=object),
                    dtype=object)
    out = np.empty(re.shape, dtype=object)
    for idx in np.ndindex(re.shape):
        out[idx] = (re[idx], im[idx])
    return out


def _to_float(q):
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def round_exact(type_, v):
    """An exact result stored into a type: integers wrap, others round."""
    t = types.normalize(type_)
    if t.is_integer:
        lo, span = types.min_finite(t), 1 << t.bits
        return (int(v) - lo) % span + lo
    if t.is_complex:
        part = types.to_real(t)
        return complex(values.round_to(part, _to_float(v[0])), values.round_to(part, _to_float(v[1])))
    return values.round_to(t, _to_float(v))


def check(type_, got, expected_exact, ulps=1):
    t = types.normalize(type_)
    expected = [round_exact(t, v) for v in expected_exact]
    assert len(got) == len(expected)
    tol = 0 if t.name in ("f64", "c128") else ulps
    for i, (g, e) in enumerate(zip(got, expected)):
        if t.is_integer:
            assert g == e, f"element {i}: got {g}, expected {e}"
        else:
            assert ulp_distance(t, g, e) <= tol, f"element {i}: got {g!r}, expected {e!r} in {t}"


def flat_list(a):
    return list(np.asarray(a, dtype=object).reshape(-1))


# -- dot: the general forms against einsum -------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def dot_problems(draw):
    """Random batch, contracted and kept axes for two operands, their einsum
    subscripts, and the axes as nx.dot takes them (ints, negative ints or names)."""
    nb, nc = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    k1, k2 = draw(st.integers(0, 4 - nb - nc)), draw(st.integers(0, 4 - nb - nc))
    size = st.integers(0, 3)
    batch = [draw(size) for _ in range(nb)]
    contract = [draw(size) for _ in range(nc)]
    kept1, kept2 = [draw(size) for _ in range(k1)], [draw(size) for _ in range(k2)]
    # labels: batch b*, contracted c*, kept1 x*, kept2 y*
    labels = iter(LETTERS)
    lb = [next(labels) for _ in batch]
    lc = [next(labels) for _ in contract]
    lx, ly = [next(labels) for _ in kept1], [next(labels) for _ in kept2]
    rest1 = draw(st.permutations(list(zip(lc, contract)) + list(zip(lx, kept1))))
    rest2 = draw(st.permutations(list(zip(lc, contract)) + list(zip(ly, kept2))))
    sub1 = lb + [l for l, _ in rest1]
    sub2 = lb + [l for l, _ in rest2]
    shape1 = tuple(batch) + tuple(d for _, d in rest1)
    shape2 = tuple(batch) + tuple(d for _, d in rest2)
    names1 = [draw(st.sampled_from([None, "l" + l])) for l in sub1]
    names2 = [draw(st.sampled_from([None, "r" + l])) for l in sub2]
    order = draw(st.permutations(lc))      # the pairing order of contracted axes

    def spell(axis, sub, names):
        kind = draw(st.sampled_from(["int", "neg", "name"]))
        if kind == "name" and names[axis] is not None:
            return names[axis]
        return axis - len(sub) if kind == "neg" else axis
    c1 = [spell(sub1.index(l), sub1, names1) for l in order]
    c2 = [spell(sub2.index(l), sub2, names2) for l in order]
    b1 = [spell(i, sub1, names1) for i in range(nb)]
    b2 = [spell(i, sub2, names2) for i in range(nb)]
    out_sub = lb + [l for l in sub1 if l in lx] + [l for l in sub2 if l in ly]
    spec = f"{''.join(sub1)},{''.join(sub2)}->{''.join(out_sub)}"
    out_names = [names1[sub1.index(l)] for l in lb + [l for l in sub1 if l in lx]] + \
        [names2[sub2.index(l)] for l in sub2 if l in ly]
    return dict(shape1=shape1, shape2=shape2, names1=names1, names2=names2,
                c1=c1, b1=b1, c2=c2, b2=b2, einsum=spec, out_names=tuple(out_names))


@pytest.mark.parametrize("type_", ALL)
@given(data=st.data())
def test_dot_general_forms_match_einsum(type_, data):
    p = data.draw(dot_problems())
    n1, n2 = math.prod(p["shape1"]), math.prod(p["shape2"])
    vals = element_values(type_)
    f1 = data.draw(st.lists(vals, min_size=n1, max_size=n1))
    f2 = data.draw(st.lists(vals, min_size=n2, max_size=n2))
    a = make(type_, p["shape1"], f1, p["names1"])
    b = make(type_, p["shape2"], f2, p["names2"])
    if p["b1"] or data.draw(st.booleans()):
        got = nx.dot(a, p["c1"], p["b1"], b, p["c2"], p["b2"])
    else:
        got = nx.dot(a, p["c1"], b, p["c2"])
    expected = exact_contract(lambda x, y: np.einsum(p["einsum"], x, y), f1, p["shape1"],
                              f2, p["shape2"], types.normalize(type_).is_complex)
    assert got.type == type_
    assert got.shape == expected.shape
    assert got.names == p["out_names"]
    check(type_, got.to_flat_list(), flat_list(expected))


@pytest.mark.parametrize("type_", ["s8", "u64", "f16", "f32", "bf16", "c64"])
@given(data=st.data())
def test_dot_two_argument_form_matches_numpy_dot(type_, data):
    # nx.dot(a, b) follows numpy.dot's axis rule (scalars multiply, vectors and
    # matrices as usual, last axis of a with the second to last of b)
    s1 = data.draw(st.lists(st.integers(0, 3), max_size=3).map(tuple))
    s2 = list(data.draw(st.lists(st.integers(0, 3), max_size=3)))
    if s1 and s2:
        s2[0 if len(s2) == 1 else -2] = s1[-1]
    s2 = tuple(s2)
    vals = element_values(type_)
    f1 = data.draw(st.lists(vals, min_size=math.prod(s1), max_size=math.prod(s1)))
    f2 = data.draw(st.lists(vals, min_size=math.prod(s2), max_size=math.prod(s2)))
    got = nx.dot(make(type_, s1, f1), make(type_, s2, f2))
    expected = exact_contract(np.dot, f1, s1, f2, s2, types.normalize(type_).is_complex)
    assert got.shape == expected.shape
    check(type_, got.to_flat_list(), flat_list(expected))


MIXED = [("s8", "u8", "s16"), ("u8", "f32", "f32"), ("s16", "f32", "f32"), ("f16", "f32", "f32"),
         ("f32", "f64", "f64"), ("u8", "bf16", "bf16"), ("f32", "c64", "c64"), ("s8", "u64", "s64")]


@pytest.mark.parametrize("t1,t2,out", MIXED)
@given(data=st.data())
def test_dot_of_two_types_merges_them(t1, t2, out, data):
    shape = data.draw(st.tuples(st.integers(0, 3), st.integers(0, 3)))
    f1 = data.draw(st.lists(element_values(t1), min_size=math.prod(shape), max_size=math.prod(shape)))
    f2 = data.draw(st.lists(element_values(t2), min_size=shape[1], max_size=shape[1]))
    got = nx.dot(make(t1, shape, f1), make(t2, shape[1:], f2))
    assert got.type == out == types.merge(t1, t2)
    expected = exact_contract(np.dot, f1, shape, f2, shape[1:], types.normalize(out).is_complex)
    check(out, got.to_flat_list(), flat_list(expected))


def test_dot_of_numbers_types_them_as_tensors():
    # unlike nx.multiply, a Python int is an s32 tensor here (Nx's to_tensor)
    assert nx.dot(2, nx.tensor([1, 2], type="u8")).type == "s32"
    assert nx.multiply(2, nx.tensor([1, 2], type="u8")).type == "u8"
    assert nx.dot(nx.tensor([1, 2], type="u8"), 2.0).to_list() == [2.0, 4.0]


def test_integer_dot_wraps_around_into_the_output_type():
    a = nx.tensor([100, 100, 100], type="s8")
    expected = int(np.dot(np.array([100] * 3, np.int64), np.array([2] * 3, np.int64)).astype(np.int8))
    assert nx.to_number(nx.dot(a, nx.tensor([2, 2, 2], type="s8"))) == expected == 88
    big = nx.tensor([2 ** 62, 2 ** 62], type="s64")
    assert nx.to_number(nx.dot(big, nx.tensor([2, 2], type="s64"))) == 0


def test_float_dot_is_an_exact_sum_rounded_once():
    # numpy's float32 dot loses the 1.0; the exact sum keeps it
    a, b = nx.tensor([1e8, 1.0, -1e8]), nx.tensor([1.0, 1.0, 1.0])
    assert nx.to_number(nx.dot(a, b)) == 1.0
    # no intermediate overflow: numpy's float32 dot gives inf - inf = NaN here
    big = nx.tensor([3e38, 3e38])
    assert nx.to_number(nx.dot(big, nx.tensor([10.0, -10.0]))) == 0.0
    with np.errstate(all="ignore"):
        assert math.isnan(np.dot(np.float32([3e38, 3e38]), np.float32([10, -10])))
    c = nx.tensor([complex(1e8, 1), 1j, complex(-1e8, 0)])
    assert nx.to_number(nx.dot(c, nx.tensor([1 + 0j, 1j, 1 + 0j]))) == complex(-1, 1)


@pytest.mark.parametrize("a,b", [([math.inf, 1.0], [1.0, 1.0]), ([math.inf, -math.inf], [1.0, 1.0]),
                                 ([math.nan, 0.0], [0.0, 1.0]), ([math.inf, 0.0], [0.0, 1.0]),
                                 ([1e308, 1e308], [10.0, 1.0]), ([-1e308, 1.0], [1e308, 1e308])])
def test_dot_special_values_match_numpy(a, b):
    got = nx.to_number(nx.dot(nx.tensor(a, type="f64"), nx.tensor(b, type="f64")))
    with np.errstate(all="ignore"):
        expected = float(np.dot(np.array(a), np.array(b)))
    assert ulp_distance("f64", got, expected) == 0


def test_contraction_over_an_empty_axis_gives_zeros():
    for type_, zero in (("s32", 0), ("f32", 0.0), ("c64", 0j), ("u4", 0)):
        got = nx.dot(make(type_, (2, 0), []), make(type_, (0, 3), []))
        assert got.shape == (2, 3) and got.to_flat_list() == [zero] * 6


def test_names_of_the_result():
    a = nx.iota((2, 3, 4), names=["batch", "i", "k"])
    b = nx.iota((2, 4, 5), names=[None, "k2", "j"])
    assert nx.dot(a, ["k"], ["batch"], b, ["k2"], [0]).names == ("batch", "i", "j")
    # batch axes take the left tensor's names, as in Nx
    b2 = nx.iota((2, 4, 5), names=["other", "k", "j"])
    assert nx.dot(a, [2], [0], b2, [1], [0]).names == ("batch", "i", "j")
    with pytest.raises(NameError_, match=r"duplicate names \['i', 'i'\]"):
        nx.dot(nx.iota((2, 2), names=["i", "k"]), [1], nx.iota((2, 2), names=["k", "i"]), [0])


def test_dot_accepts_the_axes_as_keywords():
    a, b = nx.iota((2, 3)), nx.iota((2, 4))
    assert nx.dot(a, b, contract_axes1=[0], contract_axes2=[0]).to_list() == \
        nx.dot(a, [0], b, [0]).to_list()


@pytest.mark.parametrize("call,error,message", [
    (lambda a, b: nx.dot(a, [1], b, [1]), ShapeError, r"dimension 1 of left-side \(3\) does not equal dimension 1 of right-side \(4\)"),
    (lambda a, b: nx.dot(a, [0, 1], b, [0]), ShapeError, "as many contract axes on each side"),
    (lambda a, b: nx.dot(a, [2], b, [0]), AxisError, r"contract_axes1 \(2\) invalid for shape \(2, 3\)"),
    (lambda a, b: nx.dot(a, [0], b, [-3]), AxisError, r"contract_axes2 \(-3\) invalid for shape \(2, 4\)"),
    (lambda a, b: nx.dot(a, [0, 0], b, [0, 1]), AxisError, "axis 0 is given twice"),
    (lambda a, b: nx.dot(a, ["z"], b, [0]), NameError_, "name 'z' not found"),
    (lambda a, b: nx.dot(a, 0, b, 0), ArgumentError, "contract_axes1 must be a list of axes"),
    (lambda a, b: nx.dot(a, [1], [0], nx.iota((3, 2)), [0], [1]), ArgumentError, "batch axes must be successive"),
    (lambda a, b: nx.dot(a, [1], [0], nx.iota((5, 3)), [1], [0]), ShapeError, r"batch dimension sizes must match.*sizes \[2\].*sizes \[5\]"),
    (lambda a, b: nx.dot(a, [1], [0], nx.iota((2, 3, 4)), [1], [0, 2]), ArgumentError, "as many batch axes on each side"),
    (lambda a, b: nx.dot(a, [0], b), TypeError_, "takes 2, 4 or 6 positional arguments"),
    (lambda a, b: nx.dot(a, [0], b, [0], contract_axes1=[0]), TypeError_, "keyword arguments"),
    (lambda a, b: nx.dot(a, b, contract_axes1=[0]), ArgumentError, "give both contract_axes1 and contract_axes2"),
    (lambda a, b: nx.dot(a, b, order=1), ArgumentError, "unknown option"),
    (lambda a, b: nx.dot(a, "x"), TypeError_, "expected a tensor or a number"),
])
def test_dot_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(nx.iota((2, 3)), nx.iota((2, 4)))


def test_dot_of_moderate_size_matrices():
    # 128 x 128 (about 0.3 s here); integers below 2 ** 53 make numpy's f64 dot exact
    a = nx.iota((128, 128), type="f32")
    expected = np.dot(np.arange(128 * 128.0).reshape(128, 128), np.arange(128 * 128.0).reshape(128, 128))
    assert nx.dot(a, a).to_flat_list() == expected.astype(np.float32).reshape(-1).tolist()


# -- outer ---------------------------------------------------------------------------

@pytest.mark.parametrize("type_", ["s32", "u8", "f32", "f16", "c64"])
@given(data=st.data())
def test_outer_matches_numpy(type_, data):
    s1, s2 = data.draw(st.lists(st.integers(0, 3), max_size=2)), data.draw(st.lists(st.integers(0, 3), max_size=2))
    vals = element_values(type_)
    f1 = data.draw(st.lists(vals, min_size=math.prod(s1), max_size=math.prod(s1)))
    f2 = data.draw(st.lists(vals, min_size=math.prod(s2), max_size=math.prod(s2)))
    got = nx.outer(make(type_, s1, f1), make(type_, s2, f2))
    # Nx conjugates the right operand; numpy.outer does not
    f2c = [v.conjugate() for v in f2] if types.normalize(type_).is_complex else f2
    expected = exact_contract(np.outer, f1, len(f1), f2c, len(f2), types.normalize(type_).is_complex)
    assert got.shape == (len(f1), len(f2)) and got.type == type_
    check(type_, got.to_flat_list(), flat_list(expected))


def test_outer_names_and_conjugation():
    x = nx.tensor([[1, 2], [3, 4]], names=["x", "y"])
    assert nx.outer(x, nx.tensor([1, 2], names=["z"])).names == ("x", "z")
    assert nx.outer(5, nx.tensor([1, 2], names=["z"])).names == (None, "z")
    got = nx.outer(nx.tensor([1j]), nx.tensor([1j]))
    assert got.to_list() == [[1 + 0j]] and np.outer([1j], [1j]).tolist() == [[-1 + 0j]]
    with pytest.raises(NameError_, match="duplicate names"):
        nx.outer(nx.tensor([1], names=["x"]), nx.tensor([1], names=["x"]))


# -- conv ------------------------------------------------------------------------------

def conv_direct(x, w, *, strides, padding, input_dilation, kernel_dilation, fg, bg):
    """The convolution of canonical (N, C, *S) and (O, I, *K) arrays of exact
    values, by its definition: one sum per output element."""
    xs, ws = x.shape, w.shape
    n_out, out_ch, in_ch = xs[0] // bg, ws[0], ws[1]
    groups = max(fg, bg)

    def dil(n, d):
        return 0 if n == 0 else (n - 1) * d + 1
    spatial = [(dil(xs[2 + i], input_dilation[i]) + sum(padding[i])
                - dil(ws[2 + i], kernel_dilation[i])) // strides[i] + 1 for i in range(len(xs) - 2)]
    out = np.empty((n_out, out_ch, *spatial), dtype=object)
    for b, o, *pos in np.ndindex(*out.shape):
        g = o // (out_ch // groups)
        n_in = b + g * n_out if bg > 1 else b
        total = 0
        for ci in range(in_ch):
            c = g * in_ch + ci if fg > 1 else ci
            for k in np.ndindex(*ws[2:]):
                idx = []
                for i, (p, kk) in enumerate(zip(pos, k)):
                    q = p * strides[i] + kk * kernel_dilation[i] - padding[i][0]
                    if q < 0 or q % input_dilation[i] or q // input_dilation[i] >= xs[2 + i]:
                        break
                    idx.append(q // input_dilation[i])
                else:
                    total = total + x[(n_in, c, *idx)] * w[(o, ci, *k)]
        out[(b, o, *pos)] = total
    return out


@st.composite
def conv_problems(draw):
    n = draw(st.integers(1, 2))
    fg, bg = draw(st.sampled_from([(1, 1), (1, 1), (2, 1), (1, 2), (3, 1)]))
    in_ch, per_group = draw(st.integers(0, 2)), draw(st.integers(1, 2))
    xs = [draw(st.integers(1, 3)) * bg, in_ch * fg]
    ws = [per_group * max(fg, bg), in_ch]
    strides, pads, idil, kdil = [], [], [], []
    for _ in range(n):
        size, k = draw(st.integers(0, 4)), draw(st.integers(0, 3))
        strides.append(draw(st.integers(1, 3)))
        idil.append(draw(st.integers(1, 2)))
        kdil.append(draw(st.integers(1, 2)))
        window = 0 if k == 0 else (k - 1) * kdil[-1] + 1
        dilated = 0 if size == 0 else (size - 1) * idil[-1] + 1
        lo = draw(st.integers(-1, 2))
        need = max(-1, window - dilated - lo)     # the window must fit the padded input
        hi = draw(st.integers(need, need + 3))
        xs.append(size)
        ws.append(k)
        pads.append((lo, hi))
    return dict(xs=tuple(xs), ws=tuple(ws), strides=strides, padding=pads, input_dilation=idil,
                kernel_dilation=kdil, fg=fg, bg=bg,
                perms=[draw(st.permutations(range(n + 2))) for _ in range(3)])


def _argsort(perm):
    return sorted(range(len(perm)), key=lambda i: perm[i])


def _permuted(shape, perm):
    """The shape whose axes ``perm`` (in order) are the canonical ones."""
    out = [0] * len(shape)
    for i, a in enumerate(perm):
        out[a] = shape[i]
    return tuple(out)


@pytest.mark.parametrize("type_", ["f32", "s8", "u8", "s4", "u64", "f16", "bf16", "f8", "f64", "c64", "c128"])
@given(data=st.data())
def test_conv_matches_the_direct_formula(type_, data):
    p = data.draw(conv_problems())
    xs, ws = p["xs"], p["ws"]
    vals = element_values(type_)
    xf = data.draw(st.lists(vals, min_size=math.prod(xs), max_size=math.prod(xs)))
    wf = data.draw(st.lists(vals, min_size=math.prod(ws), max_size=math.prod(ws)))
    ip, kp, op = p["perms"]
    # the operands are laid out so that the permutations bring them back to canonical
    x = make(type_, _permuted(xs, ip), flat_list(np.transpose(raw(xf, xs), _argsort(ip))))
    w = make(type_, _permuted(ws, kp), flat_list(np.transpose(raw(wf, ws), _argsort(kp))))
    got = nx.conv(x, w, strides=p["strides"], padding=p["padding"],
                  input_dilation=p["input_dilation"], kernel_dilation=p["kernel_dilation"],
                  feature_group_size=p["fg"], batch_group_size=p["bg"],
                  input_permutation=list(ip), kernel_permutation=list(kp), output_permutation=list(op))
    opts = {k: p[k] for k in ("strides", "padding", "input_dilation", "kernel_dilation", "fg", "bg")}
    out_type = types.to_floating(type_)
    expected = exact_contract(lambda a, b: conv_direct(a, b, **opts), xf, xs, wf, ws,
                              out_type.is_complex)
    assert got.type == out_type and got.shape == _permuted(expected.shape, op)
    expected = np.transpose(expected, _argsort(op))
    check(out_type, got.to_flat_list(), flat_list(expected))


@given(st.lists(st.integers(-8, 8), min_size=1, max_size=8), st.lists(st.integers(-8, 8), min_size=1, max_size=8))
def test_conv_is_numpy_correlate(xs, ks):
    if len(ks) > len(xs):
        xs, ks = ks, xs
    got = nx.conv(nx.tensor([[xs]]), nx.tensor([[ks]])).to_flat_list()
    assert got == np.correlate(xs, ks, "valid").astype(float).tolist()
    full = nx.conv(nx.tensor([[xs]]), nx.tensor([[ks]]), padding=[(len(ks) - 1, len(ks) - 1)])
    assert full.to_flat_list() == np.correlate(xs, ks, "full").astype(float).tolist()


def test_conv_same_padding_keeps_the_spatial_size():
    x = nx.iota((1, 1, 5, 4))
    for k in ((1, 1), (2, 3), (3, 4)):
        got = nx.conv(x, nx.broadcast(1, (1, 1) + k), padding="same")
        assert got.shape == (1, 1, 5, 4)
    # windows are placed as numpy/scipy's "same" correlation does for odd sizes
    got = nx.conv(nx.tensor([[[1, 2, 3, 4]]]), nx.tensor([[[1, 10, 100]]]), padding="same")
    assert got.to_flat_list() == np.correlate([1, 2, 3, 4], [1, 10, 100], "same").astype(float).tolist()


def test_conv_names_and_types():
    x = nx.iota((2, 3, 5), names=["batch", "channels", "time"])
    w = nx.iota((4, 3, 2), names=["out", "in", "k"])
    got = nx.conv(x, w)
    assert got.names == ("batch", "channels", "time") and got.shape == (2, 4, 4)
    assert got.type == "f32"
    assert nx.conv(nx.iota((1, 1, 2), type="f64"), nx.iota((1, 1, 1), type="bf16")).type == "f64"
    assert nx.conv(nx.iota((1, 1, 2), type="bf16"), nx.iota((1, 1, 1), type="u8")).type == "bf16"
    assert nx.conv(nx.iota((1, 1, 2), type="s64"), nx.iota((1, 1, 1), type="c64")).type == "c64"
    assert nx.conv(x, w, output_permutation=["time", "batch", "channels"]).names == \
        ("channels", "time", "batch")


def test_conv_kernel_is_not_conjugated():
    got = nx.conv(nx.tensor([[[1j]]]), nx.tensor([[[1j]]]))
    assert got.to_flat_list() == [-1 + 0j]


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(strides=0), ArgumentError, "each of strides must be a positive integer"),
    (dict(strides=[1]), ArgumentError, "one value per spatial dimension"),
    (dict(input_dilation=[1, 0]), ArgumentError, "input_dilation must be a positive integer"),
    (dict(kernel_dilation=1.5), ArgumentError, "kernel_dilation must be a positive integer"),
    (dict(padding="full"), ArgumentError, "invalid padding mode"),
    (dict(padding=[(1, 1)]), ArgumentError, "one .low, high. pair per spatial dimension"),
    (dict(padding=[(1, 1), (1,)]), ArgumentError, "pairs of integers"),
    (dict(padding=[(-3, 0), (0, 0)]), ShapeError, "bigger than the padded input"),
    (dict(kernel_dilation=[3, 1]), ShapeError, r"kernel \(size 4 after kernel_dilation\) is bigger than the padded input \(size 3\)"),
    (dict(feature_group_size=2, batch_group_size=2), ArgumentError, "either batch_group_size or feature_group_size must be 1"),
    (dict(feature_group_size=0), ArgumentError, "feature_group_size must be a positive integer"),
    (dict(batch_group_size=3), ArgumentError, r"batch_group_size \(3\) must evenly divide the input batch size \(2\)"),
    (dict(feature_group_size=3), ArgumentError, r"feature_group_size \(3\) must evenly divide the kernel's output channels \(4\)"),
    (dict(feature_group_size=2), ShapeError, r"input channels \(2\) must equal the kernel's input channels \(2\) times feature_group_size \(2\)"),
    (dict(input_permutation=[0, 1, 2]), AxisError, "input_permutation .* must name each of the 4 axes"),
    (dict(kernel_permutation=[0, 1, 2, 2]), AxisError, "given twice"),
    (dict(output_permutation=[0, 1, 2, 4]), AxisError, r"output_permutation \(4\) invalid"),
    (dict(input_permutation=[0, 1, "x", 3]), NameError_, "name 'x' not found"),
    (dict(stride=1), ArgumentError, "unknown option"),
])
def test_conv_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        nx.conv(nx.iota((2, 2, 3, 3)), nx.iota((4, 2, 2, 2)), **kwargs)


def test_conv_rank_errors():
    with pytest.raises(ShapeError, match="kernel must have rank 3 or more"):
        nx.conv(nx.iota((1, 1, 3)), nx.iota((1, 3)))
    with pytest.raises(ShapeError, match="same rank"):
        nx.conv(nx.iota((1, 1, 3, 3)), nx.iota((1, 1, 3)))


def test_conv_of_empty_tensors():
    assert nx.conv(make("f32", (0, 2, 3), []), nx.iota((4, 2, 2))).shape == (0, 4, 2)
    got = nx.conv(nx.iota((1, 0, 3)), make("f32", (2, 0, 2), []))
    assert got.shape == (1, 2, 2) and got.to_flat_list() == [0.0] * 4
    # an empty kernel window fits anywhere: every output is an empty sum
    got = nx.conv(nx.iota((1, 1, 2)), make("f32", (1, 1, 0), []))
    assert got.shape == (1, 1, 3) and got.to_flat_list() == [0.0] * 3


# -- gradient rules: checked by linearity ----------------------------------------------

def _inner(a, b):
    return sum(x * y for x, y in zip(a.to_flat_list(), b.to_flat_list()))


def _vjp(name, g, *inputs, **opts):
    op = registry.get(name)
    opts = op.normalize(*(t.spec for t in inputs), **opts)
    out = op.infer(*(t.spec for t in inputs), **opts)
    return op.grad(nx, g, out, *inputs, **{k: opts[k] for k in op.backend_option_names})


@given(dot_problems(), st.randoms(use_true_random=False))
def test_dot_grad_is_the_transpose(p, rnd):
    # dot is bilinear: <g, dot(x, y)> = <grad_x, x> = <grad_y, y>, exactly on integers
    def rand(shape, names):
        return make("s64", shape, [rnd.randint(-5, 5) for _ in range(math.prod(shape))], names)
    x, y = rand(p["shape1"], p["names1"]), rand(p["shape2"], p["names2"])
    out = nx.dot(x, p["c1"], p["b1"], y, p["c2"], p["b2"])
    g = rand(out.shape, None)
    gx, gy = _vjp("dot", g, x, y, contract_axes1=p["c1"], batch_axes1=p["b1"],
                  contract_axes2=p["c2"], batch_axes2=p["b2"])
    assert gx.shape == x.shape and gy.shape == y.shape
    assert _inner(g, out) == _inner(gx, x) == _inner(gy, y)


@given(conv_problems(), st.randoms(use_true_random=False))
def test_conv_grad_is_the_transpose(p, rnd):
    ip, kp, op = p["perms"]

    def rand(shape):
        return make("f64", shape, [float(rnd.randint(-3, 3)) for _ in range(math.prod(shape))])
    x, w = rand(_permuted(p["xs"], ip)), rand(_permuted(p["ws"], kp))
    opts = dict(strides=p["strides"], padding=p["padding"], input_dilation=p["input_dilation"],
                kernel_dilation=p["kernel_dilation"], feature_group_size=p["fg"],
                batch_group_size=p["bg"], input_permutation=list(ip),
                kernel_permutation=list(kp), output_permutation=list(op))
    out = nx.conv(x, w, **opts)
    g = rand(out.shape)
    gx, gw = _vjp("conv", g, x, w, **opts)
    assert gx.shape == x.shape and gw.shape == w.shape
    assert _inner(g, out) == _inner(gx, x) == _inner(gw, w)
