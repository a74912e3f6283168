"""Creation: tensors from Python data and binaries, iota, eye, explicit
broadcasting, templates (type conversion is in :mod:`spec.ops.conversion`).

The literal rules of ``nx.tensor`` live in :func:`literal`; the other ops are
declared below, each with Nx's examples translated."""

from __future__ import annotations

import numbers
import warnings

from spec import types, values
from spec.errors import ArgumentError, ShapeError
from spec.names import validate_names
from spec.registry import Op, TensorSpec, option, register, static
from spec.shapes import (normalize_axis,
                         shape_of, validate_shape)

__all__ = ["literal", "tensor_", "constant", "from_binary", "iota", "eye",
           "template"]

_EXACT = (bool, int, float, complex)


# -- nx.tensor ---------------------------------------------------------------

def _is_list(x):
    return isinstance(x, (list, tuple))


def _nested_shape(data, path):
    """The shape of nested lists, raising at the first two siblings that differ."""
    if not _is_list(data):
        return ()
    shapes = []
    for i, item in enumerate(data):
        s = _nested_shape(item, path + [i])
        if shapes and s != shapes[0]:
            raise ShapeError(
                f"cannot build tensor because lists have different shapes, got {shapes[0]} "
                f"at position {path + [0]} and {s} at position {path + [i]}")
        shapes.append(s)
    return (len(data),) + (shapes[0] if shapes else ())


def _flatten(data):
    """(shape, row-major elements, their classes) of a number or of nested lists,
    level by level."""
    if not _is_list(data):
        return (), [data], {data.__class__}
    shape = []
    level = [data]
    while True:
        n = len(level[0])
        if any(len(x) != n for x in level):
            _nested_shape(data, [])   # raises with the positions
        shape.append(n)
        items = [y for x in level for y in x]
        classes = {y.__class__ for y in items}
        if not classes.isdisjoint((list, tuple)) or not all(c in _EXACT for c in classes):
            nested = [_is_list(y) for y in items]
            if items and all(nested):
                level = items
                continue
            if any(nested):
                _nested_shape(data, [])
        return tuple(shape), items, classes


def _position(shape, flat_index):
    index = []
    for d in reversed(shape):
        flat_index, i = divmod(flat_index, d)
        index.append(i)
    return list(reversed(index))


def _as_number(v, shape, i):
    """A Python number for one element (numpy scalars included), or an error."""
    if isinstance(v, numbers.Number):
        if isinstance(v, numbers.Integral):
            return int(v)
        if isinstance(v, numbers.Real):
            return float(v)
        return complex(v)
    where = f" at position {_position(shape, i)}" if shape else ""
    if hasattr(v, "shape") and hasattr(v, "type"):
        raise ArgumentError(
            f"invalid value given to nx.tensor{where}: a tensor. To build a tensor from "
            f"other tensors, use nx.concatenate or nx.stack instead")
    raise ArgumentError(
        f"invalid value given to nx.tensor, got: {v!r:.80}{where}: expected numbers, "
        f"booleans or nested lists of them")


def _check_fits(type_, flat, shape):
    """Floats and complex numbers need a floating type, complex numbers a complex one."""
    if type_.is_complex:
        return
    bad = complex if type_.is_floating else (float, complex)
    for i, v in enumerate(flat):
        if isinstance(v, bad):
            where = f" at position {_position(shape, i)}" if shape else ""
            need = "a complex type" if isinstance(v, complex) else "a floating type"
            raise ArgumentError(
                f"cannot store the {type(v).__name__} {v!r}{where} in a tensor of type {type_}: "
                f"it needs {need}")


def _convert(type_, flat, shape):
    if type_.is_integer:
        return [int(v) for v in flat] if any(isinstance(v, bool) for v in flat) else flat
    conv = complex if type_.is_complex else float
    out = []
    for i, v in enumerate(flat):
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2 ** 53:
            # round the exact integer once into the type (float() would round it to f64 first)
            try:
                v = values.cast(v, "s64" if abs(v) < 2 ** 63 else "u64", type_) \
                    if abs(v) < 2 ** 64 else values.round_to(type_, v)
            except OverflowError:
                raise ArgumentError(
                    f"the integer at position {_position(shape, i)} is too large for a tensor "
                    f"of type {type_}") from None
            out.append(conv(v))
        else:
            out.append(conv(v))
    return out


def literal(data, type=None, names=None) -> tuple[TensorSpec, list]:
    """The spec of ``nx.tensor(data, type=..., names=...)`` and its flat values.

    Without ``type`` the type is inferred as Nx does: booleans are u8, integers s32,
    floats f32, complex c64, and a list takes the merge of its elements' types
    (so integers and floats give f32). With an integer ``type``, integers that
    do not fit wrap around (as Nx's writes do), and floats are rejected; complex
    numbers need a complex type. Nested lists must be regular and non-empty.

    >>> literal([[1, 2], [3, 4.0]])[0]
    TensorSpec(type=Type('f32'), shape=(2, 2), names=(None, None))
    >>> literal([True, 2])[0].type, literal([1, 2j])[1]
    (Type('s32'), [(1+0j), 2j])
    >>> literal([1, 2.5], type="s8")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot store the float 2.5 at position [1] in a tensor of type s8: it needs a floating type
    """
    shape, flat, classes = _flatten(data)
    if not flat:
        raise ArgumentError(f"cannot build an empty tensor (nested lists of shape {shape})")
    if not all(c in _EXACT for c in classes):
        flat = [v if v.__class__ in _EXACT else _as_number(v, shape, i) for i, v in enumerate(flat)]
        classes = {v.__class__ for v in flat}
    if type is None:
        type_ = None
        for kind in classes:
            t = types.infer(kind())
            type_ = t if type_ is None else types.merge(type_, t)
    else:
        type_ = types.normalize(type)
        _check_fits(type_, flat, shape)
    return TensorSpec(type_, shape, validate_names(names, len(shape))), _convert(type_, flat, shape)


tensor_ = register(Op(
    name="tensor", family="creation",
    params=(static("data"), option("type", None), option("names", None), option("backend", None)),
    infer=lambda data, *, type=None, names=None, backend=None: literal(data, type, names)[0],
    backend_options=(),
    doc="""Builds a tensor from a number, a boolean, nested lists (or tuples) of them,
    a numpy array, or a tensor.

    Integers are s32, floats f32, complex numbers c64 and booleans u8 (True is
    1); a list takes the merge of its elements' types. ``type`` sets the type:
    integers that do not fit an integer type wrap around; floats and complex
    numbers are rejected there. ``names`` names the axes. ``backend`` is where
    the tensor is allocated (the default backend otherwise). Given a tensor,
    ``nx.tensor`` returns it with new names (or none), and raises if ``type`` or
    ``backend`` do not match it.

    >>> nx.tensor(0)
    #Nx.Tensor<
      s32
      0
    >
    >>> nx.tensor([1.2, 2.3, 3.4, 4.5])
    #Nx.Tensor<
      f32[4]
      [1.2, 2.3, 3.4, 4.5]
    >
    >>> nx.tensor([300, 301, 302], type="s8")
    #Nx.Tensor<
      s8[3]
      [44, 45, 46]
    >
    >>> nx.tensor([1, 2, 3.0])
    #Nx.Tensor<
      f32[3]
      [1.0, 2.0, 3.0]
    >
    >>> nx.tensor([True, False])
    #Nx.Tensor<
      u8[2]
      [1, 0]
    >
    >>> nx.tensor([[[1, 2], [3, 4], [5, 6]], [[-1, -2], [-3, -4], [-5, -6]]])
    #Nx.Tensor<
      s32[2][3][2]
      [
        [
          [1, 2],
          [3, 4],
          [5, 6]
        ],
        [
          [-1, -2],
          [-3, -4],
          [-5, -6]
        ]
      ]
    >
    >>> nx.tensor([1, 2, 3], type="bf16")
    #Nx.Tensor<
      bf16[3]
      [1.0, 2.0, 3.0]
    >
    >>> nx.tensor([float("-inf"), float("nan"), float("inf")])
    #Nx.Tensor<
      f32[3]
      [-Inf, NaN, Inf]
    >
    >>> nx.tensor(1-1j)
    #Nx.Tensor<
      c64
      1.0-1.0i
    >
    >>> nx.tensor([float("inf")], type="f8_e4m3fn")
    #Nx.Tensor<
      f8_e4m3fn[1]
      [450.0]
    >
    >>> nx.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], names=["batch", None, None])
    #Nx.Tensor<
      s32[batch: 1][3][3]
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9]
        ]
      ]
    >
    >>> nx.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], names=["batch"])
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: invalid names ['batch'] for tensor of rank 3: when specifying names every dimension must have a name or be None
    >>> nx.tensor(nx.tensor([1, 2, 3], names=["column"]))
    #Nx.Tensor<
      s32[3]
      [1, 2, 3]
    >
    >>> nx.tensor(nx.tensor([1, 2, 3]), type="f32")
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.tensor expects a tensor with type f32 but it was given a tensor of type s32
    >>> nx.tensor(nx.tensor([1, 2, 3], names=["column"]), names=["row"])
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: cannot merge name 'column' on axis 0 with name 'row' on axis 0
    >>> nx.tensor([[1, 2], [3]])
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot build tensor because lists have different shapes, got (2,) at position [0] and (1,) at position [1]
    """,
    differentiable=False,
))


# -- constant ----------------------------------------------------------------

def _constant_infer(number, *, type=None, backend=None):
    if not isinstance(number, numbers.Number):
        raise ArgumentError(f"nx.constant expects a number, got: {number!r:.80}")
    number = number if number.__class__ in _EXACT else _as_number(number, (), 0)
    if type is None:
        return TensorSpec(types.infer(number), (), ())
    type_ = types.normalize(type)
    _check_fits(type_, [number], ())
    return TensorSpec(type_, (), ())


constant = register(Op(
    name="constant", family="creation",
    params=(static("number"), option("type", None), option("backend", None)),
    infer=_constant_infer, backend_options=(),
    doc="""A scalar tensor holding ``number``, of ``type`` or of the number's type
    (the backend callback that turns Python numbers into tensors).

    >>> nx.constant(3, type="f16")
    #Nx.Tensor<
      f16
      3.0
    >
    >>> nx.constant(1.5, type="s32")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot store the float 1.5 in a tensor of type s32: it needs a floating type
    """,
    differentiable=False,
))


# -- binaries ----------------------------------------------------------------

def _from_binary_infer(data, type, *, backend=None):
    type_ = types.normalize(type)
    nbits = len(data) * 8
    if nbits == 0:
        raise ArgumentError("cannot build an empty tensor (the binary is empty)")
    if nbits % type_.bits:
        raise ArgumentError(
            f"binary does not match the given size: {len(data)} bytes do not hold a whole "
            f"number of {type_} elements ({type_.bits} bits each)")
    return TensorSpec(type_, (nbits // type_.bits,), (None,))


from_binary = register(Op(
    name="from_binary", family="creation",
    params=(static("data"), static("type"), option("backend", None)),
    infer=_from_binary_infer, backend_options=(),
    doc="""Creates a one-dimensional tensor from a binary in the layout of
    :mod:`spec.codec` (little-endian, row-major; 2- and 4-bit types packed, the
    padding bits of the last byte read as elements).

    >>> nx.from_binary(bytes([1, 2, 3, 4]), "s8")
    #Nx.Tensor<
      s8[4]
      [1, 2, 3, 4]
    >
    >>> import struct
    >>> nx.from_binary(struct.pack("<d", 12.3), "f64")
    #Nx.Tensor<
      f64[1]
      [12.3]
    >
    >>> nx.from_binary(bytes([1, 2, 3, 4]), "f64")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: binary does not match the given size: 4 bytes do not hold a whole number of f64 elements (64 bits each)
    """,
    differentiable=False,
))

# -- iota, eye ---------------------------------------------------------------

def _deprecated_shape(fname, shape):
    if isinstance(shape, numbers.Number) or hasattr(shape, "shape") and hasattr(shape, "type"):
        warnings.warn(f"passing a tensor as shape to nx.{fname} is deprecated (as in Nx): "
                      f"pass its shape", DeprecationWarning, stacklevel=5)


def _shape_names(value, names):
    """Names given, else those of a tensor given as the shape, else none."""
    if names is None and hasattr(value, "names") and hasattr(value, "type"):
        return tuple(value.names)
    return names


def _iota_normalize(shape, *, type="s32", axis=None, names=None, backend=None):
    _deprecated_shape("iota", shape)
    dims = shape_of(shape)
    names = validate_names(_shape_names(shape, names), len(dims))
    return {"type": types.normalize(type), "names": names, "backend": backend,
            "axis": None if axis is None else normalize_axis(axis, dims, names)}


def _iota_infer(shape, *, type, axis, names, backend=None):
    return TensorSpec(type, shape_of(shape), names)


iota = register(Op(
    name="iota", family="creation",
    params=(static("shape"), option("type", "s32"), option("axis", None),
            option("names", None), option("backend", None)),
    infer=_iota_infer, normalize=_iota_normalize, backend_options=("axis",),
    doc="""Creates a tensor of ``shape`` counting up from 0: along ``axis`` when
    given (an index or a name; negative indexes count from the end), otherwise
    over the flattened tensor. A tensor given as the shape gives its shape and
    names (deprecated, as in Nx).

    >>> nx.iota(())
    #Nx.Tensor<
      s32
      0
    >
    >>> nx.iota((5,))
    #Nx.Tensor<
      s32[5]
      [0, 1, 2, 3, 4]
    >
    >>> nx.iota((3, 2, 3), names=["batch", "height", "width"])
    #Nx.Tensor<
      s32[batch: 3][height: 2][width: 3]
      [
        [
          [0, 1, 2],
          [3, 4, 5]
        ],
        [
          [6, 7, 8],
          [9, 10, 11]
        ],
        [
          [12, 13, 14],
          [15, 16, 17]
        ]
      ]
    >
    >>> nx.iota((3, 3), axis=1, names=["batch", None])
    #Nx.Tensor<
      s32[batch: 3][3]
      [
        [0, 1, 2],
        [0, 1, 2],
        [0, 1, 2]
      ]
    >
    >>> nx.iota((3, 3), axis=-1)
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 1, 2],
        [0, 1, 2],
        [0, 1, 2]
      ]
    >
    >>> nx.iota((1, 3, 2), axis=2, type="f64")
    #Nx.Tensor<
      f64[1][3][2]
      [
        [
          [0.0, 1.0],
          [0.0, 1.0],
          [0.0, 1.0]
        ]
      ]
    >
    >>> nx.iota((2, 3), axis=2)
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (2) invalid for shape (2, 3) with rank 2
    """,
    differentiable=False,
))


def _eye_normalize(n, *, type="s32", names=None, backend=None):
    if isinstance(n, int) and not isinstance(n, bool):
        if n < 0:
            raise ShapeError(f"nx.eye expects a non-negative size, got: {n}")
        dims = (n, n)
    else:
        _deprecated_shape("eye", n)
        dims = shape_of(n)
        if len(dims) < 2:
            raise ShapeError(
                f"nx.eye expects a shape with at least 2 dimensions or an integer, got: {dims}")
    return {"type": types.normalize(type), "backend": backend,
            "names": validate_names(names, len(dims)), "dims": dims}


eye = register(Op(
    name="eye", family="creation",
    params=(static("n"), option("type", "s32"), option("names", None), option("backend", None)),
    infer=lambda n, *, type, names, dims, backend=None: TensorSpec(type, dims, names),
    normalize=_eye_normalize, backend_options=(),
    doc="""Creates the identity matrix of size ``n``, or of a shape whose last two
    axes hold the matrices (leading axes are batches of the same matrix).

    >>> nx.eye(2)
    #Nx.Tensor<
      s32[2][2]
      [
        [1, 0],
        [0, 1]
      ]
    >
    >>> nx.eye(3, type="f32", names=["height", "width"])
    #Nx.Tensor<
      f32[height: 3][width: 3]
      [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0]
      ]
    >
    >>> nx.eye((1, 2))
    #Nx.Tensor<
      s32[1][2]
      [
        [1, 0]
      ]
    >
    >>> nx.eye((2, 4, 3))
    #Nx.Tensor<
      s32[2][4][3]
      [
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [0, 0, 0]
        ],
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [0, 0, 0]
        ]
      ]
    >
    >>> nx.eye((3,))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: nx.eye expects a shape with at least 2 dimensions or an integer, got: (3,)
    """,
    differentiable=False,
))


def _template_infer(shape, type, *, names=None):
    dims = validate_shape(shape)
    return TensorSpec(types.normalize(type), dims, validate_names(names, len(dims)))


template = register(Op(
    name="template", family="creation",
    params=(static("shape"), static("type"), option("names", None)),
    backend_options=(), infer=_template_infer,
    doc="""A tensor with a type, shape and names but no data, used to describe
    inputs (for example to compile ahead of time). Computing with it raises.

    >>> nx.template((2, 3), "f32")
    #Nx.Tensor<
      f32[2][3]
      Nx.TemplateBackend
    >
    >>> nx.template((2, 3), ("f", 32), names=["rows", "columns"])
    #Nx.Tensor<
      f32[rows: 2][columns: 3]
      Nx.TemplateBackend
    >
    >>> nx.exp(nx.template((2, 3), "f32"))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot perform operations on a Nx.TemplateBackend tensor (nx.exp)
    """,
    differentiable=False,
))
