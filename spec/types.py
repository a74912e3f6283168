"""The 20 numerical types of Nx 0.13 and the rules that combine them.

A type is a kind and a bit size: signed (``s``) and unsigned (``u``) integers of
2 to 64 bits, IEEE floats (``f``: 8 = E5M2, 16, 32, 64), ``bf16``, the finite-only
``f8_e4m3fn`` and complex numbers (``c64``, ``c128``: two f32 or two f64).

Promotion is data: each kind has a precedence (``u < s < bf < f = f8_e4m3fn < c``)
and :func:`merge` combines two types from that precedence alone, the way Nx's
``Nx.Type.merge/2`` does; the full 20 x 20 table is derived from it
(:func:`promotion_table`) and pinned by a golden test.

Where the spec departs from Nx 0.13 (each written down where it applies):

* :func:`merge` of ``f8_e4m3fn`` with an ``f`` type is symmetric (Nx's depends on
  the argument order);
* :func:`merge_number` and :func:`cast_number` treat ``f8_e4m3fn`` like the other
  real floats (Nx has no clause for it);
* :func:`epsilon` of ``f8_e4m3fn`` is 0.125 (Nx's table holds 0.625).

>>> merge("s8", "u8")
Type('s16')
>>> str(merge_number("u8", 256))
'u16'
"""

from __future__ import annotations

import math

from spec.errors import ArgumentError, TypeError_

__all__ = [
    "Type", "ALL_TYPES", "INTEGER_TYPES", "FLOAT_TYPES", "COMPLEX_TYPES", "REAL_TYPES",
    "normalize", "infer", "merge", "merge_number", "binary_type", "to_floating",
    "to_real", "to_complex", "to_aggregate", "is_integer", "is_float", "is_complex",
    "is_infinite_float", "min_finite", "max_finite", "min_value", "max_value",
    "epsilon", "smallest_positive_normal", "nan", "infinity", "neg_infinity",
    "promotion_table", "to_string", "cast_number",
]


class Type:
    """A numerical type: a kind (``"s"``, ``"u"``, ``"f"``, ``"bf"``, ``"c"``,
    ``"f8_e4m3fn"``) and a size in bits.

    Types compare equal to their names, so ``t.type == "f32"`` reads naturally.

    >>> Type("f", 32) == "f32", str(Type("bf", 16)), Type("u", 8).bits
    (True, 'bf16', 8)
    """

    __slots__ = ("kind", "bits", "name")

    def __init__(self, kind: str, bits: int):
        name = "f8_e4m3fn" if kind == "f8_e4m3fn" else f"{kind}{bits}"
        if name not in _VALID:
            raise TypeError_(
                f"invalid numerical type: {(kind, bits)!r} (see nx.types for all supported types)")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "bits", bits)
        object.__setattr__(self, "name", name)

    def __setattr__(self, key, value):
        raise AttributeError("Type is immutable")

    def __eq__(self, other):
        if isinstance(other, Type):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        if isinstance(other, tuple):
            return (self.kind, self.bits) == other
        return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"Type({self.name!r})"

    def __reduce__(self):
        return (Type, (self.kind, self.bits))

    def as_tuple(self) -> tuple[str, int]:
        """The Nx tuple form, ``("f", 32)``.

        >>> Type("f8_e4m3fn", 8).as_tuple()
        ('f8_e4m3fn', 8)
        """
        return (self.kind, self.bits)

    @property
    def is_integer(self) -> bool:
        return self.kind in ("s", "u")

    @property
    def is_signed(self) -> bool:
        return self.kind != "u"

    @property
    def is_float(self) -> bool:
        """True for real floating-point kinds (f, bf, f8_e4m3fn); complex is not."""
        return self.kind in ("f", "bf", "f8_e4m3fn")

    @property
    def is_complex(self) -> bool:
        return self.kind == "c"

    @property
    def is_floating(self) -> bool:
        """True for every floating representation, complex included (Nx's ``float?``)."""
        return self.kind in ("f", "bf", "f8_e4m3fn", "c")

    @property
    def bytes(self) -> int:
        """Bytes per element, rounded up (2- and 4-bit types are packed)."""
        return (self.bits + 7) // 8


_VALID = {
    "s2", "s4", "s8", "s16", "s32", "s64", "u2", "u4", "u8", "u16", "u32", "u64",
    "f8", "f16", "f32", "f64", "f8_e4m3fn", "bf16", "c64", "c128",
}

ALL_TYPES: tuple[Type, ...] = tuple(
    Type(k, b) for k, b in [
        ("u", 2), ("u", 4), ("u", 8), ("u", 16), ("u", 32), ("u", 64),
        ("s", 2), ("s", 4), ("s", 8), ("s", 16), ("s", 32), ("s", 64),
        ("f", 8), ("f8_e4m3fn", 8), ("f", 16), ("bf", 16), ("f", 32), ("f", 64),
        ("c", 64), ("c", 128),
    ]
)
_BY_NAME = {t.name: t for t in ALL_TYPES}
INTEGER_TYPES = tuple(t for t in ALL_TYPES if t.is_integer)
FLOAT_TYPES = tuple(t for t in ALL_TYPES if t.is_float)
COMPLEX_TYPES = tuple(t for t in ALL_TYPES if t.is_complex)
REAL_TYPES = INTEGER_TYPES + FLOAT_TYPES


def _of(kind: str, bits: int) -> Type:
    """The canonical Type of a kind and a size known to be valid."""
    return _BY_NAME["f8_e4m3fn" if kind == "f8_e4m3fn" else f"{kind}{bits}"]


def normalize(type_) -> Type:
    """Validate a user-given type and return the canonical :class:`Type`.

    Accepts a ``Type``, its name (``"f32"``) or Nx's tuple form (``("f", 32)``).

    >>> normalize("u8"), normalize(("f", 64)), normalize(("f8_e4m3fn", 8))
    (Type('u8'), Type('f64'), Type('f8_e4m3fn'))
    >>> normalize(("u", 0))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: invalid numerical type: ('u', 0) (see nx.types for all supported types)
    """
    if isinstance(type_, Type):
        return _BY_NAME[type_.name]
    key = None
    if isinstance(type_, str):
        key = type_
    elif isinstance(type_, tuple) and len(type_) == 2 and isinstance(type_[0], str) \
            and isinstance(type_[1], int) and not isinstance(type_[1], bool):
        key = "f8_e4m3fn" if type_ == ("f8_e4m3fn", 8) else f"{type_[0]}{type_[1]}"
        if type_[0] == "f8_e4m3fn" and type_[1] != 8:
            key = None
    found = _BY_NAME.get(key) if key is not None else None
    if found is None:
        raise TypeError_(
            f"invalid numerical type: {type_!r} (see nx.types for all supported types)")
    return found


def infer(value) -> Type:
    """The type Nx gives a Python literal: ints are s32, floats f32, complex c64,
    booleans u8.

    >>> [str(infer(v)) for v in (1, 1.0, 1j, True)]
    ['s32', 'f32', 'c64', 'u8']
    """
    if isinstance(value, bool):
        return _BY_NAME["u8"]
    if isinstance(value, int):
        return _BY_NAME["s32"]
    if isinstance(value, float):
        return _BY_NAME["f32"]
    if isinstance(value, complex):
        return _BY_NAME["c64"]
    raise TypeError_(f"cannot infer the type of {value!r}: expected a number or a boolean")


def to_string(type_) -> str:
    """The name of a type, as Nx writes it.

    >>> [to_string(t) for t in (("s", 8), ("u", 64), ("f8_e4m3fn", 8), ("f", 8), ("bf", 16))]
    ['s8', 'u64', 'f8_e4m3fn', 'f8', 'bf16']
    """
    return normalize(type_).name


def cast_number(type_, number):
    """A Python number as an element of ``type_``, without range checks (Nx's
    ``cast_number!``): integers stay integers in integer types, become floats in
    real float types and complex numbers in complex ones; floats need a floating
    type. Rounding into the type is :func:`spec.values.round_to`'s job.

    The spec's own rule: ``f8_e4m3fn`` takes numbers like every real float type
    (Nx's clauses omit it and raise).

    >>> cast_number("u8", 10), cast_number("s8", -10), cast_number("bf16", -10), cast_number("c64", 10)
    (10, -10, -10.0, (10+0j))
    >>> cast_number("u8", -10)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot cast number -10 to u8
    >>> cast_number("s8", 10.0)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot cast number 10.0 to s8
    """
    type_ = normalize(type_)
    is_int = isinstance(number, int) and not isinstance(number, bool)
    if type_.kind == "u" and is_int and number >= 0 or type_.kind == "s" and is_int:
        return number
    if type_.is_float and (is_int or isinstance(number, float)):
        return float(number)
    if type_.is_complex and (is_int or isinstance(number, (float, complex))):
        return complex(number)
    raise ArgumentError(f"cannot cast number {number!r} to {type_}")


# Kind precedence of Nx.Type.merge: c > f (= f8_e4m3fn) > bf > s > u.
_PRECEDENCE = {"u": 0, "s": 1, "bf": 2, "f": 3, "f8_e4m3fn": 3, "c": 4}


def merge(left, right) -> Type:
    """The smallest type that both ``left`` and ``right`` promote to (Nx's rules).

    Same kind: the larger size. Otherwise the higher kind wins, except that an
    unsigned integer meeting a signed one needs twice its size (capped at 64 bits)
    and a float meeting a complex type needs a complex of twice its size.

    One rule is the spec's own: Nx's merge of ``f8_e4m3fn`` with an ``f`` type
    depends on argument order; here it is symmetric: the larger size wins, and
    ``f8`` with ``f8_e4m3fn`` gives ``f16``, the smallest type holding both exactly.

    >>> [str(merge(a, b)) for a, b in [("s8", "u8"), ("u64", "f32"), ("f64", "c64"), ("bf16", "f16")]]
    ['s16', 'f32', 'c128', 'f16']
    """
    left, right = normalize(left), normalize(right)
    if left.kind == right.kind:
        return left if left.bits >= right.bits else right
    if _PRECEDENCE[left.kind] > _PRECEDENCE[right.kind]:
        left, right = right, left
    # now `right` has the higher (or equal) precedence
    if left.kind == "u" and right.kind == "s":
        return _of("s", max(min(left.bits * 2, 64), right.bits))
    if left.kind in ("f", "f8_e4m3fn", "bf") and right.kind == "c":
        return _of("c", max(left.bits * 2, right.bits))
    if _PRECEDENCE[left.kind] == _PRECEDENCE[right.kind]:  # f against f8_e4m3fn
        if left.bits == right.bits:
            return _BY_NAME["f16"]
        return left if left.bits > right.bits else right
    return right


# Bits an integer literal asks for, as Nx counts them: 0 and 1 (and -1, -2) ask for
# 1 bit, so that they keep even the 2- and 4-bit types; anything larger asks for
# the smallest of 8, 16, 32 and 64 bits that holds it.
def _unsigned_size(x: int) -> int:
    for bits, top in ((1, 1), (8, 255), (16, 65535), (32, 4294967295)):
        if x <= top:
            return bits
    return 64


def _signed_size(x: int) -> int:
    if x < 0:
        x = -x - 1
    for bits, top in ((1, 1), (8, 127), (16, 32767), (32, 2147483647)):
        if x <= top:
            return bits
    return 64


def merge_number(type_, number) -> Type:
    """Merge a tensor type with a Python number, keeping the tensor's type when
    the number fits it (Nx's ``merge_number``).

    An integer keeps an integer type it fits in, else widens it to the smallest
    of 8, 16, 32, 64 bits that holds it (a negative one turns ``u`` into an ``s``
    of twice the size first); 0 and 1 fit every integer type, 2- and 4-bit ones
    included. A float keeps a floating type and turns an integer type into f32.
    A complex number gives the type's merge with c64 (Nx types a complex number
    as c64). ``True``/``False`` count as the integers 1 and 0.

    The spec's own rule: ``f8_e4m3fn`` keeps its type with any real number, as
    ``f8`` and ``bf16`` do; Nx has no clause for it and returns f32 there.

    >>> [str(merge_number("u8", n)) for n in (255, 256, -1, 1.5)]
    ['u8', 'u16', 's16', 'f32']
    >>> [str(merge_number(t, 1)) for t in ("u2", "s4", "f8_e4m3fn")]
    ['u2', 's4', 'f8_e4m3fn']
    >>> str(merge_number("f64", 1.0)), str(merge_number("f32", 1j)), str(merge_number("f64", 1j))
    ('f64', 'c64', 'c128')
    """
    type_ = normalize(type_)
    if isinstance(number, bool):
        number = int(number)
    if isinstance(number, complex):
        return merge(type_, "c64")
    if isinstance(number, int):
        if type_.kind == "u":
            if number >= 0:
                return _of("u", max(_unsigned_size(number), type_.bits))
            type_ = _of("s", min(type_.bits * 2, 64))
        if type_.kind == "s":
            return _of("s", max(_signed_size(number), type_.bits))
        return type_
    if isinstance(number, float):
        return type_ if type_.is_floating else _BY_NAME["f32"]
    raise TypeError_(f"expected a number, got: {number!r}")


def binary_type(left, right) -> Type:
    """The type of an element-wise binary operation on tensors (given by their
    types) or Python numbers, as Nx's ``Nx.Shared.binary_type/2``.

    >>> str(binary_type("u8", 1)), str(binary_type(1, 2.5)), str(binary_type("s8", "f16"))
    ('u8', 'f32', 'f16')
    """
    lnum, rnum = _is_number(left), _is_number(right)
    if lnum and rnum:
        return infer(left + right)
    if lnum:
        return merge_number(right, left)
    if rnum:
        return merge_number(left, right)
    return merge(left, right)


def _is_number(x) -> bool:
    return isinstance(x, (int, float, complex))


def to_floating(type_) -> Type:
    """The smallest floating type (complex included) that represents ``type_``.

    >>> [str(to_floating(t)) for t in ("s8", "u64", "bf16", "f64", "c64")]
    ['f32', 'f32', 'bf16', 'f64', 'c64']
    """
    type_ = normalize(type_)
    return type_ if type_.is_floating else merge(type_, "f32")


def to_real(type_) -> Type:
    """The real type of a type: complex to its component type, integers to f32.

    >>> [str(to_real(t)) for t in ("c64", "c128", "s8", "bf16")]
    ['f32', 'f64', 'f32', 'bf16']
    """
    type_ = normalize(type_)
    if type_.is_float:
        return type_
    if type_.is_complex:
        return _of("f", type_.bits // 2)
    return _BY_NAME["f32"]


def to_complex(type_) -> Type:
    """The smallest complex type that represents ``type_``.

    >>> [str(to_complex(t)) for t in ("s64", "f32", "f64", "c128")]
    ['c64', 'c64', 'c128', 'c128']
    """
    type_ = normalize(type_)
    if type_.is_complex:
        return type_
    return _BY_NAME["c128"] if type_ == "f64" else _BY_NAME["c64"]


def to_aggregate(type_) -> Type:
    """The type used to accumulate ``type_`` (sums and products): small integers
    widen to 32 bits, u64 becomes s64, floats stay.

    >>> [str(to_aggregate(t)) for t in ("s8", "u16", "u64", "s64", "bf16")]
    ['s32', 'u32', 's64', 's64', 'bf16']
    """
    type_ = normalize(type_)
    if type_ == "u64":
        return _BY_NAME["s64"]
    if type_.kind == "u":
        return _BY_NAME["u32"]
    if type_ == "s64":
        return type_
    if type_.kind == "s":
        return _BY_NAME["s32"]
    return type_


def is_integer(type_) -> bool:
    """>>> is_integer("u64"), is_integer("f32")
    (True, False)
    """
    return normalize(type_).is_integer


def is_float(type_) -> bool:
    """Nx's ``float?``: floats and complex.

    >>> is_float("bf16"), is_float("c64"), is_float("s8")
    (True, True, False)
    """
    return normalize(type_).is_floating


def is_complex(type_) -> bool:
    """>>> is_complex("c64"), is_complex("f64")
    (True, False)
    """
    return normalize(type_).is_complex


def is_infinite_float(type_) -> bool:
    """Whether a type can hold infinities (every float but f8_e4m3fn).

    >>> is_infinite_float("f8_e4m3fn"), is_infinite_float("bf16"), is_infinite_float("s32")
    (False, True, False)
    """
    type_ = normalize(type_)
    return type_.is_floating and type_.kind != "f8_e4m3fn"


# (exponent bits, mantissa bits) of the real float formats.
FLOAT_FORMATS = {
    "f8": (5, 2), "f8_e4m3fn": (4, 3), "f16": (5, 10), "bf16": (8, 7),
    "f32": (8, 23), "f64": (11, 52),
}


def _float_limits(name: str) -> tuple[float, float, float]:
    """(max finite, epsilon, smallest positive normal) of a real float format."""
    exp_bits, man_bits = FLOAT_FORMATS[name]
    bias = (1 << (exp_bits - 1)) - 1
    if name == "f8_e4m3fn":  # no infinities: the top exponent holds finite values but NaN
        max_finite = 2.0 ** (bias + 1) * (2 - 2.0 ** (1 - man_bits))
    else:
        max_finite = 2.0 ** bias * (2 - 2.0 ** -man_bits)
    return max_finite, 2.0 ** -man_bits, 2.0 ** (1 - bias)


def _real_name(type_: Type) -> str:
    if type_.is_complex:
        return "f32" if type_.bits == 64 else "f64"
    return type_.name


def max_finite(type_):
    """The largest finite value of a type (for complex: of its components).

    >>> max_finite("s8"), max_finite("u2"), max_finite("f16"), max_finite("f8_e4m3fn")
    (127, 3, 65504.0, 448.0)
    """
    type_ = normalize(type_)
    if type_.kind == "s":
        return (1 << (type_.bits - 1)) - 1
    if type_.kind == "u":
        return (1 << type_.bits) - 1
    return _float_limits(_real_name(type_))[0]


def min_finite(type_):
    """The smallest (most negative) finite value of a type (for complex: of its
    components).

    >>> min_finite("s4"), min_finite("u64"), min_finite("bf16")
    (-8, 0, -3.3895313892515355e+38)
    """
    type_ = normalize(type_)
    if type_.kind == "s":
        return -(1 << (type_.bits - 1))
    if type_.kind == "u":
        return 0
    return -max_finite(type_)


def max_value(type_):
    """The largest value of a type: infinity where the type has one.

    >>> max_value("f32"), max_value("f8_e4m3fn"), max_value("u8")
    (inf, 448.0, 255)
    """
    return math.inf if is_infinite_float(type_) else max_finite(type_)


def min_value(type_):
    """The smallest value of a type: -infinity where the type has one.

    >>> min_value("f64"), min_value("s8")
    (-inf, -128)
    """
    return -math.inf if is_infinite_float(type_) else min_finite(type_)


def _require_floating(type_, what):
    type_ = normalize(type_)
    if not type_.is_floating:
        raise TypeError_(f"only floating types are supported, got: {type_}")
    return type_


def epsilon(type_) -> float:
    """Machine epsilon: the gap between 1.0 and the next larger value (for a
    complex type: of its components).

    The spec's own value for ``f8_e4m3fn``: 2**-3 = 0.125 (three mantissa bits);
    Nx's table gives the byte 0x32 there, which is 0.625 in that format.

    >>> epsilon("f32"), epsilon("bf16"), epsilon("f8"), epsilon("f8_e4m3fn")
    (1.1920928955078125e-07, 0.0078125, 0.25, 0.125)
    """
    return _float_limits(_real_name(_require_floating(type_, "epsilon")))[1]


def smallest_positive_normal(type_) -> float:
    """The smallest positive normal value (for a complex type: of its components).

    >>> smallest_positive_normal("f16"), smallest_positive_normal("f8_e4m3fn")
    (6.103515625e-05, 0.015625)
    """
    return _float_limits(_real_name(_require_floating(type_, "smallest_positive_normal")))[2]


def nan(type_) -> float:
    """NaN as a value of a floating type.

    >>> nan("f32")
    nan
    """
    _require_floating(type_, "nan")
    return math.nan


def infinity(type_) -> float:
    """Infinity in a floating type; ``f8_e4m3fn`` saturates to its largest value, as Nx's does.

    >>> infinity("f16"), infinity("f8_e4m3fn")
    (inf, 448.0)
    """
    return max_value(_require_floating(type_, "infinity"))


def neg_infinity(type_) -> float:
    """Negative infinity in a floating type (``f8_e4m3fn``: its lowest value).

    >>> neg_infinity("bf16"), neg_infinity("f8_e4m3fn")
    (-inf, -448.0)
    """
    return min_value(_require_floating(type_, "neg_infinity"))


def promotion_table() -> dict[tuple[str, str], str]:
    """The full promotion table derived from :func:`merge`, keyed by type names.

    >>> table = promotion_table()
    >>> len(table), table[("u8", "s8")], table[("f16", "c64")]
    (400, 's16', 'c64')
    """
    return {(a.name, b.name): merge(a, b).name for a in ALL_TYPES for b in ALL_TYPES}

