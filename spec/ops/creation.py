"""Creation and conversion: tensors from Python data and binaries, iota, eye,
explicit broadcasting, type conversion and bit casting, templates."""

from __future__ import annotations

from spec import types, values
from spec.errors import ArgumentError, ShapeError, TypeError_
from spec.names import validate_names
from spec.registry import Op, TensorSpec, option, register, static, tensor
from spec.shapes import (broadcast_axes, normalize_axis, size, validate_shape)

__all__ = ["literal", "tensor_", "from_binary", "to_binary", "iota", "eye", "broadcast",
           "as_type", "bitcast", "template", "constant"]


# -- nx.tensor ---------------------------------------------------------------

def _flatten(data, shape, flat, depth, path):
    if isinstance(data, (list, tuple)):
        if depth == len(shape):
            shape.append(len(data))
        elif shape[depth] != len(data):
            raise ShapeError(
                f"cannot build tensor: ragged nested list, the list at position {path} has "
                f"{len(data)} elements but its siblings have {shape[depth]}")
        for i, item in enumerate(data):
            _flatten(item, shape, flat, depth + 1, path + [i])
        return
    if depth != len(shape):
        raise ShapeError(
            f"cannot build tensor: ragged nested list, found the number {data!r} at "
            f"position {path} where a list was expected")
    if isinstance(data, (bool, int, float, complex)):
        flat.append(data)
        return
    raise TypeError_(
        f"cannot build tensor: expected numbers, booleans or nested lists of them, "
        f"got {data!r} at position {path}")


def literal(data, type=None, names=None) -> tuple[TensorSpec, list]:
    """The spec of ``nx.tensor(data, type=..., names=...)`` and its flat values.

    Without ``type`` the type is inferred as Nx does: booleans are u8, integers s32,
    floats f32, complex c64, and a mixed list takes the merge of its elements
    (integers and floats give f32). With an explicit integer ``type``, integers
    that do not fit wrap around (as Nx's binary writes do); floats and complex
    numbers are rejected.

    >>> literal([[1, 2], [3, 4.0]])[0]
    TensorSpec(type=Type('f32'), shape=(2, 2), names=(None, None))
    >>> literal([True, 2])[0].type
    Type('s32')
    """
    shape: list = []
    flat: list = []
    _flatten(data, shape, flat, 0, [])
    if type is None:
        if not flat:
            type_ = types.normalize("f32")
        else:
            type_ = types.infer(flat[0])
            for v in flat[1:]:
                t = types.infer(v)
                if t != type_:
                    type_ = types.merge(type_, t)
    else:
        type_ = types.normalize(type)
    if 0 in shape:
        raise ShapeError("cannot build an empty tensor from a nested list (a dimension is 0); "
                         "use nx.broadcast or nx.iota with a 0 in the shape instead")
    flat = [values.coerce(type_, v) for v in flat]
    return TensorSpec(type_, tuple(shape), validate_names(names, len(shape))), flat


tensor_ = register(Op(
    name="tensor", family="creation",
    params=(static("data"), option("type", None), option("names", None), option("backend", None)),
    infer=lambda data, *, type=None, names=None, backend=None: literal(data, type, names)[0],
    backend_options=(),
    doc="""Creates a tensor from a number, a boolean or a nested list of them.

    The type is inferred from the data unless ``type`` is given (see
    :func:`spec.ops.creation.literal`); ``names`` names the axes.

    >>> nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"])
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [1, 2, 3],
        [4, 5, 6]
      ]
    >
    >>> nx.tensor([1, 2.5])
    #Nx.Tensor<
      f32[2]
      [1.0, 2.5]
    >
    >>> nx.tensor([300, -1], type="u8")
    #Nx.Tensor<
      u8[2]
      [44, 255]
    >
    >>> nx.tensor([[1, 2], [3]])
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot build tensor: ragged nested list, the list at position [1] has 1 elements but its siblings have 2
    """,
    differentiable=False,
))


def _constant_infer(number, *, type=None):
    t = types.infer(number) if type is None else types.normalize(type)
    return TensorSpec(t, (), ())


constant = register(Op(
    name="constant", family="creation",
    params=(static("number"), option("type", None), option("backend", None)),
    infer=lambda number, *, type=None, backend=None: _constant_infer(number, type=type),
    backend_options=(),
    doc="""A scalar tensor holding ``number`` (the backend callback that turns
    Python numbers into tensors).

    >>> nx.constant(3, type="f16")
    #Nx.Tensor<
      f16
      3.0
    >
    """,
    differentiable=False,
))


# -- binaries ----------------------------------------------------------------

def _from_binary_infer(data, type, *, backend=None):
    type_ = types.normalize(type)
    nbits = len(data) * 8
    if nbits == 0:
        raise ArgumentError("cannot build an empty tensor")
    count = nbits // type_.bits
    if type_.bits >= 8 and nbits % type_.bits:
        raise ArgumentError(
            f"binary does not hold a whole number of {type_} elements: "
            f"{len(data)} bytes for {type_.bytes}-byte elements")
    return TensorSpec(type_, (count,), (None,))


from_binary = register(Op(
    name="from_binary", family="creation",
    params=(static("data"), static("type"), option("backend", None)),
    infer=_from_binary_infer, backend_options=(),
    doc="""Creates a one-dimensional tensor from a binary in the layout of
    :mod:`spec.codec` (little-endian, row-major; 2- and 4-bit types packed, their
    padding bits read as elements).

    >>> nx.from_binary(bytes([1, 2, 3]), "s8")
    #Nx.Tensor<
      s8[3]
      [1, 2, 3]
    >
    >>> nx.from_binary(b"\\x00\\x00\\x80\\x3f", "f32")
    #Nx.Tensor<
      f32[1]
      [1.0]
    >
    """,
    differentiable=False,
))

to_binary = register(Op(
    name="to_binary", family="conversion",
    params=(tensor("tensor"), option("limit", None)),
    infer=lambda x, *, limit=None: None,
    doc="""Returns the tensor's data as ``bytes`` in the layout of :mod:`spec.codec`;
    ``limit`` caps the number of elements.

    >>> nx.to_binary(nx.tensor([1, 2, 3], type="s8"))
    b'\\x01\\x02\\x03'
    >>> nx.to_binary(nx.tensor([1.0, 2.0, 3.0]), limit=1)
    b'\\x00\\x00\\x80?'
    """,
    differentiable=False,
))


# -- iota, eye ---------------------------------------------------------------

def _shape_arg(shape):
    if hasattr(shape, "shape") and hasattr(shape, "type"):  # a tensor gives its shape
        return tuple(shape.shape)
    return validate_shape(shape)


def _iota_infer(shape, *, type="s32", axis=None, names=None, backend=None):
    shape = _shape_arg(shape)
    names = validate_names(names, len(shape))
    if axis is not None:
        normalize_axis(axis, shape, names)
    return TensorSpec(types.normalize(type), shape, names)


def _iota_normalize(shape, *, type="s32", axis=None, names=None, backend=None):
    shape = _shape_arg(shape)
    names = validate_names(names, len(shape))
    return {"type": types.normalize(type), "axis": None if axis is None else
            normalize_axis(axis, shape, names), "names": names, "backend": backend}


iota = register(Op(
    name="iota", family="creation",
    params=(static("shape"), option("type", "s32"), option("axis", None),
            option("names", None), option("backend", None)),
    infer=_iota_infer, normalize=_iota_normalize, backend_options=("axis",),
    doc="""Creates a tensor of ``shape`` counting up from 0: along ``axis`` when
    given, otherwise over the flattened tensor.

    >>> nx.iota((2, 3))
    #Nx.Tensor<
      s32[2][3]
      [
        [0, 1, 2],
        [3, 4, 5]
      ]
    >
    >>> nx.iota((2, 3), axis=0, names=["x", "y"], type="f32")
    #Nx.Tensor<
      f32[x: 2][y: 3]
      [
        [0.0, 0.0, 0.0],
        [1.0, 1.0, 1.0]
      ]
    >
    """,
    differentiable=False,
))


def _eye_shape(n):
    if isinstance(n, int) and not isinstance(n, bool):
        return (n, n)
    shape = _shape_arg(n)
    if len(shape) < 2:
        raise ShapeError(f"nx.eye: expected a shape of rank 2 or more, got {shape}")
    return shape


def _eye_infer(n, *, type="s32", names=None, backend=None):
    shape = _eye_shape(n)
    return TensorSpec(types.normalize(type), shape, validate_names(names, len(shape)))


eye = register(Op(
    name="eye", family="creation",
    params=(static("n"), option("type", "s32"), option("names", None), option("backend", None)),
    infer=_eye_infer, backend_options=(),
    doc="""Creates an identity matrix of size ``n`` (or of a shape whose last two
    axes form the matrices; leading axes are batches).

    >>> nx.eye(2, names=["x", "y"])
    #Nx.Tensor<
      s32[x: 2][y: 2]
      [
        [1, 0],
        [0, 1]
      ]
    >
    """,
    differentiable=False,
))


# -- broadcast ---------------------------------------------------------------

def _broadcast_normalize(x, shape, *, axes=None, names=None):
    shape = _shape_arg(shape)
    xshape = x.shape if isinstance(x, TensorSpec) else ()
    if axes is None:
        axes = broadcast_axes(xshape, shape)
    else:
        axes = tuple(normalize_axis(a, shape, None, argument="axes") for a in axes)
        if len(axes) != len(xshape):
            raise ShapeError(
                f"nx.broadcast: axes {list(axes)} must have one entry per dimension of the "
                f"tensor of shape {xshape}")
        if list(axes) != sorted(set(axes)):
            raise ShapeError(f"nx.broadcast: axes {list(axes)} must be unique and ordered")
    for i, a in enumerate(axes):
        if xshape[i] not in (1, shape[a]):
            raise ShapeError(
                f"cannot broadcast tensor of dimensions {xshape} to {shape} with axes "
                f"{list(axes)}: dimension {i} of size {xshape[i]} does not match {shape[a]}")
    return {"axes": axes, "names": names}


def _broadcast_infer(x, shape, *, axes, names=None):
    if names is None:
        xnames = x.names if isinstance(x, TensorSpec) else ()
        out_names = [None] * len(shape)
        for i, a in enumerate(axes):
            out_names[a] = xnames[i]
        names = tuple(out_names)
    else:
        names = validate_names(names, len(shape))
    t = x.type if isinstance(x, TensorSpec) else types.infer(x)
    return TensorSpec(t, shape, names)


broadcast = register(Op(
    name="broadcast", family="shape",
    params=(tensor("tensor"), static("shape"), option("axes", None), option("names", None)),
    infer=lambda x, shape, *, axes, names=None: _broadcast_infer(x, _shape_arg(shape), axes=axes, names=names),
    normalize=lambda x, shape, *, axes=None, names=None: _broadcast_normalize(x, shape, axes=axes, names=names),
    backend_options=("axes",),
    doc="""Broadcasts a tensor to ``shape``. By default the tensor's axes align with
    the last axes of ``shape``; ``axes`` places tensor axis i at output axis
    ``axes[i]``. Each tensor dimension must be 1 or equal to its target.

    >>> nx.broadcast(1, (1, 2, 3))
    #Nx.Tensor<
      s32[1][2][3]
      [
        [
          [1, 1, 1],
          [1, 1, 1]
        ]
      ]
    >
    >>> nx.broadcast(nx.tensor([1, 2], names=["x"]), (2, 3), axes=[0])
    #Nx.Tensor<
      s32[x: 2][3]
      [
        [1, 1, 1],
        [2, 2, 2]
      ]
    >
    """,
))


# -- type conversion ---------------------------------------------------------

as_type = register(Op(
    name="as_type", family="conversion",
    params=(tensor("tensor"), static("type")),
    infer=lambda x, type: TensorSpec(types.normalize(type), x.shape, x.names),
    normalize=lambda x, type: {},
    doc="""Converts a tensor to ``type``, element by element (see
    :func:`spec.values.cast`): integers wrap, floats round to nearest even, float
    to integer truncates toward zero with NaN as 0 and out-of-range values
    saturating, complex to real keeps the real part.

    >>> nx.as_type(nx.tensor([0, 1, 2], names=["data"]), "f32")
    #Nx.Tensor<
      f32[data: 3]
      [0.0, 1.0, 2.0]
    >
    >>> nx.as_type(nx.tensor([float("nan"), float("inf"), -3.7]), "s8")
    #Nx.Tensor<
      s8[3]
      [0, 127, -3]
    >
    """,
))


def _bitcast_infer(x, type):
    type_ = types.normalize(type)
    if type_.bits != x.type.bits or type_.is_complex != x.type.is_complex:
        raise TypeError_(
            f"nx.bitcast: input type {x.type} and output type {type_} must have the same "
            f"bit size and both be real or both complex")
    return TensorSpec(type_, x.shape, x.names)


bitcast = register(Op(
    name="bitcast", family="conversion",
    params=(tensor("tensor"), static("type")),
    infer=_bitcast_infer, normalize=lambda x, type: {},
    doc="""Reinterprets the bits of each element as another type of the same size.

    >>> nx.bitcast(nx.tensor([0, 0, 0], names=["data"], type="s32"), "f32")
    #Nx.Tensor<
      f32[data: 3]
      [0.0, 0.0, 0.0]
    >
    >>> nx.bitcast(nx.tensor([-1], type="s8"), "u8")
    #Nx.Tensor<
      u8[1]
      [255]
    >
    """,
    differentiable=False,
))


template = register(Op(
    name="template", family="creation",
    params=(static("shape"), static("type"), option("names", None)),
    backend_options=(),
    infer=lambda shape, type, *, names=None: TensorSpec(
        types.normalize(type), _shape_arg(shape), validate_names(names, len(_shape_arg(shape)))),
    doc="""A tensor with a type, shape and names but no data, used to describe
    inputs (for example to compile ahead of time). Reading its data raises.

    >>> nx.template((2, 3), "f32", names=["x", None])
    #Nx.Tensor<
      f32[x: 2][3]
      Nx.TemplateBackend
    >
    """,
    differentiable=False,
))
