"""Conversion: the binary of a tensor, type conversion and bit casting."""

from __future__ import annotations

from spec import types
from spec.errors import TypeError_
from spec.registry import Op, TensorSpec, option, register, static, tensor

__all__ = ["to_binary", "as_type", "bitcast"]


to_binary = register(Op(
    name="to_binary", family="conversion",
    params=(tensor("tensor"), option("limit", None)),
    infer=lambda x, *, limit=None: None,
    doc="""Returns the tensor's data as ``bytes`` in the layout of :mod:`spec.codec`;
    ``limit`` caps the number of elements.

    >>> nx.to_binary(1)
    b'\\x01\\x00\\x00\\x00'
    >>> import struct
    >>> nx.to_binary(nx.tensor([1.0, 2.0, 3.0])) == struct.pack("<3f", 1.0, 2.0, 3.0)
    True
    >>> nx.to_binary(nx.tensor([1.0, 2.0, 3.0]), limit=2) == struct.pack("<2f", 1.0, 2.0)
    True
    """,
    differentiable=False,
))


def _as_type_literal(args, index):
    # a number given to as_type is built directly in the target type (Nx's alias to
    # nx.tensor(number, type=type)), unless only a float type can hold it
    target = types.normalize(args[1])
    number = args[index]
    if target.is_integer and not isinstance(number, int):
        return types.infer(number)
    if not target.is_complex and isinstance(number, complex):
        return types.infer(number)
    return target


def _as_type_grad(ops, g, out, x):
    # as in Nx the cotangent passes through unchanged, integer inputs included
    # (Nx's grad of sum(as_type(s32 [1, 2, 3], f32)) is [1.0, 1.0, 1.0]); the
    # reverse pass gives it x's type, the real part for a real x
    return [g]


def _bitcast_grad(ops, g, out, x):
    # Nx passes the cotangent through bitcast as if it were the identity
    return [g]


as_type = register(Op(
    name="as_type", family="conversion",
    params=(tensor("tensor"), static("type")), grad=_as_type_grad,
    infer=lambda x, type: TensorSpec(types.normalize(type), x.shape, x.names)
    if isinstance(x, TensorSpec) else TensorSpec(types.normalize(type), (), ()),
    normalize=lambda x, type: {}, literal_type=_as_type_literal,
    doc="""Converts a tensor to ``type``, element by element (see
    :func:`spec.values.cast`): integers wrap, floats round to nearest even, float
    to integer truncates toward zero with NaN as 0 and infinities saturating,
    complex to real keeps the real part. A number is built in ``type`` directly.

    >>> nx.as_type(nx.tensor([0, 1, 2], names=["data"]), "f32")
    #Nx.Tensor<
      f32[data: 3]
      [0.0, 1.0, 2.0]
    >
    >>> nx.as_type(nx.tensor([0.0, 1.0, 2.0], names=["data"]), "s64")
    #Nx.Tensor<
      s64[data: 3]
      [0, 1, 2]
    >
    >>> nx.as_type(nx.tensor([1, -2]), "c64")
    #Nx.Tensor<
      c64[2]
      [1.0+0.0i, -2.0+0.0i]
    >
    >>> nx.as_type(nx.tensor([-1+2j, -2+3j, 3-4j]), "s64")
    #Nx.Tensor<
      s64[3]
      [-1, -2, 3]
    >
    >>> nx.as_type(nx.tensor([float("inf"), float("nan"), float("-inf")]), "s32")
    #Nx.Tensor<
      s32[3]
      [2147483647, 0, -2147483648]
    >
    >>> nx.as_type(nx.tensor([float("inf"), float("nan")]), "f16")
    #Nx.Tensor<
      f16[2]
      [Inf, NaN]
    >
    >>> nx.as_type(1.0e-128, "f32")
    #Nx.Tensor<
      f32
      0.0
    >
    >>> nx.as_type(1.0e-128, "f64")
    #Nx.Tensor<
      f64
      1.0e-128
    >
    """,
))


def _bitcast_infer(x, type):
    type_ = types.normalize(type)
    for t in (x.type, type_):
        if t.is_complex:
            raise TypeError_(f"nx.bitcast/2 does not support complex inputs, got: {t}")
    if type_.bits != x.type.bits:
        raise TypeError_(
            f"input type width must match new type width, got input type {x.type} and "
            f"output type {type_}")
    return TensorSpec(type_, x.shape, x.names)


bitcast = register(Op(
    name="bitcast", family="conversion",
    params=(tensor("tensor"), static("type")), grad=_bitcast_grad,
    accepts=tuple(t for t in types.ALL_TYPES if not t.is_complex), infer=_bitcast_infer, normalize=lambda x, type: {},
    doc="""Reinterprets the bits of each element as another real type of the same
    bit size (complex types are not supported, as in Nx).

    >>> t = nx.bitcast(nx.tensor([0, 0, 0], names=["data"], type="s32"), "f32")
    >>> t
    #Nx.Tensor<
      f32[data: 3]
      [0.0, 0.0, 0.0]
    >
    >>> nx.bitcast(t, "s32")
    #Nx.Tensor<
      s32[data: 3]
      [0, 0, 0]
    >
    >>> nx.bitcast(nx.tensor([[0, -1], [1, -2]], type="s8"), "u8")
    #Nx.Tensor<
      u8[2][2]
      [
        [0, 255],
        [1, 254]
      ]
    >
    >>> nx.bitcast(nx.tensor([0, 1, 2], names=["data"], type="s16"), "f32")
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: input type width must match new type width, got input type s16 and output type f32
    >>> nx.bitcast(nx.tensor([0], type="c64"), "s64")
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.bitcast/2 does not support complex inputs, got: c64
    """,
))
