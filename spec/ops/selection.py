"""Element-wise selection with three operands: ``select`` and ``clip``.

Both are element-wise but take three tensors, so they are declared as whole
:class:`~spec.registry.Op` records rather than through the unary/binary
builders. As in Nx, a Python number given to either op is typed as a tensor of
its own (``types.infer``: ints s32, floats f32) when the output type is merged;
its value is then written exactly in the output type.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, ShapeError, TypeError_
from spec.names import broadcast_names
from spec.ops import binary as _binary
from spec.ops.binary import ulps
from spec.registry import Op, TensorSpec, register, tensor
from spec.shapes import broadcast_shapes

__all__ = ["select", "clip"]


def _spec_of(x) -> TensorSpec:
    """The spec of a tensor argument; a Python number is a scalar of its inferred type."""
    if isinstance(x, TensorSpec):
        return x
    return TensorSpec(types.infer(x), (), ())


def _fits(shape, target) -> bool:
    """Whether ``shape`` broadcasts to ``target`` aligned on the right."""
    if len(shape) > len(target):
        return False
    offset = len(target) - len(shape)
    return all(d in (1, target[offset + i]) for i, d in enumerate(shape))


# -- select ----------------------------------------------------------------------

def _select_infer(pred, on_true, on_false):
    p, t, f = _spec_of(pred), _spec_of(on_true), _spec_of(on_false)
    out_type = types.merge(t.type, f.type)
    if p.shape == ():
        shape = broadcast_shapes(t.shape, f.shape)
        names = broadcast_names(t.shape, t.names, f.shape, f.names)
    else:
        shape, names = p.shape, p.names
        for arg, x in (("on_true", t), ("on_false", f)):
            if not _fits(x.shape, shape):
                raise ShapeError(
                    f"cannot broadcast tensor of dimensions {x.shape} to {shape}: nx.select's "
                    f"{arg} must broadcast to the shape of pred")
    return TensorSpec(out_type, shape, names)


def _select_literal_type(args, index):
    if index == 0:
        return types.infer(args[0])
    return _select_infer(*args).type


def _select(pred, on_true, on_false):
    return on_true if pred else on_false


def _select_grad(ops, g, out, pred, on_true, on_false):
    return [None, ops.select(pred, g, 0.0), ops.select(pred, 0.0, g)]


select = register(Op(
    name="select", family="elementwise",
    params=(tensor("pred"), tensor("on_true"), tensor("on_false")),
    infer=_select_infer, literal_type=_select_literal_type, semantics=_select,
    grad=_select_grad, tolerance=ulps(0), extras={"arity": 3},
    doc="""Builds a tensor by picking, element by element, ``on_true`` where
    ``pred`` is nonzero (NaN counts as nonzero) and ``on_false`` elsewhere.

    The output type merges the types of ``on_true`` and ``on_false`` (a Python
    number counts as a tensor of its inferred type, s32 or f32, as in Nx). A
    scalar ``pred`` picks one whole operand: the output has the broadcast shape
    and merged names of ``on_true`` and ``on_false``. Otherwise the output has
    the shape and names of ``pred``, and ``on_true`` and ``on_false`` must
    broadcast to it. ``pred`` has no gradient.

    >>> nx.select(1, nx.tensor([1, 2, 3], names=["x"]), nx.tensor([4, 5, 6], names=["x"]))
    #Nx.Tensor<
      s32[x: 3]
      [1, 2, 3]
    >
    >>> nx.select(0, nx.tensor([[1, 2]], names=["x", "y"]), nx.tensor([[3], [4]], names=["x", "y"]))
    #Nx.Tensor<
      s32[x: 2][y: 2]
      [
        [3, 3],
        [4, 4]
      ]
    >
    >>> nx.select(nx.tensor([0, 1, 0], names=["x"]), nx.tensor([1, 2, 3], names=["y"]), nx.tensor([4, 5, 6], names=["z"]))
    #Nx.Tensor<
      s32[x: 3]
      [4, 2, 6]
    >
    >>> x = nx.tensor([2, 4, 6, 8, 10], names=["x"])
    >>> y = nx.tensor([1, 6, 2, 11, 2], names=["x"])
    >>> nx.select(nx.greater(x, y), nx.tensor(2), nx.tensor([1, 3, 5, 7, 9], names=["x"]))
    #Nx.Tensor<
      s32[x: 5]
      [2, 3, 2, 7, 2]
    >
    >>> nx.select(nx.tensor([0, 1, 2], type="u8"), nx.tensor([0, 0, 0]), nx.tensor([1, 1, 1]))
    #Nx.Tensor<
      s32[3]
      [1, 0, 0]
    >
    >>> nx.select(nx.tensor([0, 1, 0]), nx.tensor([1, 1, 1]), nx.tensor([2.0, 2.0, 2.0]))
    #Nx.Tensor<
      f32[3]
      [2.0, 1.0, 2.0]
    >
    >>> nx.select(nx.tensor([1, 0]), nx.tensor([1, 2, 3]), 0)
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot broadcast tensor of dimensions (3,) to (2,): nx.select's on_true must broadcast to the shape of pred
    """,
))


# -- clip ------------------------------------------------------------------------

def _clip_infer(x, min, max):
    t, lo, hi = _spec_of(x), _spec_of(min), _spec_of(max)
    for arg, bound in (("min", lo), ("max", hi)):
        if bound.shape != ():
            raise ArgumentError(
                f"nx.clip: {arg} value must be a scalar, got a tensor of shape {bound.shape}")
    out_type = types.merge(t.type, types.merge(lo.type, hi.type))
    if out_type.is_complex:
        raise TypeError_(f"nx.clip/3 does not support complex inputs, got: {out_type}")
    return TensorSpec(out_type, t.shape, t.names)


def _clip_literal_type(args, index):
    return _clip_infer(*args).type


_max = _binary.max.semantics
_min = _binary.min.semantics


def _clip(x, min, max):
    return _min(_max(x, min), max)


def _clip_grad(ops, g, out, x, min, max):
    # Values on a bound pass the gradient to x; a bound gets it only where it is
    # strictly exceeded (min also needs min < max, as it is then the result), as
    # in Nx. Unlike Nx, max also gets it wherever max < min: the result is then
    # max whatever x is (Nx's rule gives every input zero there).
    inside = ops.logical_and(ops.greater_equal(x, min), ops.less_equal(x, max))
    below = ops.logical_and(ops.greater(min, x), ops.less(min, max))
    not_above = ops.logical_and(ops.greater_equal(max, x), ops.greater_equal(max, min))
    return [ops.select(inside, g, 0.0), ops.select(below, g, 0.0), ops.select(not_above, 0.0, g)]


clip = register(Op(
    name="clip", family="elementwise",
    params=(tensor("tensor"), tensor("min"), tensor("max")),
    infer=_clip_infer, literal_type=_clip_literal_type, semantics=_clip,
    grad=_clip_grad, tolerance=ulps(0), accepts=types.REAL_TYPES, extras={"arity": 3},
    doc="""Clips the values of ``tensor`` into the closed interval ``[min, max]``:
    ``nx.min(nx.max(tensor, min), max)``, element by element.

    ``min`` and ``max`` must be scalars (numbers or rank-0 tensors). The output
    keeps the shape and names of ``tensor``; its type merges the types of all
    three (a Python number counts as a tensor of its inferred type, s32 or f32,
    as in Nx, so ``nx.clip(u8_tensor, 2, 4)`` is s32). Complex types raise.

    As XLA's ``clamp``, a NaN in the tensor or in a bound gives NaN, and when
    ``min > max`` every element becomes ``max``.

    >>> t = nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"])
    >>> nx.clip(t, 2, 4)
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [2, 2, 3],
        [4, 4, 4]
      ]
    >
    >>> nx.clip(t, 2.0, 3)
    #Nx.Tensor<
      f32[x: 2][y: 3]
      [
        [2.0, 2.0, 3.0],
        [3.0, 3.0, 3.0]
      ]
    >
    >>> nx.clip(t, nx.tensor(2.0), nx.max(1.0, 3.0))
    #Nx.Tensor<
      f32[x: 2][y: 3]
      [
        [2.0, 2.0, 3.0],
        [3.0, 3.0, 3.0]
      ]
    >
    >>> nx.clip(nx.tensor([1.0, float("nan"), 6.0]), 2, 4)
    #Nx.Tensor<
      f32[3]
      [2.0, NaN, 4.0]
    >
    >>> nx.clip(t, nx.tensor([1, 2]), 3)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.clip: min value must be a scalar, got a tensor of shape (2,)
    """,
))
