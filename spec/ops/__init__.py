"""Every op of the specification, one module per family.

Importing this package declares the ops into :mod:`spec.registry`.
"""

from spec.ops import creation, broadcasting, conversion, unary, binary, reductions  # noqa: F401
from spec.ops import unary_trig, unary_parts  # noqa: F401  (element-wise unary, with unary)
from spec.ops import statistics  # noqa: F401  (mean, variance, logsumexp, all_close: composites)
from spec.ops import comparison, bitwise, selection  # noqa: F401  (element-wise binary, select, clip)
from spec.ops import indexing, scatter  # noqa: F401  (gather, take, take_along_axis; indexed_add/put)
from spec.ops import shape, joining, slicing, padding  # noqa: F401  (shape ops, issue 3)
from spec.ops import contraction, convolution  # noqa: F401  (dot, outer; conv)
from spec.ops import sorting, cumulative  # noqa: F401  (sort, argsort, top_k; cumulative_*)
from spec.ops import windows, window_scatter  # noqa: F401  (window_*; window_reduce, scatters)
from spec.ops import triangles, diagonals, fill, statistics_extra, differences  # noqa: F401  (creation and statistics, issue 3)
from spec.ops import fold  # noqa: F401  (nx.reduce with a user's function)
from spec.ops import linalg  # noqa: F401  (nx.linalg, issue 4)
from spec.ops import linalg_more  # noqa: F401  (lu, determinant, invert, matrix_power; issue 4)
from spec.ops import linalg_decomp, linalg_norm  # noqa: F401  (eigh, svd; norm, pinv, least_squares, matrix_rank)
from spec.ops import fft  # noqa: F401  (fft, ifft, fft2, ifft2, rfft, irfft; issue 4)
