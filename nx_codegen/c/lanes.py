"""Long f64 sums in C as vector lanes x blocks of compensated partial sums.

A reduction kernel whose accumulators are all f64 sums over at least
:data:`LANE_MIN` elements keeps :data:`LANES` partial sums side by side (one
vector of doubles) in each of up to :data:`LANE_BLOCKS` blocks, each with its
rounding error (Knuth's two-sum, which vectorises); the blocks run in parallel
and are combined (Neumaier) in a fixed order, so that the result does not depend
on the thread count.

>>> splits.__name__, LANES
('splits', 8)
"""

from __future__ import annotations

import math

from nx_codegen.c import render as _c

__all__ = ["LANES", "LANE_BLOCKS", "LANE_MIN", "splits", "render"]

LANES = 8            # compensated partial sums kept side by side (one vector of doubles)
LANE_BLOCKS = 64     # at most this many blocks (run in parallel), independent of the thread count
LANE_MIN = 1024      # inner sizes below which a compensated sum stays sequential


def splits(kernel, inner_flat):
    """Whether the kernel's reductions are f64 sums long enough to split into
    vector lanes and blocks (each compensated on its own, combined at the end)."""
    return (inner_flat and math.prod(kernel.inner) >= LANE_MIN
            and all(_c._compensated(r) and r.type == "f64" for r in kernel.accs))


def _two_sum(r, acc, v):
    """Knuth's branch-free two-sum: ``acc`` += v with its rounding error added to
    ``acc_c`` (vectorises, unlike the magnitude test of Neumaier's)."""
    s, c = f"{acc}[l]", f"{acc}_c[l]"
    return (f"{{ const double v_ = (double){v}, s_ = {s} + v_, b_ = s_ - {s}; "
            f"{c} += ({s} - (s_ - b_)) + (v_ - b_); {s} = s_; }}")


def render(kernel, types_of, counter, ind, parallel, threads):
    """The inner loop of f64 sums as :data:`LANES` x blocks compensated partial
    sums, then combined (Neumaier) into ``acc<j>``/``acc<j>_c`` in a fixed
    order, so that the result does not depend on the thread count."""
    n = math.prod(kernel.inner)
    blocks = min(LANE_BLOCKS, -(-n // (LANE_MIN // 2)))
    chunk = -(-n // blocks)
    chunk += -chunk % LANES
    blocks = -(-n // chunk)
    k = len(kernel.accs)
    i2, i3, i4 = ind + "  ", ind + "    ", ind + "      "
    one_dim = len(kernel.inner) == 1
    rdef = ["const int64_t r = r_ + l;"] + (["const int64_t r0 = r;"] if one_dim else [])
    lines = [f"{ind}double " + ", ".join(f"ls{j}[{blocks * LANES}], lc{j}[{blocks * LANES}]"
                                         for j in range(k)) + ";"]
    if parallel:
        lines.append(f"{ind}#pragma omp parallel for num_threads({threads}) schedule(static)")
    lines.append(f"{ind}for (int64_t q = 0; q < {blocks}; q++) {{")
    lines.append(i2 + " ".join(f"double acc{j}[{LANES}] = {{0}}, acc{j}_c[{LANES}] = {{0}};"
                               for j in range(k)))
    lines.append(f"{i2}const int64_t lo = q * {chunk}, hi = lo + {chunk} < {n} ? lo + {chunk} : {n};")
    lines.append(f"{i2}int64_t r_ = lo;")
    lines.append(f"{i2}for (; r_ + {LANES} <= hi; r_ += {LANES}) {{")
    lines.append(f"{i3}#pragma omp simd")
    lines.append(f"{i3}for (int l = 0; l < {LANES}; l++) {{")
    lines += [i4 + d for d in rdef]
    lines += _c._inner_body(kernel, types_of, counter, i4, _two_sum) + [f"{i3}}}", f"{i2}}}"]
    lines.append(f"{i2}for (; r_ < hi; r_++) {{")
    lines += [i3 + "const int l = 0;"] + [i3 + d for d in rdef]
    lines += _c._inner_body(kernel, types_of, counter, i3, _two_sum) + [f"{i2}}}"]
    lines.append(f"{i2}for (int l = 0; l < {LANES}; l++) {{ "
                 + " ".join(f"ls{j}[q * {LANES} + l] = acc{j}[l]; lc{j}[q * {LANES} + l] = acc{j}_c[l];"
                            for j in range(k)) + " }")
    lines.append(f"{ind}}}")
    for j in range(k):
        lines.append(f"{ind}for (int64_t i = 0; i < {blocks * LANES}; i++) {{ "
                     + _c._neumaier(f"acc{j}", f"ls{j}[i]") + f" acc{j}_c += lc{j}[i]; }}")
    return lines
