"""Hypothesis strategies for the calls of every op, derived from its declaration.

For an op and a *cell type*, :func:`calls` draws a :class:`~conformance.calls.Call`:
the first tensor parameter is a tensor of the cell type (any rank up to 3, sides
0 to 3, so empty and rank-0 tensors come up, with or without axis names, and
sometimes built non-contiguously: transposed or sliced on the backend), the other
tensor parameters are drawn from a small table of *roles* keyed by parameter name
(indices, updates, a predicate, a scalar accumulator, ...; by default a tensor of
the same type broadcastable against the first, or a Python number), and static
parameters and options are drawn from tables keyed by parameter name (axes, axis,
shape, window dimensions, ...). Options with no entry keep their defaults. The
op's own ``normalize`` and ``infer`` then decide whether a draw is valid: invalid
draws are rejected (``mode="values"``) rather than filtered by hand-written rules,
so an op whose parameters all have entries is covered as soon as it is declared.

An op with a static parameter that has no entry cannot be generated:
:func:`not_generated` says why, and the report shows the op as "not generated".

>>> from spec import registry
>>> not_generated(registry.get("exp")) is None
True
>>> cell_types(registry.get("sin"), selected=["f32", "s8"])
['s8', 'f32']
"""

from __future__ import annotations

import math

from hypothesis import strategies as st
from hypothesis import assume

from spec import types
from spec.errors import ArgumentError, AxisError, NameError_, ShapeError, TypeError_
from spec.registry import TensorSpec
from conformance.calls import Call, Fun, TensorArg, _nest

__all__ = ["calls", "valid", "rejection", "TypeRejected", "not_generated", "cell_types", "scalars", "SPEC_ERRORS", "STATIC", "OPTIONS", "ROLES"]

SPEC_ERRORS = (ArgumentError, AxisError, NameError_, ShapeError, TypeError_, ValueError, TypeError)
NAMES = ("w", "z", "y", "x")  # axis i of rank r is named NAMES[r - 1 - i]: right-aligned, like broadcasting
_SPECIALS = (0.0, -0.0, 1.0, -1.0, 0.5, 2.0, float("inf"), float("-inf"), float("nan"))


# -- values ---------------------------------------------------------------------

def scalars(type_):
    """Values of ``type_`` (already representable): integers over the whole range,
    floats with their special values (NaN, infinities, -0.0) well represented.

    >>> from hypothesis import find
    >>> find(scalars("s8"), lambda v: v < -100) >= -128
    True
    """
    t = types.normalize(type_)
    if t.is_integer:
        lo, hi = types.min_finite(t), types.max_finite(t)
        edges = sorted({lo, lo + 1, hi - 1, hi, 0, 1, max(lo, -1)})
        return st.one_of(st.sampled_from(edges), st.integers(lo, hi))
    if t.is_complex:
        part = scalars(types.to_real(t))
        return st.builds(complex, part, part)
    from spec import codec, values
    if t.name in ("f32", "f64"):
        finite = st.floats(width=32 if t.name == "f32" else 64, allow_nan=False)
    else:
        nbytes = t.bytes
        finite = st.integers(0, (1 << t.bits) - 1).map(
            lambda n: codec.decode(t, n.to_bytes(nbytes, "little"))[0])
    small = st.floats(-8, 8, width=32).map(lambda v: values.round_to(t, v))
    special = st.sampled_from([values.round_to(t, v) for v in _SPECIALS])
    return st.one_of(special, small, finite)


def _flat_values(draw, type_, size, low=None, high=None):
    if low is not None:
        return tuple(draw(st.lists(st.integers(low, high), min_size=size, max_size=size)))
    return tuple(draw(st.lists(scalars(type_), min_size=size, max_size=size)))


# -- shapes and names -----------------------------------------------------------

def _size(shape):
    return math.prod(shape)


def _names(draw, rank, named):
    if named == "all":
        return tuple(NAMES[rank - 1 - i] for i in range(rank))
    if named == "none" or not draw(st.booleans()):
        return (None,) * rank
    return tuple(NAMES[rank - 1 - i] if draw(st.booleans()) else None for i in range(rank))


class _Draft(TensorArg):
    """A tensor argument whose values are drawn only once the call is known to be
    valid (so that rejected draws stay cheap)."""

    low = high = None


def _tensor(draw, type_, shape, named="some", low=None, high=None):
    names = _names(draw, len(shape), named) if len(shape) <= len(NAMES) else (None,) * len(shape)
    layout = draw(st.sampled_from(("transposed", "sliced", "contiguous")))
    if _size(shape) <= 1 or (len(shape) < 2 and layout == "transposed"):
        layout = "contiguous"
    draft = _Draft((), str(type_), tuple(shape), names, layout)
    object.__setattr__(draft, "low", low)
    object.__setattr__(draft, "high", high)
    return draft


def _fill(draw, value):
    if isinstance(value, _Draft):
        return TensorArg(_flat_values(draw, value.type, _size(value.shape), value.low, value.high),
                         value.type, value.shape, value.names, value.layout)
    if isinstance(value, list):
        return [_fill(draw, v) for v in value]
    return value


def _shape(draw, mode, family):
    if family == "conv":   # batch, channels, then one or two spatial axes
        return tuple(draw(st.integers(1, 2)) for _ in range(2)) + tuple(
            draw(st.integers(1, 3)) for _ in range(draw(st.integers(1, 2))))
    if family == "linalg" and draw(st.integers(0, 2)):
        n = draw(st.integers(1, 3))
        return (n, n) if draw(st.booleans()) else (draw(st.integers(1, 2)), n, n)
    if mode == "shapes" and draw(st.booleans()):
        return draw(st.sampled_from([(), (0,), (2, 0), (0, 3), (1,), (1, 1), (3, 1, 2)]))
    return tuple(draw(st.lists(st.integers(0, 3), max_size=3)))


def _broadcastable(draw, shape):
    choice = draw(st.integers(0, 5))
    if choice <= 2:
        return shape
    if choice == 3:
        return shape[draw(st.integers(0, len(shape))):]
    if choice == 4:
        return tuple(1 if draw(st.booleans()) else d for d in shape)
    return tuple(draw(st.lists(st.integers(0, 3), max_size=3)))


# -- the context of one draw ----------------------------------------------------

class _Ctx:
    """What the tables see while drawing one call: the op, the cell type, the
    mode, the first tensor's spec and the arguments drawn so far."""

    def __init__(self, draw, op, type_, mode, spec):
        self.draw, self.op, self.type, self.mode, self.spec = draw, op, type_, mode, spec
        self.args = {}

    @property
    def shape(self):
        return self.spec.shape if self.spec is not None else ()

    @property
    def rank(self):
        return len(self.shape)

    def axis(self, allow_none=False):
        if self.rank == 0:
            return None
        choices = list(range(-self.rank, self.rank)) + [n for n in self.spec.names if n]
        if self.mode == "errors":
            choices += [self.rank, "nope"]
        if allow_none:
            choices.append(None)
        return self.draw(st.sampled_from(choices))

    def axes(self):
        if self.rank == 0 or self.draw(st.integers(0, 3)) == 0:
            return None
        picked = self.draw(st.lists(st.integers(0, self.rank - 1), unique=True, min_size=0,
                                    max_size=self.rank))
        names = self.spec.names
        out = [names[a] if names[a] and self.draw(st.booleans()) else
               (a - self.rank if self.draw(st.booleans()) else a) for a in picked]
        if self.mode == "errors" and self.draw(st.booleans()):
            out.append(self.draw(st.sampled_from([self.rank, "nope", out[0] if out else 0])))
        return out

    def per_axis(self, low, high):
        return [self.draw(st.integers(low, high)) for _ in range(self.rank)]

    def small(self, low, high):
        return self.draw(st.integers(low, max(low, high)))

    def flag(self):
        return self.draw(st.booleans())

    def pick(self, *choices):
        return self.draw(st.sampled_from(choices))

    def tensor(self, type_=None, shape=None, **kw):
        return _tensor(self.draw, type_ or self.type, self.shape if shape is None else shape, **kw)

    def scalar(self, type_=None):
        return self.draw(scalars(type_ or self.type))


def _max_dim(c):
    return max(c.shape, default=1) or 1


def _reshape_target(c):
    size = _size(c.shape)
    return c.pick((size,), tuple(reversed(c.shape)), (1,) + tuple(c.shape), (size, 1), (2, 3))


def _broadcast_target(c):
    return c.pick((2,) + tuple(c.shape), tuple(c.shape), tuple(d if d != 1 else 2 for d in c.shape),
                  (3,))


def _same_bits_type(c):
    bits = types.normalize(c.type).bits
    return c.pick(*[str(t) for t in types.ALL_TYPES if t.bits == bits])


def _data(c):
    shape = _shape(c.draw, c.mode, "")
    flat = _flat_values(c.draw, c.type, _size(shape))
    if c.op.name == "from_binary":
        from spec import codec
        return bytes(codec.encode(types.normalize(c.type), list(flat)))
    if 0 in shape:
        return []
    return _nest(list(flat), shape)


# Static (positional, non-tensor) parameters: (op, name) first, then name.
STATIC = {
    "data": _data,
    "number": lambda c: c.scalar(),
    ("from_binary", "type"): lambda c: c.type,
    ("template", "type"): lambda c: c.type,
    ("as_type", "type"): lambda c: c.pick(*[str(t) for t in types.ALL_TYPES]),
    ("bitcast", "type"): _same_bits_type,
    ("reshape", "shape"): _reshape_target,
    ("broadcast", "shape"): _broadcast_target,
    "shape": lambda c: tuple(c.per_axis(0, 3)) if c.rank else tuple(c.draw(st.lists(st.integers(0, 3), max_size=3))),
    "n": lambda c: c.small(0, 3),
    "m": lambda c: c.small(0, 3),
    "names": lambda c: [c.pick(None, "a", "b") for _ in range(c.rank)],
    "axis": lambda c: c.small(-c.rank - 1, c.rank),
    "name": lambda c: c.pick(None, "new"),
    "fun": lambda c: Fun.ADD,
    "len": lambda c: c.small(0, c.shape[0] if c.rank else 1),
    "lengths": lambda c: [c.small(0, d) for d in c.shape],
    "pad_value": lambda c: c.scalar(),
    "padding_config": lambda c: [(c.small(-1, 2), c.small(-1, 2), c.small(0, 1)) for _ in range(c.rank)],
    ("pad_outer", "padding_config"): lambda c: [(c.small(0, 2), c.small(0, 2)) for _ in range(c.rank)],
    "power": lambda c: c.small(-2, 3),
    "repetitions": lambda c: c.per_axis(0, 2) + ([c.small(1, 2)] if c.flag() else []),
    "split": lambda c: c.pick(1, 2, 3, [1, c.small(0, 2)]),
    "window_dimensions": lambda c: [c.small(1, max(d, 1)) for d in c.shape],
}

# Options (keyword parameters): (op, name) first, then name; absent: the default.
OPTIONS = {
    "axes": lambda c: c.axes(),
    "axis": lambda c: c.axis(allow_none=c.op.signature.parameters["axis"].default is None),
    "keep_axes": lambda c: c.flag(),
    "keep_axis": lambda c: c.flag(),
    "stable": lambda c: c.flag(),
    "reverse": lambda c: c.flag(),
    "endpoint": lambda c: c.flag(),
    "lower": lambda c: c.flag(),
    "left_side": lambda c: c.flag(),
    "full_matrices": lambda c: c.flag(),
    "equal_nan": lambda c: c.flag(),
    "tie_break": lambda c: c.pick("low", "high"),
    "direction": lambda c: c.pick("asc", "desc"),
    "transform_a": lambda c: c.pick("none", "transpose"),
    ("qr", "mode"): lambda c: c.pick("reduced", "complete"),
    "padding": lambda c: c.pick("valid", "same", [(c.small(0, 1), c.small(0, 1)) for _ in range(c.rank)]),
    "strides": lambda c: c.pick(1, 2, [c.small(1, 2) for _ in range(c.rank)]),
    "window_dilations": lambda c: c.pick(1, [c.small(1, 2) for _ in range(c.rank)]),
    ("top_k", "k"): lambda c: c.small(1, max(c.shape[-1:] or [1])),
    "k": lambda c: c.small(-2, 2),
    "offset": lambda c: c.args.get("_offset", c.small(-2, 2)),
    "ddof": lambda c: c.small(0, 1),
    "order": lambda c: c.small(1, 2),
    "length": lambda c: c.pick(None, c.small(1, 4)),
    ("linspace", "n"): lambda c: c.small(0, 4),
    ("linspace", "type"): lambda c: c.type,
    ("stack", "name"): lambda c: c.pick(None, "new"),
    ("iota", "type"): lambda c: c.type,
    ("eye", "type"): lambda c: c.type,
    ("tensor", "type"): lambda c: c.type,
    ("constant", "type"): lambda c: c.type,
    ("argmax", "type"): lambda c: c.pick("s32", "u8", "s64"),
    ("argmin", "type"): lambda c: c.pick("s32", "u8", "s64"),
    ("argsort", "type"): lambda c: c.pick("s32", "u8", "s64"),
    ("iota", "shape"): lambda c: tuple(c.draw(st.lists(st.integers(0, 3), max_size=3))),
    "limit": lambda c: c.pick(None, 0, 1, 5),
    ("reflect", "padding_config"): lambda c: [(c.small(0, 2), c.small(0, 2)) for _ in range(c.rank)],
}


def _indices(c):
    last = c.rank if c.op.name in ("gather", "indexed_add", "indexed_put") else None
    prefix = tuple(c.draw(st.lists(st.integers(0, 3), max_size=2)))
    shape = prefix + (last,) if last is not None and c.flag() else (
        tuple(c.shape) if c.flag() else prefix)
    high = _max_dim(c) - 1 if c.mode != "errors" else _max_dim(c) + 1
    return c.tensor(c.pick("s32", "s64", "u8"), shape, named="none", low=0 if c.mode != "errors" else -2,
                    high=max(high, 0))


def _updates(c):
    idx = c.args.get("indices")
    base = tuple(idx.shape[:-1]) if isinstance(idx, TensorArg) and idx.shape else ()
    indexed = idx.shape[-1] if isinstance(idx, TensorArg) and idx.shape else 0
    return c.tensor(shape=c.pick(base, base + tuple(c.shape[indexed:]), ()), named="none")


def _start_indices(c):
    return [c.small(0, d) for d in c.shape] if c.mode != "errors" else [c.small(-1, d + 1) for d in c.shape]


def _other(c):
    """The default role: a tensor of the cell type broadcastable against the first
    (sometimes of another shape, for the shape rule to reject), or a Python number."""
    if c.op.extras.get("arity") == 2 and c.draw(st.integers(0, 5)) == 0:
        return c.scalar() if not types.normalize(c.type).is_integer else c.small(-3, 3)
    return c.tensor(shape=_broadcastable(c.draw, tuple(c.shape)))


def _diagonal_length(c):
    """The length of the diagonal at an offset drawn now (the ``offset`` option
    then takes it), so that most draws are valid."""
    c.args["_offset"] = offset = c.small(-2, 2)
    rows, cols = (tuple(c.shape[-2:]) + (0, 0))[:2] if c.rank >= 2 else (0, 0)
    return max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))


def _system_rhs(c):
    n = c.shape[-1] if c.rank else 1
    return c.tensor(shape=c.pick(tuple(c.shape[:-1]), tuple(c.shape), (n,), (n, 1)), named="none")


# Tensor parameters after the first, by role: (op, name) first, then name.
ROLES = {
    "indices": _indices,
    "updates": _updates,
    "start_indices": _start_indices,
    "start_index": lambda c: c.small(0, c.shape[0] if c.rank else 0),
    "pred": lambda c: c.tensor("u8", _broadcastable(c.draw, tuple(c.shape)), low=0, high=1),
    "slice": lambda c: c.tensor(shape=tuple(c.small(0, d) for d in c.shape)),
    "pad_value": lambda c: c.tensor(shape=()),
    "acc": lambda c: c.tensor(shape=()),
    "init_value": lambda c: c.tensor(shape=()),
    "diagonal": lambda c: c.tensor(shape=(_diagonal_length(c),)),
    "source": lambda c: c.tensor(shape=tuple(c.small(0, d) for d in c.shape), named="none"),
    "kernel": lambda c: c.tensor(shape=(c.small(1, 2),) + tuple(c.shape[1:2]) + tuple(
        c.small(1, d) for d in c.shape[2:]), named="none"),
    "mean": lambda c: c.tensor(shape=tuple(c.shape[-1:]), named="none"),
    "weights": lambda c: c.tensor(shape=tuple(c.shape)),
    ("clip", "min"): lambda c: c.tensor(shape=c.pick((), tuple(c.shape))),
    ("clip", "max"): lambda c: c.tensor(shape=c.pick((), tuple(c.shape))),
    "stop": lambda c: c.tensor(shape=()),
    "b": _system_rhs,
    "t2": lambda c: c.tensor(shape=tuple(c.draw(st.lists(st.integers(0, 3), max_size=3))), named="none"),
    "tensors": lambda c: [c.tensor(shape=tuple(c.shape)) for _ in range(c.small(1, 3))],
    ("concatenate", "tensors"): lambda c: [c.tensor(shape=(c.small(0, 2),) + tuple(c.shape[1:]))
                                          for _ in range(c.small(1, 3))],
}


def _lookup(table, op, name):
    return table.get((op.name, name), table.get(name))


def not_generated(op):
    """Why calls of ``op`` cannot be drawn (a static parameter with no entry in
    :data:`STATIC`), or None."""
    for p in op.params:
        if p.kind == "static" and _lookup(STATIC, op, p.name) is None:
            return f"no strategy for the static parameter {p.name!r}"
    return None


def _type_option(op):
    return any(p.name == "type" for p in op.params) and not op.tensor_params


def cell_types(op, selected=None):
    """The types an op is checked on: those its first tensor accepts, or the values
    of its ``type`` option for creation ops; ``["-"]`` when neither applies."""
    if op.tensor_params:
        out = [str(t) for t in op.accepts]
    elif _type_option(op) or any(p.name == "type" and p.kind == "static" for p in op.params):
        out = [str(t) for t in types.ALL_TYPES]
    else:
        return ["-"]
    return [t for t in out if selected is None or t in selected]


def _first_type(type_):
    return "f32" if type_ == "-" else type_


def _spec(value):
    if isinstance(value, TensorArg):
        return value.spec
    if isinstance(value, list):
        return [_spec(v) for v in value]
    return value


@st.composite
def _call(draw, op, type_, mode):
    spec = None
    first = op.tensor_params[0].name if op.tensor_params else None
    if first is not None or op.family in ("creation", "shape"):
        shape = _shape(draw, mode, "conv" if op.name == "conv" else op.family)
        spec = TensorSpec(types.normalize(_first_type(type_)), shape,
                          _names(draw, len(shape), "all" if mode == "names" else "some"))
    if mode == "errors" and first is not None and draw(st.booleans()):
        type_ = draw(st.sampled_from([str(t) for t in types.ALL_TYPES]))   # maybe one it rejects
        spec = TensorSpec(types.normalize(type_), spec.shape, spec.names)
    c = _Ctx(draw, op, _first_type(type_), mode, spec)
    positional, opts = [], {}
    for p in op.params:
        if p.name == first:
            value = _tensor(draw, c.type, spec.shape, "all" if mode == "names" else "some")
            value = _Draft((), value.type, value.shape, spec.names, value.layout)
            if p.kind == "tensors":   # a list led by the first tensor
                value = [value] + (_lookup(ROLES, op, p.name) or ROLES["tensors"])(c)[1:]
        elif p.kind in ("tensor", "tensors"):
            value = (_lookup(ROLES, op, p.name) or _other)(c)
        elif p.kind == "static":
            value = _lookup(STATIC, op, p.name)(c)
        else:
            drawer = _lookup(OPTIONS, op, p.name)
            if drawer is None or (p.name == "type" and type_ == "-"):
                continue
            opts[p.name] = value = drawer(c)
        c.args[p.name] = value
        if p.kind != "option":
            positional.append(value)
    call = Call(op.name, tuple(positional), opts)
    if mode != "errors":
        error = rejection(op, call)
        if type_ != "-" and _names_type(error, type_):
            raise TypeRejected(f"the spec rejects {type_} inputs: {error}")
        assume(error is None)
    return Call(op.name, tuple(_fill(draw, v) for v in positional), opts)


def _names_type(error, type_) -> bool:
    """Whether a spec error is about the input type itself (it names the type, or
    complex inputs for a complex type), not about shapes or options."""
    if error is None:
        return False
    text = f"{error} "
    return f"{type_} " in text or f"{type_}," in text or (
        types.normalize(type_).is_complex and "complex" in text)


class TypeRejected(Exception):
    """The spec rejects the cell's type whatever the other arguments: the op's
    ``accepts`` is broader than its ``infer``."""


def rejection(op, call):
    """The exception the spec's ``normalize`` or ``infer`` raises for ``call``, or None."""
    specs = [_spec(v) for v in call.args]
    opts = {p.name: p.default for p in op.params if p.kind == "option"}
    opts.update(call.opts)
    try:
        opts = op.normalize(*specs, **opts)
        op.infer(*specs, **opts)
    except SPEC_ERRORS as e:
        return e
    return None


def valid(op, call) -> bool:
    """Whether the spec accepts ``call`` (its ``normalize`` and ``infer`` do not raise)."""
    return rejection(op, call) is None


def calls(op, type_, mode="values"):
    """A strategy of :class:`Call` of ``op`` whose first tensor has ``type_``.

    ``mode``: ``"values"`` (valid calls), ``"names"`` (every axis named),
    ``"shapes"`` (empty, rank-0 and size-1 axes favoured) or ``"errors"``
    (anything, out-of-range axes and indices included; invalid calls kept).
    """
    return _call(op, type_, mode)
