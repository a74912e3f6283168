"""Convolution: ``conv``, a Backend primitive, with every option of Nx.conv.

The frontend rules live here: the canonical options a backend receives (the
three permutations as tuples of axis indexes, per-spatial-axis tuples of
strides and dilations, explicit ``(low, high)`` padding pairs), the output
shape, names and type, every error, and the gradient rule (the transposed
convolutions). Sums of products accumulate as ``dot``'s do (see
:mod:`spec.ops.contraction`).
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, AxisError, ShapeError
from spec.ops.contraction import TOLERANCE, spec_of
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axes

__all__ = ["conv", "conv_padding", "dilated_size"]


# -- conv -----------------------------------------------------------------------------

def dilated_size(size, dilation):
    """The size of an axis with ``dilation - 1`` holes between its elements (an
    empty axis stays empty, as in XLA).

    >>> dilated_size(3, 2), dilated_size(1, 5), dilated_size(0, 3)
    (5, 1, 0)
    """
    return 0 if size == 0 else (size - 1) * dilation + 1


def _positive_ints(value, count, argument):
    """An int or a list of ``count`` ints, each positive, as a tuple of ``count``."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value] * count
    if not isinstance(value, (list, tuple)):
        raise ArgumentError(f"nx.conv: {argument} must be a positive integer or a list of "
                            f"positive integers, got {value!r:.80}")
    if len(value) != count:
        raise ArgumentError(f"nx.conv: {argument} must have one value per spatial dimension "
                            f"({count}), got {list(value)}")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value):
        raise ArgumentError(f"nx.conv: each of {argument} must be a positive integer, "
                            f"got {list(value)}")
    return tuple(value)


def _group_size(value, argument):
    if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        raise ArgumentError(f"nx.conv: {argument} must be a positive integer, got {value!r:.80}")
    return value


def _permutation(value, x, argument):
    if value is None:
        return tuple(range(x.rank))
    if not isinstance(value, (list, tuple)):
        raise ArgumentError(f"nx.conv: {argument} must be a list of axes, got {value!r:.80}")
    if len(value) != x.rank:
        raise AxisError(f"nx.conv: {argument} {list(value)} must name each of the {x.rank} "
                        f"axes of shape {x.shape} once")
    return normalize_axes(value, x.shape, x.names, argument=argument)


def conv_padding(padding, spatial, window):
    """Explicit ``(low, high)`` pairs from a padding mode: ``"valid"`` (none),
    ``"same"`` (``window - 1`` split, the larger half high; strides are not
    considered, as in Nx) or a list of pairs, one per spatial axis (negative
    values crop).

    >>> conv_padding("same", (5, 5), (3, 4)), conv_padding([(1, -1)], (5,), (3,))
    (((1, 1), (1, 2)), ((1, -1),))
    """
    if padding == "valid":
        return tuple((0, 0) for _ in spatial)
    if padding == "same":
        return tuple(((w - 1) // 2, w // 2) if w else (0, 0) for w in window)
    if isinstance(padding, str) or not isinstance(padding, (list, tuple)):
        raise ArgumentError(
            f'invalid padding mode specified, padding must be one of "valid", "same", or a '
            f"padding configuration (a list of (low, high) pairs), got: {padding!r:.80}")
    pairs = []
    for pair in padding:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2
                and all(isinstance(p, int) and not isinstance(p, bool) for p in pair)):
            raise ArgumentError(f"padding must be a list of (low, high) pairs of integers, "
                                f"got: {list(padding)!r:.120}")
        pairs.append(tuple(pair))
    if len(pairs) != len(spatial):
        raise ArgumentError(f"padding must have one (low, high) pair per spatial dimension "
                            f"({len(spatial)}), got {len(pairs)}: {pairs}")
    return tuple(pairs)


def _check_groups(xs, ks, feature_groups, batch_groups):
    batch, channels, out_channels, in_channels = xs[0], xs[1], ks[0], ks[1]
    if feature_groups != 1 and batch_groups != 1:
        raise ArgumentError(
            f"nx.conv: either batch_group_size or feature_group_size must be 1, got "
            f"batch_group_size={batch_groups} and feature_group_size={feature_groups}")
    if batch % batch_groups:
        raise ArgumentError(f"nx.conv: batch_group_size ({batch_groups}) must evenly divide "
                            f"the input batch size ({batch})")
    for argument, groups in (("feature_group_size", feature_groups),
                             ("batch_group_size", batch_groups)):
        if out_channels % groups:
            raise ArgumentError(
                f"nx.conv: {argument} ({groups}) must evenly divide the kernel's output "
                f"channels ({out_channels}), for kernel shape {ks} (after kernel_permutation)")
    if channels != in_channels * feature_groups:
        raise ShapeError(
            f"nx.conv: the input channels ({channels}) must equal the kernel's input channels "
            f"({in_channels}) times feature_group_size ({feature_groups}), for input shape "
            f"{xs} and kernel shape {ks} (after the permutations)")


def _conv_normalize(tensor, kernel, *, input_permutation=None, kernel_permutation=None,
                    output_permutation=None, padding="valid", strides=1, input_dilation=1,
                    kernel_dilation=1, feature_group_size=1, batch_group_size=1):
    x, k = spec_of(tensor), spec_of(kernel)
    for argument, s in (("input", x), ("kernel", k)):
        if s.rank < 3:
            raise ShapeError(f"nx.conv: the {argument} must have rank 3 or more (two leading "
                             f"axes and at least one spatial axis), got shape {s.shape}")
    if x.rank != k.rank:
        raise ShapeError(f"nx.conv: the input and the kernel must have the same rank, got "
                         f"shapes {x.shape} and {k.shape}")
    n = x.rank - 2
    opts = {
        "input_permutation": _permutation(input_permutation, x, "input_permutation"),
        "kernel_permutation": _permutation(kernel_permutation, k, "kernel_permutation"),
        # output axes are named after the input's, as in Nx
        "output_permutation": _permutation(output_permutation, x, "output_permutation"),
        "strides": _positive_ints(strides, n, "strides"),
        "input_dilation": _positive_ints(input_dilation, n, "input_dilation"),
        "kernel_dilation": _positive_ints(kernel_dilation, n, "kernel_dilation"),
        "feature_group_size": _group_size(feature_group_size, "feature_group_size"),
        "batch_group_size": _group_size(batch_group_size, "batch_group_size"),
    }
    xs = tuple(x.shape[a] for a in opts["input_permutation"])
    ks = tuple(k.shape[a] for a in opts["kernel_permutation"])
    _check_groups(xs, ks, opts["feature_group_size"], opts["batch_group_size"])
    window = tuple(map(dilated_size, ks[2:], opts["kernel_dilation"]))
    opts["padding"] = conv_padding(padding, xs[2:], window)
    return opts


def _conv_infer(tensor, kernel, *, input_permutation, kernel_permutation, output_permutation,
                padding, strides, input_dilation, kernel_dilation, feature_group_size,
                batch_group_size):
    x, k = spec_of(tensor), spec_of(kernel)
    xs = tuple(x.shape[a] for a in input_permutation)
    ks = tuple(k.shape[a] for a in kernel_permutation)
    spatial = []
    for i, (size, ksize) in enumerate(zip(xs[2:], ks[2:])):
        lo, hi = padding[i]
        padded = dilated_size(size, input_dilation[i]) + lo + hi
        window = dilated_size(ksize, kernel_dilation[i])
        if padded < window:
            raise ShapeError(
                f"nx.conv: the kernel (size {window} after kernel_dilation) is bigger than the "
                f"padded input (size {padded}) on spatial dimension {i}, for input shape "
                f"{xs} and kernel shape {ks} (after the permutations)")
        spatial.append((padded - window) // strides[i] + 1)
    canonical = (xs[0] // batch_group_size, ks[0], *spatial)
    canonical_names = tuple(x.names[a] for a in input_permutation)
    shape, names = [None] * x.rank, [None] * x.rank
    for i, axis in enumerate(output_permutation):
        shape[axis], names[axis] = canonical[i], canonical_names[i]
    return TensorSpec(types.to_floating(types.merge(x.type, k.type)), tuple(shape), tuple(names))


def _swap01(perm):
    return [perm[1], perm[0], *perm[2:]]


def _split_axis(ops, x, axis, size):
    """Reshape axis ``axis`` of size ``size * m`` into two axes ``(size, m)``."""
    shape = list(x.shape)
    shape[axis:axis + 1] = [size, shape[axis] // size]
    return ops.reshape(x, tuple(shape))


def _merge_axis(ops, x, src, dst):
    """Move axis ``src`` right before axis ``dst`` (indexes after removing
    ``src``) and merge the two, ``src`` major."""
    rest = [a for a in range(len(x.shape)) if a != src]
    perm = rest[:dst] + [src] + rest[dst:]
    shape = [x.shape[a] for a in rest]
    shape[dst] *= x.shape[src]
    return ops.reshape(ops.transpose(x, axes=perm), tuple(shape))


def _zeros(ops, t):
    return ops.broadcast(ops.as_type(0, t.type), t.shape)


def _conv_grad(ops, g, out, x, y, *, input_permutation, kernel_permutation,
               output_permutation, padding, strides, input_dilation, kernel_dilation,
               feature_group_size, batch_group_size):
    # The transposed convolutions of XLA's conv: the input gradient convolves g
    # with the spatially reversed kernel, the kernel gradient convolves x with g.
    if tuple(g.shape) != tuple(out.shape):
        g = ops.broadcast(g, out.shape)
    ip, kp, op_ = list(input_permutation), list(kernel_permutation), list(output_permutation)
    if any(y.shape[a] == 0 for a in kp[2:]):
        # an empty window: the output holds empty sums and depends on neither operand
        return [_zeros(ops, x), _zeros(ops, y)]
    groups = max(feature_group_size, batch_group_size)
    n = len(strides)
    x_in = [dilated_size(x.shape[a], d) for a, d in zip(ip[2:], input_dilation)]
    k_in = [dilated_size(y.shape[a], d) for a, d in zip(kp[2:], kernel_dilation)]
    g_in = [dilated_size(g.shape[a], s) for a, s in zip(op_[2:], strides)]
    if 0 in x_in:
        gx = _zeros(ops, x)      # no input element is read
    else:
        kernel = y               # grouped: (out channels / groups, groups * in channels)
        if groups > 1:
            kernel = _merge_axis(ops, _split_axis(ops, y, kp[0], groups), kp[0], kp[1])
        before = [k_in[i] - padding[i][0] - 1 for i in range(n)]
        x_padding = [(before[i], x_in[i] + k_in[i] - 1 - g_in[i] - before[i]) for i in range(n)]
        gx = ops.conv(g, ops.reverse(kernel, axes=kp[2:]), strides=list(input_dilation),
                      padding=x_padding, input_dilation=list(strides),
                      kernel_dilation=list(kernel_dilation), input_permutation=op_,
                      kernel_permutation=_swap01(kp), output_permutation=ip,
                      feature_group_size=groups, batch_group_size=1)
        if batch_group_size > 1:
            gx = _merge_axis(ops, _split_axis(ops, gx, ip[1], batch_group_size), ip[1], ip[0])
    y_padding = [(padding[i][0], g_in[i] + k_in[i] - x_in[i] - 1 - padding[i][0])
                 for i in range(n)]
    gy = ops.conv(x, g, strides=list(kernel_dilation), padding=y_padding,
                  input_dilation=list(input_dilation), kernel_dilation=list(strides),
                  input_permutation=_swap01(ip), kernel_permutation=_swap01(op_),
                  output_permutation=_swap01(kp), feature_group_size=batch_group_size,
                  batch_group_size=feature_group_size)
    return [gx, gy]


conv = register(Op(
    name="conv", family="contraction",
    params=(tensor("tensor"), tensor("kernel"),
            option("input_permutation", None, "input axes as [batch, channels, spatial...]"),
            option("kernel_permutation", None, "kernel axes as [output channels, input channels, spatial...]"),
            option("output_permutation", None, "where the output's [batch, channels, spatial...] go"),
            option("padding", "valid", '"valid", "same" or a list of (low, high) pairs'),
            option("strides", 1, "window steps: an int or one per spatial dimension"),
            option("input_dilation", 1, "holes between input elements, plus one"),
            option("kernel_dilation", 1, "holes between kernel elements, plus one"),
            option("feature_group_size", 1, "groups of input channels"),
            option("batch_group_size", 1, "groups of the input batch")),
    infer=_conv_infer, normalize=_conv_normalize, grad=_conv_grad, tolerance=TOLERANCE,
    doc="""An n-D convolution as in neural networks (a cross-correlation: the
    kernel is neither reversed nor conjugated).

    The input is ``(batch, channels, *spatial)`` and the kernel ``(output
    channels, input channels, *kernel spatial)``, both of the same rank, 3 or
    more; ``input_permutation``, ``kernel_permutation`` and
    ``output_permutation`` (axes by index or name; the output's are named after
    the input's) give where these axes are instead. Each output element
    ``(b, o, *p)`` sums ``input[b, c, *(p * strides + k * kernel_dilation)] *
    kernel[o, c, *k]`` over the channels ``c`` of ``o``'s group and the kernel
    positions ``k``, on the input zero-padded by ``padding`` (``"valid"``:
    none; ``"same"``: the dilated kernel size minus one, split with the larger
    half after; or ``(low, high)`` pairs, negative ones crop) after
    ``input_dilation - 1`` zeros were put between its elements. Strides and
    dilations are an int or one per spatial dimension.

    ``feature_group_size`` splits the input channels and the kernel's output
    channels into that many groups, output channel ``o`` reading the input
    channels of its group; ``batch_group_size`` splits the input batch instead,
    output channel ``o`` of group ``j`` reading input batch ``b + j * (batch /
    batch_group_size)``. The type is ``to_floating`` of the merged types. The
    output has the input's names (its channel axis the input's channel name).

    >>> left = nx.iota((1, 1, 3, 3))
    >>> right = nx.iota((4, 1, 1, 1))
    >>> nx.conv(left, right, strides=[1, 1])
    #Nx.Tensor<
      f32[1][4][3][3]
      [
        [
          [
            [0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0]
          ],
          [
            [0.0, 1.0, 2.0],
            [3.0, 4.0, 5.0],
            [6.0, 7.0, 8.0]
          ],
          [
            [0.0, 2.0, 4.0],
            [6.0, 8.0, 10.0],
            [12.0, 14.0, 16.0]
          ],
          [
            [0.0, 3.0, 6.0],
            [9.0, 12.0, 15.0],
            [18.0, 21.0, 24.0]
          ]
        ]
      ]
    >
    >>> right = nx.iota((4, 1, 2, 1))
    >>> nx.conv(left, right, strides=2, padding="same", kernel_dilation=[2, 1]).to_list()
    [[[[3.0, 5.0], [0.0, 0.0]], [[9.0, 15.0], [6.0, 10.0]], [[15.0, 25.0], [12.0, 20.0]], [[21.0, 35.0], [18.0, 30.0]]]]
    >>> left = nx.tensor([[[complex(1, 1), 2, complex(3, -3)]]])
    >>> right = nx.tensor([[[1, complex(0, 2), complex(0, 3)]]])
    >>> nx.conv(left, right, padding=[(2, 2)])
    #Nx.Tensor<
      c64[1][1][5]
      [
        [
          [-3.0+3.0i, -2.0+8.0i, 10.0+14.0i, 8.0+6.0i, 3.0-3.0i]
        ]
      ]
    >

    Channels last, with names:

    >>> img = nx.iota((1, 3, 3, 2), names=["batch", "height", "width", "channels"])
    >>> kernel = nx.broadcast(1, (2, 2, 1, 1), names=["input", "output", "height", "width"])
    >>> nx.conv(img, kernel, input_permutation=["batch", "channels", "height", "width"],
    ...         kernel_permutation=["output", "input", "height", "width"],
    ...         output_permutation=["batch", "channels", "height", "width"]).shape
    (1, 3, 3, 2)

    Errors:

    >>> nx.conv(nx.iota((1, 1, 2)), nx.iota((1, 1, 3)))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: nx.conv: the kernel (size 3 after kernel_dilation) is bigger than the padded input (size 2) on spatial dimension 0, for input shape (1, 1, 2) and kernel shape (1, 1, 3) (after the permutations)
    >>> nx.conv(nx.iota((1, 4, 3)), nx.iota((3, 2, 1)), feature_group_size=2)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.conv: feature_group_size (2) must evenly divide the kernel's output channels (3), for kernel shape (3, 2, 1) (after kernel_permutation)
    >>> nx.conv(nx.iota((1, 3)), nx.iota((1, 1, 3)))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: nx.conv: the input must have rank 3 or more (two leading axes and at least one spatial axis), got shape (1, 3)
    """,
))
