"""Explicit broadcasting: ``nx.broadcast`` of a tensor to a shape, with ``axes=``."""

from __future__ import annotations

from spec import types
from spec.names import validate_names
from spec.registry import Op, TensorSpec, option, register, static, tensor
from spec.shapes import broadcast_axes, check_broadcast, normalize_axes, shape_of
from spec.ops.creation import _shape_names  # noqa: F401

__all__ = ['broadcast']


# -- broadcast ---------------------------------------------------------------

def _broadcast_normalize(x, shape, *, axes=None, names=None):
    target = shape_of(shape)
    xshape = x.shape if isinstance(x, TensorSpec) else ()
    names = validate_names(_shape_names(shape, names), len(target))
    if axes is None:
        axes = broadcast_axes(xshape, target)
    else:
        # axis names refer to the output's axes (Nx looks them up among the input's names)
        axes = normalize_axes(axes, target, names)
    check_broadcast(xshape, target, axes)
    return {"axes": tuple(axes), "names": names}


def _broadcast_infer(x, shape, *, axes, names):
    t = x.type if isinstance(x, TensorSpec) else types.infer(x)
    return TensorSpec(t, shape_of(shape), names)


def _broadcast_grad(ops, g, out, x, *, axes):
    # summed over the output axes the input does not map to, and over the mapped
    # axes where the input has size 1, then reshaped back to the input's shape
    summed = [i for i in range(out.rank) if i not in axes]
    summed += [a for k, a in enumerate(axes) if x.shape[k] == 1 and out.shape[a] != 1]
    if summed:
        g = ops.sum(g, axes=sorted(summed), keep_axes=True)
    return [ops.reshape(g, x.shape)]


broadcast = register(Op(
    name="broadcast", family="shape",
    params=(tensor("tensor"), static("shape"), option("axes", None), option("names", None)),
    infer=_broadcast_infer, normalize=_broadcast_normalize, backend_options=("axes",),
    grad=_broadcast_grad,
    doc="""Broadcasts a tensor to ``shape`` (a tuple, or a tensor giving its shape).

    By default the tensor's axes align with the last axes of ``shape``; ``axes``
    places tensor axis i at output axis ``axes[i]`` (in increasing order). Each
    tensor dimension must be 1 or equal to its target. Broadcasting discards
    names: the output takes ``names``, or the names of a tensor given as the shape.

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
    >>> nx.broadcast(nx.tensor([[1], [2]], names=["x", "y"]), nx.tensor([[10, 20], [30, 40]], names=["i", "j"]))
    #Nx.Tensor<
      s32[i: 2][j: 2]
      [
        [1, 1],
        [2, 2]
      ]
    >
    >>> nx.broadcast(nx.iota((2, 2), names=["x", "y"]), (2, 2))
    #Nx.Tensor<
      s32[2][2]
      [
        [0, 1],
        [2, 3]
      ]
    >
    >>> nx.broadcast(nx.tensor([1, 2, 3]), (3, 2), axes=[0], names=["x", "y"])
    #Nx.Tensor<
      s32[x: 3][y: 2]
      [
        [1, 1],
        [2, 2],
        [3, 3]
      ]
    >
    >>> nx.broadcast(nx.tensor([1, 2, 3]), (2, 3, 2), axes=[1], names=["x", "y", "z"])
    #Nx.Tensor<
      s32[x: 2][y: 3][z: 2]
      [
        [
          [1, 1],
          [2, 2],
          [3, 3]
        ],
        [
          [1, 1],
          [2, 2],
          [3, 3]
        ]
      ]
    >
    >>> nx.broadcast(nx.tensor([1, 2, 3]), (3, 2))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot broadcast tensor of dimensions (3,) to (3, 2) with axes [1]
    """,
))
