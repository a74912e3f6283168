"""Padding: pad (a backend primitive), and the composites pad_outer and reflect.

``pad`` puts a scalar ``pad_value`` around the elements of each axis and
between them: each axis has a ``(low, high, interior)`` configuration. Negative
``low``/``high`` remove elements from that edge (after the interior padding).
``pad_outer`` pads the edges with a value or by repeating the tensor's own
values (``"cyclic"``, ``"mirror"``, ``"reflect"``, ``"replicate"``); ``reflect``
is the deprecated name of its ``"reflect"`` mode.

Rules the spec writes down (where Nx is silent or we differ):

* An axis of size 0 gets no interior padding (there is no pair of neighbours),
  so its padded size is ``low + high``; a configuration that would leave an
  axis with a negative size is an error (Nx does not check it).
* ``pad_outer`` takes a number or a mode as ``pad_value`` (Nx also takes a
  scalar tensor: use ``nx.pad`` with interior 0 for that). Modes repeat values
  of the axis, so they need non-negative widths and a non-empty axis.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, ShapeError
from spec.ops._reduce import as_spec
from spec.ops.shape import is_tensor_like
from spec.registry import Op, TensorSpec, option, register, static, tensor

__all__ = ["pad", "pad_outer", "reflect", "padded_size", "outer_indices", "take_static",
           "MODES"]

MODES = ("cyclic", "mirror", "reflect", "replicate")


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def padded_size(dim, low, high, interior) -> int:
    """The size of an axis of ``dim`` elements after padding.

    >>> padded_size(3, 1, 1, 1), padded_size(0, 2, 1, 5), padded_size(5, -1, -1, 0)
    (7, 3, 3)
    """
    return dim + max(dim - 1, 0) * interior + low + high


# -- pad -----------------------------------------------------------------------

def _pad_config(x, padding_config) -> tuple:
    if not isinstance(padding_config, (list, tuple)):
        raise ArgumentError(f"padding_config must be a list of (low, high, interior) tuples, one "
                            f"per axis, got: {padding_config!r:.80}")
    if len(padding_config) != x.rank:
        raise ShapeError(f"invalid padding configuration, rank of padding configuration and "
                         f"shape must match: got {len(padding_config)} entries for shape {x.shape}")
    config = []
    for axis, (dim, entry) in enumerate(zip(x.shape, padding_config)):
        if (not isinstance(entry, (list, tuple)) or len(entry) != 3
                or any(_int(v) is None for v in entry)):
            raise ArgumentError(f"invalid padding configuration for axis {axis}: expected a "
                                f"(low, high, interior) tuple of integers, got: {entry!r:.80}")
        low, high, interior = entry
        if interior < 0:
            raise ArgumentError(f"invalid padding configuration, interior padding must be "
                                f"non-negative, got {interior} for axis {axis}")
        if padded_size(dim, low, high, interior) < 0:
            raise ShapeError(f"invalid padding configuration for axis {axis}: {tuple(entry)} "
                             f"would leave dimension {dim} with a negative size "
                             f"({padded_size(dim, low, high, interior)})")
        config.append((low, high, interior))
    return tuple(config)


def _pad_type(x, pad_value):
    value = pad_value.type if is_tensor_like(pad_value) else pad_value
    return types.binary_type(as_spec(x).type, value)


def _pad_normalize(x, pad_value, padding_config):
    x = as_spec(x)
    if is_tensor_like(pad_value) and tuple(pad_value.shape) != ():
        raise ArgumentError(f"padding value must be a scalar, got a tensor of shape "
                            f"{tuple(pad_value.shape)}")
    return {"padding_config": _pad_config(x, padding_config)}


def _pad_infer(x, pad_value, given_config, *, padding_config):
    spec = as_spec(x)
    shape = tuple(padded_size(d, *c) for d, c in zip(spec.shape, padding_config))
    return TensorSpec(_pad_type(x, pad_value), shape, spec.names)


def _pad_grad(ops, g, out, x, pad_value, *, padding_config):
    # undo the edges (cut what was added, zeros where elements were cut), then
    # step over the interior padding; the pad value gets every other element
    unpadded = ops.pad(g, 0, [(-low, -high, 0) for low, high, _ in padding_config])
    g_x = ops.slice(unpadded, [0] * len(x.shape), list(unpadded.shape),
                    strides=[interior + 1 for _, _, interior in padding_config])
    return [g_x, ops.subtract(ops.sum(g), ops.sum(g_x))]


pad = register(Op(
    name="pad", family="shape",
    params=(tensor("tensor"), tensor("pad_value"), static("padding_config")),
    infer=_pad_infer, normalize=_pad_normalize, grad=_pad_grad,
    backend_options=("padding_config",),
    literal_type=lambda args, index: _pad_type(args[0], args[1]) if index else types.infer(args[0]),
    doc="""Pads each axis with the scalar ``pad_value``: ``padding_config`` has one
    ``(low, high, interior)`` tuple per axis, the number of values to add before
    the first element, after the last and between neighbours. ``low`` and
    ``high`` may be negative, removing elements from that edge; ``interior``
    may not. The type merges the tensor's type with the pad value's (a Python
    number counts as Nx counts it); names are kept.

    >>> nx.pad(nx.tensor(1), 0, [])
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.pad(nx.tensor([1, 2, 3], names=["data"]), 0, [(1, 1, 0)])
    #Nx.Tensor<
      s32[data: 5]
      [0, 1, 2, 3, 0]
    >
    >>> nx.pad(nx.tensor([[1, 2, 3], [4, 5, 6]]), 0, [(0, 0, 1), (0, 0, 1)])
    #Nx.Tensor<
      s32[3][5]
      [
        [1, 0, 2, 0, 3],
        [0, 0, 0, 0, 0],
        [4, 0, 5, 0, 6]
      ]
    >
    >>> nx.pad(nx.tensor([[1, 2, 3], [4, 5, 6]]), 0, [(1, 1, 0), (1, 1, 0)])
    #Nx.Tensor<
      s32[4][5]
      [
        [0, 0, 0, 0, 0],
        [0, 1, 2, 3, 0],
        [0, 4, 5, 6, 0],
        [0, 0, 0, 0, 0]
      ]
    >
    >>> t = nx.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    >>> nx.pad(t, 0, [(0, 2, 0), (1, 1, 0), (1, 0, 0)])
    #Nx.Tensor<
      s32[4][4][3]
      [
        [
          [0, 0, 0],
          [0, 1, 2],
          [0, 3, 4],
          [0, 0, 0]
        ],
        [
          [0, 0, 0],
          [0, 5, 6],
          [0, 7, 8],
          [0, 0, 0]
        ],
        [
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0]
        ],
        [
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0]
        ]
      ]
    >
    >>> nx.pad(nx.tensor([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]), 0.0, [(1, 2, 0), (1, 0, 0), (0, 1, 0)]).shape
    (5, 3, 3)
    >>> nx.pad(nx.tensor([0, 1, 2, 3, 0]), 0, [(-1, -1, 0)])
    #Nx.Tensor<
      s32[3]
      [1, 2, 3]
    >
    >>> nx.pad(nx.tensor([[0, 1, 2, 3], [0, 4, 5, 6]]), 0, [(0, 0, 0), (-1, 1, 0)])
    #Nx.Tensor<
      s32[2][4]
      [
        [1, 2, 3, 0],
        [4, 5, 6, 0]
      ]
    >
    >>> nx.pad(nx.tensor([[0, 1, 2], [3, 4, 5]], type="f32"), 0, [(-1, 2, 0), (1, -1, 0)])
    #Nx.Tensor<
      f32[3][3]
      [
        [0.0, 3.0, 4.0],
        [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0]
      ]
    >
    >>> nx.pad(nx.tensor([1, 2], type="u8"), 0.5, [(1, 0, 0)])
    #Nx.Tensor<
      f32[3]
      [0.5, 1.0, 2.0]
    >
    >>> nx.pad(nx.iota((2, 2, 3)), 0, [(0, 1, 0), (1, 2, 0)])
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: invalid padding configuration, rank of padding configuration and shape must match: got 2 entries for shape (2, 2, 3)
    >>> nx.pad(nx.iota((2, 2, 3)), 0, [(0, 1, -1), (0, 0, 0), (0, 0, 0)])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: invalid padding configuration, interior padding must be non-negative, got -1 for axis 0
    >>> nx.pad(nx.iota((2,)), nx.tensor([0, 0]), [(1, 1, 0)])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: padding value must be a scalar, got a tensor of shape (2,)
    """,
))


# -- the repeating modes ---------------------------------------------------------

def _periods(mode, n):
    """The indices that the padding cycles through, reading away from each edge."""
    if n == 1:
        return [0], [0]
    up, down = list(range(n)), list(range(n - 1, -1, -1))
    if mode == "cyclic":
        return down, up
    if mode == "mirror":
        return up + down, down + up
    if mode == "reflect":
        return up[1:] + down[1:], down[1:] + up[1:]
    return [0], [n - 1]     # replicate


def outer_indices(mode, n, low, high) -> list:
    """Indices into an axis of ``n`` elements that pad it with ``mode``.

    >>> outer_indices("reflect", 3, 3, 1), outer_indices("mirror", 3, 3, 3)
    ([1, 2, 1, 0, 1, 2, 1], [2, 1, 0, 0, 1, 2, 2, 1, 0])
    >>> outer_indices("cyclic", 3, 3, 1), outer_indices("replicate", 3, 3, 1)
    ([0, 1, 2, 0, 1, 2, 0], [0, 0, 0, 0, 1, 2, 2])
    """
    left, right = _periods(mode, n)
    before = [left[i % len(left)] for i in range(low)]
    return before[::-1] + list(range(n)) + [right[i % len(right)] for i in range(high)]


def _runs(indices):
    """Split indices into runs that step by +1 or by -1: (first, length, step)."""
    runs = []
    for i in indices:
        if runs:
            first, length, step = runs[-1]
            last = first + (length - 1) * step
            if length == 1 and abs(i - last) == 1:
                runs[-1] = (first, 2, i - last)
                continue
            if length > 1 and i - last == step:
                runs[-1] = (first, length + 1, step)
                continue
        runs.append((i, 1, 1))
    return runs


def take_static(nx, x, axis, indices):
    """``x`` re-indexed along ``axis`` by a Python list of indices, with slices,
    reverses and one concatenate (the ops every backend has): each run of
    indices stepping by +1 or -1 is one slice.

    >>> import nx_ref
    >>> take_static(nx_ref, nx_ref.iota((4,)), 0, [2, 1, 0, 1, 2, 3, 3]).to_list()
    [2, 1, 0, 1, 2, 3, 3]
    """
    if list(indices) == list(range(x.shape[axis])):
        return x
    pieces = []
    for first, length, step in _runs(indices):
        start = first if step > 0 else first - length + 1
        piece = nx.slice_along_axis(x, start, length, axis=axis)
        pieces.append(piece if step > 0 else nx.reverse(piece, axes=[axis]))
    return nx.concatenate(pieces, axis=axis)


def _outer_config(x, padding_config, mode):
    if padding_config is None:
        raise ArgumentError("missing mandatory option padding_config")
    if not isinstance(padding_config, (list, tuple)) or len(padding_config) != x.rank:
        raise ArgumentError(f"expected one padding_config entry per tensor axis ({x.rank}), "
                            f"got: {padding_config!r:.80}")
    config = []
    for axis, (dim, entry) in enumerate(zip(x.shape, padding_config)):
        ok = (isinstance(entry, (list, tuple)) and len(entry) == 2
              and all(_int(v) is not None and (mode is None or v >= 0) for v in entry))
        if not ok:
            kind = "integers" if mode is None else "non-negative integers"
            raise ArgumentError(f"expected padding config for axis {axis} to be of the format "
                                f"(left, right), with left and right as {kind}, got: {entry!r:.80}")
        if mode is not None and dim == 0 and (entry[0] or entry[1]):
            raise ArgumentError(f"cannot pad axis {axis} of size 0 in {mode} mode: it has no "
                                f"values to repeat")
        config.append(tuple(entry))
    return tuple(config)


def _outer_infer(x, *given, padding_config, mode=None, value=None):
    spec = as_spec(x)
    shape = tuple(d + low + high for d, (low, high) in zip(spec.shape, padding_config))
    out_type = spec.type if mode is not None else types.binary_type(spec.type, value)
    return TensorSpec(out_type, shape, spec.names)


def _pad_by_mode(nx, x, *, padding_config, mode="reflect", value=None):
    if mode is None:
        return nx.pad(x, value, [(low, high, 0) for low, high in padding_config])
    for axis, (low, high) in enumerate(padding_config):
        if low or high:
            x = take_static(nx, x, axis, outer_indices(mode, x.shape[axis], low, high))
    return x


def _pad_outer_normalize(x, pad_value, padding_config):
    x = as_spec(x)
    if isinstance(pad_value, str):
        if pad_value not in MODES:
            raise ArgumentError(f"expected padding type to be either of {list(MODES)}, got "
                                f"{pad_value!r}")
        mode, value = pad_value, None
    elif isinstance(pad_value, (int, float, complex)):
        mode, value = None, pad_value
    else:
        raise ArgumentError(f"nx.pad_outer expects a number or one of {list(MODES)} as "
                            f"pad_value, got: {pad_value!r:.80} (for a tensor pad value, use "
                            f"nx.pad with interior padding 0)")
    if mode is not None and x.rank == 0:
        raise ArgumentError("expected tensor to have rank greater than 0")
    return {"padding_config": _outer_config(x, padding_config, mode), "mode": mode,
            "value": value}


pad_outer = register(Op(
    name="pad_outer", family="shape",
    params=(tensor("tensor"), static("pad_value"), static("padding_config")),
    infer=_outer_infer, normalize=_pad_outer_normalize, composite=_pad_by_mode,
    backend_options=("padding_config", "mode", "value"),
    doc="""Pads the edges of each axis: ``padding_config`` has one ``(left, right)``
    pair per axis. ``pad_value`` is a number (constant padding; negative widths
    cut elements, as in :func:`pad`) or a mode that repeats the tensor's values:
    ``"cyclic"`` (the values in order), ``"mirror"`` (in reverse order, edge
    values included), ``"reflect"`` (in reverse order, edge values skipped) or
    ``"replicate"`` (the edge values).

    >>> nx.pad_outer(nx.tensor([[1, 2, 3], [4, 5, 6]]), 0, [(1, 1), (1, 1)])
    #Nx.Tensor<
      s32[4][5]
      [
        [0, 0, 0, 0, 0],
        [0, 1, 2, 3, 0],
        [0, 4, 5, 6, 0],
        [0, 0, 0, 0, 0]
      ]
    >
    >>> nx.pad_outer(nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), 0, [(-1, -1), (-1, -1)])
    #Nx.Tensor<
      s32[1][1]
      [
        [5]
      ]
    >
    >>> nx.pad_outer(nx.tensor([0, 1, 2]), "cyclic", [(3, 1)])
    #Nx.Tensor<
      s32[7]
      [0, 1, 2, 0, 1, 2, 0]
    >
    >>> nx.pad_outer(nx.tensor([[0, 1, 2], [3, 4, 5]], names=["x", "y"]), "cyclic", [(2, 0), (2, 1)])
    #Nx.Tensor<
      s32[x: 4][y: 6]
      [
        [1, 2, 0, 1, 2, 0],
        [4, 5, 3, 4, 5, 3],
        [1, 2, 0, 1, 2, 0],
        [4, 5, 3, 4, 5, 3]
      ]
    >
    >>> nx.pad_outer(nx.tensor([0, 1, 2]), "mirror", [(3, 3)])
    #Nx.Tensor<
      s32[9]
      [2, 1, 0, 0, 1, 2, 2, 1, 0]
    >
    >>> nx.pad_outer(nx.tensor([[0, 1, 2], [3, 4, 5]], names=["x", "y"]), "mirror", [(1, 1), (2, 2)])
    #Nx.Tensor<
      s32[x: 4][y: 7]
      [
        [1, 0, 0, 1, 2, 2, 1],
        [1, 0, 0, 1, 2, 2, 1],
        [4, 3, 3, 4, 5, 5, 4],
        [4, 3, 3, 4, 5, 5, 4]
      ]
    >
    >>> nx.pad_outer(nx.tensor([0, 1, 2]), "reflect", [(3, 1)])
    #Nx.Tensor<
      s32[7]
      [1, 2, 1, 0, 1, 2, 1]
    >
    >>> nx.pad_outer(nx.tensor([0, 1, 2]), "replicate", [(3, 1)])
    #Nx.Tensor<
      s32[7]
      [0, 0, 0, 0, 1, 2, 2]
    >
    >>> nx.pad_outer(nx.tensor([[0, 1, 2], [3, 4, 5]], names=["x", "y"]), "replicate", [(2, 2), (2, 2)])
    #Nx.Tensor<
      s32[x: 6][y: 7]
      [
        [0, 0, 0, 1, 2, 2, 2],
        [0, 0, 0, 1, 2, 2, 2],
        [0, 0, 0, 1, 2, 2, 2],
        [3, 3, 3, 4, 5, 5, 5],
        [3, 3, 3, 4, 5, 5, 5],
        [3, 3, 3, 4, 5, 5, 5]
      ]
    >
    >>> nx.pad_outer(nx.tensor([0, 1, 2]), "wrap", [(1, 1)])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected padding type to be either of ['cyclic', 'mirror', 'reflect', 'replicate'], got 'wrap'
    >>> nx.pad_outer(nx.tensor([0, 1, 2]), "reflect", [(-1, 1)])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected padding config for axis 0 to be of the format (left, right), with left and right as non-negative integers, got: (-1, 1)
    """,
))


def _reflect_normalize(x, *, padding_config=None):
    x = as_spec(x)
    if x.rank == 0:
        raise ArgumentError("expected tensor to have rank greater than 0")
    return {"padding_config": _outer_config(x, padding_config, "reflect")}


reflect = register(Op(
    name="reflect", family="shape",
    params=(tensor("tensor"), option("padding_config", None)),
    infer=lambda x, *, padding_config: _outer_infer(x, padding_config=padding_config,
                                                    mode="reflect"),
    normalize=_reflect_normalize, composite=_pad_by_mode,
    doc="""Pads a tensor of rank 1 or more by reflecting it at its edges (the edge
    values are not repeated): ``padding_config`` has one ``(before, after)`` pair
    of non-negative widths per axis. Deprecated in Nx in favour of
    ``nx.pad_outer(tensor, "reflect", padding_config)``, which it equals.

    >>> nx.reflect(nx.tensor([0, 1, 2]), padding_config=[(3, 1)])
    #Nx.Tensor<
      s32[7]
      [1, 2, 1, 0, 1, 2, 1]
    >
    >>> nx.reflect(nx.tensor([[0, 1, 2], [3, 4, 5]], names=["x", "y"]), padding_config=[(2, 0), (2, 1)])
    #Nx.Tensor<
      s32[x: 4][y: 6]
      [
        [2, 1, 0, 1, 2, 1],
        [5, 4, 3, 4, 5, 4],
        [2, 1, 0, 1, 2, 1],
        [5, 4, 3, 4, 5, 4]
      ]
    >
    >>> nx.reflect(nx.tensor(1), padding_config=[])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected tensor to have rank greater than 0
    >>> nx.reflect(nx.tensor([1, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: missing mandatory option padding_config
    """,
))
