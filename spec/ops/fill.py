"""Filled tensors: ``linspace`` (evenly spaced samples between two tensors) and
``fill`` (a tensor's shape and names, every element one value).

Both are composites over ``iota``, the arithmetic ops, ``as_type`` and
``broadcast``, written once against the ``nx`` namespace as Nx defines them,
so every backend gets them.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, ShapeError
from spec.names import merge_names, validate_names
from spec.ops._reduce import as_spec
from spec.ops.shape import check_name
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import broadcast_axes, check_broadcast

__all__ = ["linspace", "fill"]

_S64 = types.normalize("s64")


# -- linspace ----------------------------------------------------------------------

def _linspace_normalize(start, stop, *, n=None, name=None, type="f32", endpoint=True):
    start, stop = as_spec(start), as_spec(stop)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ArgumentError(f"expected n to be a positive integer, got: {n!r:.80}")
    if not isinstance(endpoint, bool):
        raise ArgumentError(f"nx.linspace: expected endpoint to be a boolean, got: {endpoint!r:.80}")
    if start.shape != stop.shape:
        raise ShapeError(
            f"expected start and stop to have the same shape. Got shapes {start.shape} and "
            f"{stop.shape}")
    return {"n": n, "name": check_name(name), "type": types.normalize(type),
            "endpoint": endpoint}


def _linspace_infer(start, stop, *, n, name, type, endpoint):
    start, stop = as_spec(start), as_spec(stop)
    names = merge_names(start.names, stop.names) + (name,)
    return TensorSpec(type, start.shape + (n,), validate_names(names, len(names)))


def _linspace(nx, start, stop, *, n, name, type, endpoint):
    start, stop = nx.as_type(start, type), nx.as_type(stop, type)
    shape = start.shape + (n,)
    names = list(merge_names(start.names, stop.names)) + [name]
    if n == 1:
        return nx.rename(nx.new_axis(start, -1), names)
    # integers: the difference in s64 (Nx subtracts in the type itself, where an
    # unsigned stop below start wraps around); each step then rounds as in Nx
    wide = _S64 if type.is_integer else type
    step = nx.divide(nx.subtract(nx.as_type(stop, wide), nx.as_type(start, wide)),
                     n - 1 if endpoint else n)
    offsets = nx.multiply(nx.iota(shape, axis=len(shape) - 1, type=wide),
                          nx.new_axis(step, -1))
    values = nx.add(offsets, nx.new_axis(start, -1))
    return nx.rename(nx.as_type(values, type), names)


linspace = register(Op(
    name="linspace", family="creation",
    params=(tensor("start"), tensor("stop"),
            option("n", None, "the number of samples (a positive integer; required)"),
            option("name", None, "the name of the samples' axis"),
            option("type", "f32", "the output type"),
            option("endpoint", True, "whether the last sample is stop")),
    normalize=_linspace_normalize, infer=_linspace_infer, composite=_linspace,
    tolerance={"f8": 1, "f8_e4m3fn": 1, "f16": 1, "bf16": 1, "f32": 1, "f64": 1,
               "c64": 1, "c128": 1},
    doc="""``n`` evenly spaced samples from ``start`` to ``stop`` (numbers or
    tensors of one shape: the output has that shape plus a last axis of ``n``
    samples, named ``name``), of ``type`` (f32 by default).

    As in Nx, ``start`` and ``stop`` are first converted to ``type``; sample
    ``i`` is ``i * step + start`` with ``step = (stop - start) / (n - 1)``
    (``/ n`` with ``endpoint=False``, which leaves ``stop`` out), computed in
    ``type`` for floating types and in f32 for integer types, whose samples
    are then truncated toward zero. Unlike numpy, the last sample is not
    replaced by ``stop``, so it may differ from it by a rounding. One sample
    is ``start``. (For integer types the difference ``stop - start`` is taken
    in s64: Nx takes it in the type, where it wraps around when an unsigned
    ``stop`` is below ``start``.)

    >>> nx.linspace(5, 8, n=5)
    #Nx.Tensor<
      f32[5]
      [5.0, 5.75, 6.5, 7.25, 8.0]
    >
    >>> nx.linspace(0, 10, n=5, endpoint=False, name="x")
    #Nx.Tensor<
      f32[x: 5]
      [0.0, 2.0, 4.0, 6.0, 8.0]
    >

    For integer types the step is not rounded: with ``endpoint=True`` below it
    is 24 / 7, close to 3.43, and each sample is truncated at the end:

    >>> nx.linspace(0, 24, n=8, type="u8", endpoint=True)
    #Nx.Tensor<
      u8[8]
      [0, 3, 6, 10, 13, 17, 20, 24]
    >
    >>> nx.linspace(0, 24, n=8, type="s32", endpoint=False)
    #Nx.Tensor<
      s32[8]
      [0, 3, 6, 9, 12, 15, 18, 21]
    >
    >>> nx.linspace(10, 0, n=3, type="u8")
    #Nx.Tensor<
      u8[3]
      [10, 5, 0]
    >

    Tensors of one shape give that shape plus the samples' axis:

    >>> nx.linspace(nx.tensor([[[0, 10]]]), nx.tensor([[[10, 100]]]), n=10, name="samples", type="u8")
    #Nx.Tensor<
      u8[1][1][2][samples: 10]
      [
        [
          [
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 10],
            [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
          ]
        ]
      ]
    >
    >>> nx.linspace(0, 10, n=1)
    #Nx.Tensor<
      f32[1]
      [0.0]
    >
    >>> nx.linspace(0, 24, n=1.0)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected n to be a positive integer, got: 1.0
    >>> nx.linspace(nx.tensor([[0, 1]]), nx.tensor([1, 2, 3]), n=2)
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected start and stop to have the same shape. Got shapes (1, 2) and (3,)
    """,
))


# -- fill --------------------------------------------------------------------------

def _fill_normalize(x, value, *, type=None):
    x = as_spec(x)
    shape = value.shape if isinstance(value, TensorSpec) else ()
    try:
        check_broadcast(shape, x.shape, broadcast_axes(shape, x.shape))
    except ShapeError:
        raise ShapeError(
            f"nx.fill: value of shape {shape} cannot be broadcast to the tensor's shape "
            f"{x.shape}") from None
    value_type = value.type if isinstance(value, TensorSpec) else value
    if type is None:
        type = types.binary_type(x.type, value_type)
    return {"type": types.normalize(type)}


def _fill(nx, x, value, *, type):
    return nx.broadcast(nx.as_type(value, type), x.shape, names=list(x.names))


def _fill_grad(ops, g, out, x, value, *, type):
    # every output element is the value: its gradient is the sum over the
    # axes the value was broadcast along
    lead = g.rank - value.rank
    axes = list(range(lead)) + [lead + i for i, d in enumerate(value.shape)
                                if d == 1 and g.shape[lead + i] != 1]
    total = ops.sum(g, axes=axes, keep_axes=True) if axes else g
    return [None, ops.reshape(total, value.shape)]


fill = register(Op(
    name="fill", family="creation",
    params=(tensor("tensor"), tensor("value"),
            option("type", None, "the output type (default: the tensor's type merged "
                                 "with the value's)")),
    normalize=_fill_normalize, composite=_fill, grad=_fill_grad,
    infer=lambda x, value, *, type: TensorSpec(type, as_spec(x).shape, as_spec(x).names),
    doc="""A tensor with the shape and names of ``tensor``, every element
    ``value`` (a number, or a tensor broadcastable to that shape) converted to
    ``type``. The type defaults to the tensor's type merged with the value's
    (a Python number merges as in binary ops: an integer keeps an integer type,
    a float makes it floating).

    >>> nx.fill(nx.iota((2, 2)), 5)
    #Nx.Tensor<
      s32[2][2]
      [
        [5, 5],
        [5, 5]
      ]
    >
    >>> nx.fill(nx.iota((2, 2)), 5, type="u8")
    #Nx.Tensor<
      u8[2][2]
      [
        [5, 5],
        [5, 5]
      ]
    >
    >>> nx.fill(nx.iota((2, 2)), 5.0)
    #Nx.Tensor<
      f32[2][2]
      [
        [5.0, 5.0],
        [5.0, 5.0]
      ]
    >
    >>> nx.fill(nx.iota((2, 3), names=["x", "y"], type="f16"), float("nan"))
    #Nx.Tensor<
      f16[x: 2][y: 3]
      [
        [NaN, NaN, NaN],
        [NaN, NaN, NaN]
      ]
    >
    >>> nx.fill(nx.iota((2, 2)), nx.tensor([1, 2, 3]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: nx.fill: value of shape (3,) cannot be broadcast to the tensor's shape (2, 2)
    """,
))
