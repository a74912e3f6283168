"""The reference backend: every spec op computed in plain Python.

Data is stored as little-endian row-major bytes (:mod:`nx_ref.reference.storage`);
each op decodes its inputs into Python values, applies the spec's semantics and
rounds the results into the output type exactly.

>>> import nx_ref as nx
>>> nx.exp(nx.tensor([0.0], backend=nx.ReferenceBackend())).to_list()
[1.0]
"""

from __future__ import annotations

from nx_ref.backend import Backend
from nx_ref.reference.creation import CreationMixin
from nx_ref.reference.elementwise import ElementwiseMixin, elementwise
from nx_ref.reference.reductions import ReductionMixin, reduction
from nx_ref.reference.selection import SelectionMixin
from nx_ref.reference.indexing_ops import IndexingMixin
from nx_ref.reference.contraction import ContractionMixin
from nx_ref.reference.shape import ShapeMixin
from nx_ref.reference.sorting import SortingMixin
from nx_ref.reference.windows import WindowsMixin, window_aggregate
from nx_ref.reference.linalg import LinalgMixin
from nx_ref.reference.linalg_decomp import LinalgDecompMixin
from nx_ref.reference.fft import FFTMixin

__all__ = ["ReferenceBackend"]


class ReferenceBackend(CreationMixin, ElementwiseMixin, SelectionMixin, ReductionMixin, IndexingMixin, ContractionMixin, ShapeMixin, SortingMixin, WindowsMixin, LinalgMixin, LinalgDecompMixin, FFTMixin, Backend):
    """The default backend: plain Python, exact rounding into each output type."""

    priority = 0  # any other backend takes over its tensors

    # element-wise unary (spec/ops/unary.py, unary_trig.py, unary_parts.py);
    # log2 and log10 are composites inherited from Backend
    exp = elementwise()
    expm1 = elementwise()
    log = elementwise()
    log1p = elementwise()
    sigmoid = elementwise()
    sqrt = elementwise()
    rsqrt = elementwise()
    cbrt = elementwise()
    erf = elementwise()
    erfc = elementwise()
    erf_inv = elementwise()
    sin = elementwise()
    cos = elementwise()
    tan = elementwise()
    asin = elementwise()
    acos = elementwise()
    atan = elementwise()
    sinh = elementwise()
    cosh = elementwise()
    tanh = elementwise()
    asinh = elementwise()
    acosh = elementwise()
    atanh = elementwise()
    abs = elementwise()
    negate = elementwise()
    sign = elementwise()
    ceil = elementwise()
    floor = elementwise()
    round = elementwise()
    is_nan = elementwise()
    is_infinity = elementwise()
    logical_not = elementwise()
    bitwise_not = elementwise()
    population_count = elementwise()
    count_leading_zeros = elementwise()
    real = elementwise()
    imag = elementwise()
    conjugate = elementwise()
    phase = elementwise()
    # end of element-wise unary

    # element-wise binary (spec/ops/binary.py)
    add = elementwise()
    subtract = elementwise()
    multiply = elementwise()
    divide = elementwise()
    quotient = elementwise()
    remainder = elementwise()
    pow = elementwise()
    atan2 = elementwise()
    min = elementwise()
    max = elementwise()
    complex = elementwise()
    bitwise_and = elementwise()
    bitwise_or = elementwise()
    bitwise_xor = elementwise()
    left_shift = elementwise()
    right_shift = elementwise()
    equal = elementwise()
    not_equal = elementwise()
    greater = elementwise()
    less = elementwise()
    greater_equal = elementwise()
    less_equal = elementwise()
    logical_and = elementwise()
    logical_or = elementwise()
    logical_xor = elementwise()
    # select and clip: SelectionMixin
    # end of element-wise binary

    # reductions (spec/ops/reductions.py); composites are inherited from Backend
    sum = reduction()
    # reduce (a user's function) is ReductionMixin.reduce
    product = reduction()
    reduce_max = reduction()
    reduce_min = reduction()
    argmax = reduction()
    argmin = reduction()
    all = reduction()
    any = reduction()
    # end of reductions

    # shape (issue 3): reshape, squeeze, transpose, reverse, slice, put_slice, pad,
    # concatenate and stack come from ShapeMixin; the other shape ops are composites
    # end of shape

    # indexing (issue 3); take and take_along_axis are composites inherited from Backend
    gather = IndexingMixin.gather
    indexed_add = IndexingMixin.indexed_add
    indexed_put = IndexingMixin.indexed_put
    # end of indexing

    # contraction (issue 3): methods of ContractionMixin (outer is a composite)
    # end of contraction

    # sort and cumulative (issue 3): sort and argsort are methods of SortingMixin;
    # top_k and the cumulative ops are composites inherited from Backend
    # end of sort and cumulative

    # windows (issue 3): window_reduce and the scatters are methods of WindowsMixin;
    # window_mean is a composite inherited from Backend
    window_sum = window_aggregate()
    window_product = window_aggregate()
    window_max = window_aggregate()
    window_min = window_aggregate()
    # end of windows

    # creation and statistics (issue 3): tri, tril, triu, the diagonals, linspace, fill,
    # weighted_mean, median, mode, covariance and diff are composites inherited from Backend
    # end of creation and statistics

    # linalg (issue 4): methods of LinalgMixin (eigh and svd: LinalgDecompMixin)
    # end of linalg

    # fft (issue 4): fft and ifft are methods of FFTMixin; fft2, ifft2, rfft and irfft
    # are composites inherited from Backend
    # end of fft
