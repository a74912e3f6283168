"""dot and conv in the reference backend: sums of products, row by column.

Both reduce to the same kernel: a list of rows and a list of columns (flat
value lists of equal length) and one exact sum of products per pair. Operands
are first converted to the output type, then transposed so that each row and
each column is a contiguous slice (``dot``), or gathered into patches (``conv``,
an im2col over the padded and dilated input). Integer sums are exact Python
ints (wrapped into the output type when stored); float sums use ``math.fsum``
(exact, rounded once); complex sums are two exact real sums.
"""

from __future__ import annotations

import math
from operator import mul

from spec.ops.convolution import dilated_size
from spec.ops.reductions import _fsum
from nx_ref.reference.storage import cast_values, strides, transpose_values

__all__ = ["ContractionMixin", "sum_of_products"]


def _float_dot(row, col):
    try:
        return math.fsum(map(mul, row, col))
    except (OverflowError, ValueError):   # inf - inf, or an intermediate overflow
        return _fsum(list(map(mul, row, col)))


def _int_dot(row, col):
    return sum(map(mul, row, col))


def _complex_dot(row, col):
    # (a + bi)(c + di) = (ac - bd) + (ad + bc)i, each part one exact sum
    re = [a.real * c.real for a, c in zip(row, col)] + [-(a.imag * c.imag) for a, c in zip(row, col)]
    im = [a.real * c.imag for a, c in zip(row, col)] + [a.imag * c.real for a, c in zip(row, col)]
    return complex(_fsum(re), _fsum(im))


def sum_of_products(type_):
    """The function ``(row, col) -> sum of row[i] * col[i]`` for values of ``type_``.

    >>> from spec import types
    >>> sum_of_products(types.normalize("f32"))([1e16, 1.0, -1e16], [1.0, 1.0, 1.0])
    1.0
    """
    if type_.is_integer:
        return _int_dot
    return _complex_dot if type_.is_complex else _float_dot


def _matrices(vals, shape, batch, contract):
    """Values of an operand as (batch, kept, contracted) row-major, with its sizes."""
    kept = [a for a in range(len(shape)) if a not in batch and a not in contract]
    perm = list(batch) + kept + list(contract)
    vals = transpose_values(vals, shape, perm)

    def size(axes):
        n = 1
        for a in axes:
            n *= shape[a]
        return n
    return vals, size(batch), size(kept), size(contract)


def _as_list(vals):
    return vals if isinstance(vals, list) else list(vals)


class ContractionMixin:
    def dot(self, out, t1, t2, *, contract_axes1, batch_axes1, contract_axes2, batch_axes2):
        t = out.type
        a = cast_values(t1.data.values(), t1.type, t)
        b = cast_values(t2.data.values(), t2.type, t)
        a, nb, m, k = _matrices(_as_list(a), t1.shape, batch_axes1, contract_axes1)
        b, _, n, _ = _matrices(_as_list(b), t2.shape, batch_axes2, contract_axes2)
        fn = sum_of_products(t)
        res = []
        for i in range(nb):
            rows = [a[r * k:(r + 1) * k] for r in range(i * m, (i + 1) * m)]
            cols = [b[c * k:(c + 1) * k] for c in range(i * n, (i + 1) * n)]
            res.extend([fn(r, c) for r in rows for c in cols])
        return self.from_values(out, res)

    def conv(self, out, tensor, kernel, *, strides, padding, input_dilation, kernel_dilation,
             feature_group_size, batch_group_size, input_permutation, kernel_permutation,
             output_permutation):
        t = out.type
        x = _as_list(cast_values(tensor.data.values(), tensor.type, t))
        w = _as_list(cast_values(kernel.data.values(), kernel.type, t))
        xs = tuple(tensor.shape[a] for a in input_permutation)
        ks = tuple(kernel.shape[a] for a in kernel_permutation)
        x = transpose_values(x, tensor.shape, input_permutation)
        w = transpose_values(w, kernel.shape, kernel_permutation)
        zero = 0 if t.is_integer else (0j if t.is_complex else 0.0)
        padded, ps = _pad_dilate(x, xs, padding, input_dilation, zero)
        spatial = out_spatial(xs, ks, padding, strides, input_dilation, kernel_dilation)
        groups = max(feature_group_size, batch_group_size)
        canonical = _conv_values(padded, ps, w, ks, spatial, strides, kernel_dilation, groups,
                                 batch_group_size, sum_of_products(t))
        canonical_shape = (xs[0] // batch_group_size, ks[0]) + spatial
        # output axis output_permutation[i] holds canonical axis i
        inverse = sorted(range(len(output_permutation)), key=lambda i: output_permutation[i])
        return self.from_values(out, transpose_values(canonical, canonical_shape, inverse))


def out_spatial(xs, ks, padding, strides_, input_dilation, kernel_dilation):
    """The spatial output sizes (the spec has checked that each window fits)."""
    return tuple(
        (dilated_size(s, di) + lo + hi - dilated_size(k, dk)) // st + 1
        for s, k, (lo, hi), st, di, dk in zip(xs[2:], ks[2:], padding, strides_,
                                               input_dilation, kernel_dilation))


def _pad_dilate(vals, shape, padding, dilation, zero):
    """The input with ``dilation - 1`` zeros between spatial elements and
    ``padding`` on each side (negative padding crops), with its shape."""
    n_lead = 2
    out_shape = list(shape[:n_lead])
    per_axis = []                      # per padded axis: source offsets or None
    st = strides(shape)
    for axis in range(len(shape)):
        if axis < n_lead:
            per_axis.append([i * st[axis] for i in range(shape[axis])])
            continue
        lo, hi = padding[axis - n_lead]
        d = dilation[axis - n_lead]
        size = dilated_size(shape[axis], d) + lo + hi
        out_shape.append(size)
        offsets = []
        for q in range(size):
            p = q - lo
            ok = p >= 0 and p % d == 0 and p // d < shape[axis]
            offsets.append(p // d * st[axis] if ok else None)
        per_axis.append(offsets)
    missing = len(vals)                # index of the zero appended below
    idx = [0]
    for offsets in per_axis:
        idx = [missing if i == missing or o is None else i + o for i in idx for o in offsets]
    src = list(vals) + [zero]
    return [src[i] for i in idx], tuple(out_shape)


def _conv_values(x, xs, w, ks, spatial, strides_, kernel_dilation, groups, batch_groups, fn):
    """Canonical (batch / batch_groups, out channels, *spatial) values of a conv of
    the padded input ``x`` of shape ``xs`` with kernel ``w`` of shape ``ks``."""
    xst = strides(xs)
    kspatial = ks[2:]
    in_channels = ks[1]
    # offsets of one patch (channel, kernel position) from its anchor
    offsets = [0]
    for axis, k in enumerate(kspatial):
        step = kernel_dilation[axis] * xst[axis + 2]
        offsets = [o + j * step for o in offsets for j in range(k)]
    offsets = [c * xst[1] + o for c in range(in_channels) for o in offsets]
    anchors = [0]
    for axis, n in enumerate(spatial):
        step = strides_[axis] * xst[axis + 2]
        anchors = [a + j * step for a in anchors for j in range(n)]
    row = in_channels
    for k in kspatial:
        row *= k
    filters = [w[o * row:(o + 1) * row] for o in range(ks[0])]
    per_group = ks[0] // groups
    out_batch = xs[0] // batch_groups
    res = []
    for b in range(out_batch):
        for g in range(groups):
            # batch groups read another input batch; feature groups other channels
            n_in = b + g * out_batch if batch_groups > 1 else b
            channel0 = g * in_channels if batch_groups == 1 else 0
            base = n_in * xst[0] + channel0 * xst[1]
            patches = [[x[base + a + o] for o in offsets] for a in anchors]
            for f in filters[g * per_group:(g + 1) * per_group]:
                res.extend([fn(p, f) for p in patches])
    return res
