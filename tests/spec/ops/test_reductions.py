"""The reductions' declarations: type, shape and naming rules, option checks and
error messages, group semantics on special values, and gradient rules.

Everything is generated from the registry: every op of the "reduction" family
must appear in ``TYPE_RULES``, and each test walks the ops of one kind (axes
reductions, argmax-like, all_close).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec import codec, registry, types
from spec.errors import ArgumentError, AxisError, NameError_, ShapeError, TypeError_
from spec.registry import TensorSpec
from tests.support import shapes

OPS = {name: op for name, op in registry.all_ops().items() if op.family == "reduction"}
ALL = [t.name for t in types.ALL_TYPES]
REAL = [t.name for t in types.ALL_TYPES if not t.is_complex]


INTEGERS = {f"{k}{b}" for k in "su" for b in (2, 4, 8, 16, 32, 64)}


def _aggregate(name):
    if name in INTEGERS:
        return "s64" if name in ("s64", "u64") else name[0] + "32"
    return name


def _floating(name):
    return "f32" if name in INTEGERS else name


# op -> (accepted input types, output type of an input type), written out here
# independently of spec.types.
TYPE_RULES = {
    "sum": (ALL, _aggregate),
    "product": (ALL, _aggregate),
    "reduce_max": (REAL, lambda t: t),
    "reduce_min": (REAL, lambda t: t),
    "argmax": (REAL, lambda t: "s32"),
    "argmin": (REAL, lambda t: "s32"),
    "all": (ALL, lambda t: "u8"),
    "any": (ALL, lambda t: "u8"),
    "mean": (ALL, _floating),
    "variance": (ALL, _floating),
    "standard_deviation": (ALL, _floating),
    "logsumexp": (REAL, _floating),
    "all_close": (ALL, lambda t: "u8"),
}
AXES_OPS = sorted(n for n, op in OPS.items() if "axes" in op.option_names)
AXIS_OPS = sorted(n for n, op in OPS.items() if "axis" in op.option_names)
PRIMITIVES = sorted(n for n, op in OPS.items() if op.is_primitive)


def spec(type_, shape, names=None):
    return TensorSpec(types.normalize(type_), tuple(shape), tuple(names or (None,) * len(shape)))


def make_tensor(type_, shape, names, flat):
    """A reference tensor with the given row-major values (rounded into the type)."""
    out = spec(type_, shape, names)
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def infer(name, *args, **opts):
    op = OPS[name]
    return op.infer(*args, **op.normalize(*args, **opts))


def test_every_reduction_is_covered():
    assert set(TYPE_RULES) == set(OPS), "reductions without a row in TYPE_RULES (or stale rows)"
    assert set(AXES_OPS) | set(AXIS_OPS) | {"all_close"} == set(OPS)


# -- type rules ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TYPE_RULES))
@pytest.mark.parametrize("type_", ALL)
def test_type_rule(name, type_):
    accepted, rule = TYPE_RULES[name]
    args = (spec(type_, (2, 3)),) * (2 if name == "all_close" else 1)
    if type_ in accepted:
        assert str(infer(name, *args).type) == rule(type_)
        assert types.normalize(type_) in OPS[name].accepts or name == "all_close"
    else:
        with pytest.raises(TypeError_) as e:
            infer(name, *args)
        assert name in str(e.value) and type_ in str(e.value), str(e.value)


@pytest.mark.parametrize("name", AXIS_OPS)
@pytest.mark.parametrize("type_", ["u8", "s64", "f32", "u2"])
def test_index_type_option(name, type_):
    assert infer(name, spec("f32", (3,)), type=type_).type == type_
    with pytest.raises(TypeError_, match="invalid numerical type"):
        infer(name, spec("f32", (3,)), type="i32")


def test_numbers_are_scalars_of_their_literal_type():
    assert infer("sum", 5) == spec("s32", ())
    assert infer("mean", 2.5) == spec("f32", ())
    assert infer("argmax", True) == spec("s32", ())


# -- shape and naming rules -----------------------------------------------------------

@st.composite
def axes_cases(draw, max_rank=3, max_side=4):
    """(shape, names, axes as the user gives them or None, the same as sorted ints, keep)."""
    shape = draw(shapes(max_rank=max_rank, max_side=max_side))
    rank = len(shape)
    names = tuple(draw(st.sampled_from([None, f"n{i}"])) for i in range(rank))
    keep = draw(st.booleans())
    if draw(st.integers(0, 4)) == 0:
        return shape, names, None, None, keep
    chosen = draw(st.lists(st.integers(0, rank - 1), unique=True)) if rank else []
    user = []
    for i in chosen:
        forms = [i, i - rank] + ([names[i]] if names[i] else [])
        user.append(draw(st.sampled_from(forms)))
    return shape, names, user, tuple(sorted(chosen)), keep


def expected_shape(shape, axes, keep):
    """Shape of a reduction, as numpy gives it."""
    return np.sum(np.zeros(shape), axis=axes, keepdims=keep).shape


def expected_names(names, axes, keep):
    if keep:
        return tuple(names)
    return tuple(n for i, n in enumerate(names) if axes is not None and i not in axes)


@pytest.mark.parametrize("name", AXES_OPS)
@given(case=axes_cases())
def test_axes_shape_and_names(name, case):
    shape, names, user_axes, axes, keep = case
    rank_axes = tuple(range(len(shape))) if axes is None else axes
    out = infer(name, spec("f32", shape, names), axes=user_axes, keep_axes=keep)
    assert out.shape == expected_shape(shape, rank_axes, keep)
    assert out.names == expected_names(names, rank_axes, keep)
    assert OPS[name].normalize(spec("f32", shape, names), axes=user_axes)["axes"] == axes


@pytest.mark.parametrize("name", AXIS_OPS)
@given(shape=shapes(max_rank=3, min_side=1), data=st.data())
def test_axis_shape_and_names(name, shape, data):
    names = tuple(f"n{i}" for i in range(len(shape)))
    keep = data.draw(st.booleans())
    if not shape or data.draw(st.booleans()):
        # no axis: the index into the flattened tensor, a scalar whatever keep_axis says
        assert infer(name, spec("s8", shape, names), keep_axis=keep) == spec("s32", ())
        return
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    form = data.draw(st.sampled_from([axis, names[axis]]))
    out = infer(name, spec("s8", shape, names), axis=form, keep_axis=keep)
    a = axis % len(shape)
    assert out.shape == np.argmax(np.zeros(shape), axis=a, keepdims=keep).shape
    assert out.names == expected_names(names, (a,), keep)


# -- errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", AXES_OPS)
def test_axes_errors(name):
    x = spec("f32", (2, 3), ("x", "y"))
    cases = [
        (dict(axes=[2]), AxisError, "given axis (2) invalid for shape (2, 3)"),
        (dict(axes=[-3]), AxisError, "given axis (-3) invalid for shape (2, 3)"),
        (dict(axes=[0, -2]), AxisError, "(2, 3)"),
        (dict(axes=["y", 1]), AxisError, "(2, 3)"),
        (dict(axes=["z"]), NameError_, "'z' not found"),
        (dict(axes=1.5), ArgumentError, "1.5"),
    ]
    for opts, error, message in cases:
        with pytest.raises(error) as e:
            infer(name, x, **opts)
        assert message in str(e.value), f"{opts}: {e.value}"


@pytest.mark.parametrize("name", AXIS_OPS)
def test_axis_errors(name):
    x = spec("f32", (2, 3), ("x", "y"))
    cases = [
        (x, dict(axis=2), AxisError, "given axis (2) invalid for shape (2, 3)"),
        (x, dict(axis="z"), NameError_, "'z' not found"),
        (x, dict(tie_break="middle"), ArgumentError, 'expected "high" or "low"'),
        (spec("f32", (2, 0)), dict(axis=1), ArgumentError, "axis 1, which has size 0"),
        (spec("f32", (0, 2)), dict(), ArgumentError, "empty tensor (shape (0, 2))"),
        (spec("c64", (2,)), dict(), TypeError_, f"nx.{name}/2 does not support complex inputs"),
    ]
    for arg, opts, error, message in cases:
        with pytest.raises(error) as e:
            infer(name, arg, **opts)
        assert message in str(e.value), f"{opts}: {e.value}"


def test_complex_rejected_with_nx_message():
    for name in ("reduce_max", "reduce_min", "logsumexp"):
        with pytest.raises(TypeError_, match=f"nx.{name}/2 does not support complex inputs, got: c128"):
            infer(name, spec("c128", (2,)))


def test_statistics_option_errors():
    x = spec("f32", (2, 3))
    with pytest.raises(ArgumentError, match="expected ddof to be an integer, got: 0.5"):
        infer("variance", x, ddof=0.5)
    with pytest.raises(ArgumentError, match="ddof"):
        infer("standard_deviation", x, ddof=True)
    with pytest.raises(ShapeError, match=r"exp_scaling_factor of shape \(4,\) cannot be broadcast"):
        infer("logsumexp", x, exp_scaling_factor=spec("f32", (4,)))
    with pytest.raises(ArgumentError, match="tensor or a number"):
        infer("logsumexp", x, exp_scaling_factor="big")
    assert infer("logsumexp", x, exp_scaling_factor=spec("f64", (3,))) == spec("f64", ())
    assert infer("logsumexp", spec("s8", (2,)), exp_scaling_factor=0.5) == spec("f32", ())
    assert infer("logsumexp", x, exp_scaling_factor=1j).type == "c64"


def test_all_close_rules():
    assert infer("all_close", spec("f32", (2, 3), ("x", None)), spec("s8", (3,))) == spec("u8", ())
    with pytest.raises(ShapeError, match="cannot broadcast"):
        infer("all_close", spec("f32", (2, 3)), spec("f32", (2,)))
    with pytest.raises(NameError_, match="cannot merge name"):
        infer("all_close", spec("f32", (2,), ("x",)), spec("f32", (2,), ("y",)))
    with pytest.raises(ArgumentError, match="expected rtol to be a number"):
        infer("all_close", spec("f32", (2,)), spec("f32", (2,)), rtol="0.1")


def test_unknown_options_are_rejected():
    for name in sorted(OPS):
        with pytest.raises((TypeError, ArgumentError), match="keep_axis|axes"):
            getattr(nx, name)(nx.tensor([1.0]), *([nx.tensor([1.0])] if name == "all_close" else []),
                              **({"keep_axis": True} if "axes" in OPS[name].option_names else {"axes": [0]}))


# -- group semantics ------------------------------------------------------------------

def _same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return (a != a and b != b) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return a == b


@pytest.mark.parametrize("name", PRIMITIVES)
def test_special_cases(name):
    op = OPS[name]
    for values, expected in op.special_cases:
        got = op.semantics(values) if values else op.extras["identity"](types.normalize("f32"))
        assert _same(got, expected), f"nx.{name}({values}) = {got!r}, expected {expected!r}"


@pytest.mark.parametrize("name", sorted(n for n in PRIMITIVES if n not in AXIS_OPS))
def test_identity_of_empty_groups(name):
    # the value each reduction gives an empty group, written out per type
    expected = {"sum": lambda t: 0, "product": lambda t: 1, "all": lambda t: 1,
                "any": lambda t: 0,
                "reduce_max": lambda t: -math.inf if t.name not in INT_LIMITS else INT_LIMITS[t.name][0],
                "reduce_min": lambda t: math.inf if t.name not in INT_LIMITS else INT_LIMITS[t.name][1]}
    for t in OPS[name].accepts:
        got = OPS[name].extras["identity"](t)
        want = expected[name](t)
        if t == "f8_e4m3fn" and name in ("reduce_max", "reduce_min"):
            want = math.copysign(448.0, want)  # no infinities: its extreme finite values
        assert got == want, f"{name} of an empty {t} group: {got!r} != {want!r}"


INT_LIMITS = {f"{k}{b}": ((-(1 << (b - 1)), (1 << (b - 1)) - 1) if k == "s" else (0, (1 << b) - 1))
              for k in "su" for b in (2, 4, 8, 16, 32, 64)}


@pytest.mark.parametrize("name", AXIS_OPS)
def test_arg_semantics_tie_break_and_nan(name):
    fn = OPS[name].semantics
    extreme = [5, 1, 5, 1] if name == "argmax" else [1, 5, 1, 5]
    assert fn(extreme, "low") == 0 and fn(extreme, "high") == 2
    assert fn([0.0, -0.0], "high") == 1  # signed zeros tie
    for tie in ("low", "high"):
        assert fn([1.0, math.nan, 3.0, math.nan], tie) == 1  # the first NaN, whatever tie_break
        assert fn([math.inf, -math.inf], tie) == (0 if name == "argmax" else 1)


# -- gradient rules, applied eagerly with the nx namespace ----------------------------

def _grad(name, x, g, axes, keep):
    op = OPS[name]
    opts = op.normalize(x.spec, axes=axes, keep_axes=keep)
    out = getattr(nx, name)(x, axes=axes, keep_axes=keep)
    [dx] = op.grad(nx, g, out, x, **opts)
    return np.asarray(dx.to_list(), dtype=np.float64).reshape(x.shape)


def _rows(a, axes):
    """The groups of ``a`` (numpy) reduced by ``axes``, one row each, and a way back."""
    axes = tuple(range(a.ndim)) if axes is None else axes
    dest = tuple(range(a.ndim - len(axes), a.ndim))
    moved = np.moveaxis(a, axes, dest)
    n = int(np.prod([a.shape[i] for i in axes]))
    kept = int(np.prod([d for i, d in enumerate(a.shape) if i not in axes]))
    return moved.reshape(kept, n), moved.shape, axes, dest


def _unrows(rows, moved_shape, axes, dest):
    return np.moveaxis(rows.reshape(moved_shape), dest, axes)


@pytest.mark.parametrize("name", ["sum", "product", "reduce_max", "reduce_min"])
@given(case=axes_cases(max_rank=3, max_side=3), data=st.data())
def test_gradient_rule(name, case, data):
    shape, names, user_axes, axes, keep = case
    values = data.draw(st.lists(st.integers(-2, 2), min_size=int(np.prod(shape)),
                                max_size=int(np.prod(shape))))
    a = np.array(values, dtype=np.float64).reshape(shape)
    x = make_tensor("f64", shape, names, a.ravel().tolist())
    out_shape = expected_shape(shape, tuple(range(len(shape))) if axes is None else axes, keep)
    gv = np.arange(1, int(np.prod(out_shape)) + 1, dtype=np.float64).reshape(out_shape)
    g = make_tensor("f64", out_shape, None, gv.ravel().tolist())
    rows, moved_shape, raxes, dest = _rows(a, axes)
    grows = np.broadcast_to(gv.reshape(-1, 1), rows.shape) if rows.size else rows
    expected = np.zeros_like(rows)
    for r, row in enumerate(rows):
        for i in range(len(row)):
            if name == "sum":
                d = 1.0
            elif name == "product":
                d = np.prod(np.delete(row, i))
            else:
                extreme = row.max() if name == "reduce_max" else row.min()
                d = (row[i] == extreme) / np.sum(row == extreme)
            expected[r, i] = grows[r, i] * d
    got = _grad(name, x, g, user_axes, keep)
    np.testing.assert_allclose(got, _unrows(expected, moved_shape, raxes, dest), rtol=1e-12)


def test_non_differentiable_reductions_say_so():
    for name in ("argmax", "argmin", "all", "any", "all_close"):
        assert not OPS[name].differentiable and OPS[name].grad is None
