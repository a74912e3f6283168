"""``nx.to_heatmap``: a tensor printed as a heatmap, Nx's ``#Nx.Heatmap<...>``.

The last two axes form a grid, one text line per row; a rank-1 tensor is a
single line; higher axes nest the grids in brackets as the printed form of a
tensor nests lists. Each grid (each line, for rank 1) is scaled on its own
from its smallest finite value to its largest.

With ANSI colours, an element is a cell of the 24 grey background colours
232..255 of the 256-colour palette, darkest for the smallest value, and each
line ends with the reset sequence; without them, a digit from 0 to 9 (scaled
value times 9, rounded half away from zero). Non-finite values print as ``+``
(infinity), ``-`` (negative infinity) and ``x`` (NaN) without colours; with
them, infinities are a ``∞`` on the brightest or darkest grey and NaN a red
cell. Complex tensors have no heatmap.

>>> import nx_ref as nx
>>> nx.to_heatmap(nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]), ansi_enabled=False)
#Nx.Heatmap<
  s32[4][3]
<BLANKLINE>
  012
  234
  567
  789
>
"""

from __future__ import annotations

import itertools
import math
import os
import sys

from spec import types
from spec.errors import ArgumentError, TypeError_

__all__ = ["to_heatmap", "Heatmap", "ansi_enabled"]

_GREYS = range(232, 256)          # the 256-colour palette's grey ramp, dark to light
_RESET = "\x1b[0m"
_NAN_ANSI = "\x1b[41m"            # red background


def ansi_enabled() -> bool:
    """Whether standard output takes ANSI colours: a terminal, not ``TERM=dumb``,
    and no ``NO_COLOR`` in the environment (Elixir's ``IO.ANSI.enabled?``)."""
    stream = sys.stdout
    return (hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"
            and "NO_COLOR" not in os.environ)


def _half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _background(colour: int) -> str:
    return f"\x1b[48;5;{colour}m"


class Heatmap:
    """A tensor with heatmap options; ``repr`` prints it. Indexing returns the
    heatmap of the part (a scalar comes back as a tensor), options kept."""

    __slots__ = ("tensor", "ansi_enabled", "ansi_whitespace")

    def __init__(self, tensor, ansi_enabled=None, ansi_whitespace="\u3000"):
        self.tensor = tensor
        self.ansi_enabled = ansi_enabled
        self.ansi_whitespace = ansi_whitespace

    def __getitem__(self, index):
        part = self.tensor[index]
        if not part.shape:
            return part
        return Heatmap(part, self.ansi_enabled, self.ansi_whitespace)

    def __eq__(self, other):
        if not isinstance(other, Heatmap):
            return NotImplemented
        a, b = self.tensor, other.tensor
        return (a.spec == b.spec and a.to_binary() == b.to_binary()
                and (self.ansi_enabled, self.ansi_whitespace)
                == (other.ansi_enabled, other.ansi_whitespace))

    __hash__ = None

    def __repr__(self):
        return self.render()

    def render(self, limit=50) -> str:
        """The ``#Nx.Heatmap<...>`` text, at most ``limit`` grids (None: all)."""
        from nx_ref.inspect import _header
        ansi = ansi_enabled() if self.ansi_enabled is None else self.ansi_enabled
        cells = _Cells(self.tensor.type, ansi, self.ansi_whitespace)
        t = self.tensor
        if t.rank == 1:
            data = cells.line(t.to_flat_list())
        else:
            rows, cols = t.shape[-2:]
            n = rows * cols
            values = t.to_flat_list(limit=None if limit is None else n * limit)
            grids = (values[i * n:(i + 1) * n] for i in itertools.count())
            data = _nest(t.shape[:-2], grids, [limit], cells, rows, cols, 2)
        return f"#Nx.Heatmap<\n  {_header(t)}\n  {data}\n>"


class _Cells:
    """How one value prints: a grey cell, a digit, or a non-finite mark."""

    def __init__(self, type_, ansi, whitespace):
        self.ansi, self.whitespace = ansi, whitespace
        self.lowest, self.highest = types.min_finite(type_), types.max_finite(type_)

    def scale(self, values):
        finite = [v for v in values if not (isinstance(v, float) and not math.isfinite(v))]
        low = min(finite, default=self.highest)
        high = max(finite, default=self.lowest)
        base = 1 if high == low else high - low
        return low, base

    def cell(self, v, low, base) -> str:
        if isinstance(v, float) and not math.isfinite(v):
            if not self.ansi:
                return "x" if v != v else ("+" if v > 0 else "-")
            if v != v:
                return _NAN_ANSI + self.whitespace
            return _background(_GREYS[-1] if v > 0 else _GREYS[0]) + "∞"
        fraction = (v - low) / base
        if self.ansi:
            return _background(_GREYS[_half_up(fraction * (len(_GREYS) - 1))]) + self.whitespace
        return str(_half_up(fraction * 9))

    def line(self, values, scale=None) -> str:
        low, base = self.scale(values) if scale is None else scale
        text = "".join(self.cell(v, low, base) for v in values)
        return text + _RESET if self.ansi else text


def _grid(values, cells, rows, cols, indent) -> str:
    """A grid: each row on its own line, a line break before each."""
    scale = cells.scale(values)
    pad = "\n" + " " * indent
    return "".join(pad + cells.line(values[r * cols:(r + 1) * cols], scale) for r in range(rows))


def _nest(dims, grids, limit, cells, rows, cols, indent) -> str:
    """Nx's layout of the leading axes: brackets around the grids, ``...`` once
    ``limit`` grids are shown."""
    if not dims:
        if limit[0] is not None:
            limit[0] -= 1
        return _grid(next(grids), cells, rows, cols, indent)
    parts = []
    for _ in range(dims[0]):
        if limit[0] == 0:
            parts.append("...")
            break
        parts.append(_nest(dims[1:], grids, limit, cells, rows, cols, indent + 2))
    inner = " " * (indent + 2)
    opening = "[" if len(dims) == 1 else "[\n" + inner
    return opening + (",\n" + inner).join(parts) + "\n" + " " * indent + "]"


def to_heatmap(tensor, *, ansi_enabled=None, ansi_whitespace="\u3000"):
    """A :class:`Heatmap` of a tensor of rank 1 or more, printed by ``repr``
    (see :mod:`nx_ref.heatmap`). ``ansi_enabled`` forces ANSI colours on or off
    (default: on when standard output is a terminal); ``ansi_whitespace`` is the
    text of a coloured cell (default a full-width space, U+3000, which keeps
    cells square).

    >>> import nx_ref as nx
    >>> nx.to_heatmap(nx.tensor([1, 2, 3, 4, 5]), ansi_enabled=False)
    #Nx.Heatmap<
      s32[5]
      02579
    >
    >>> nx.to_heatmap(nx.tensor([float("-inf"), -1, float("nan"), 1, float("inf")]), ansi_enabled=False)
    #Nx.Heatmap<
      f32[5]
      -0x9+
    >
    >>> repr(nx.to_heatmap(nx.tensor([1, 1]), ansi_enabled=True, ansi_whitespace=" "))
    '#Nx.Heatmap<\\n  s32[2]\\n  \\x1b[48;5;232m \\x1b[48;5;232m \\x1b[0m\\n>'
    >>> nx.to_heatmap(nx.tensor(0))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot show heatmap for scalar tensors, got: #Nx.Tensor<
      s32
      0
    >
    """
    from nx_ref.containers import to_tensor
    tensor = to_tensor(tensor)
    if not tensor.shape:
        raise ArgumentError(f"cannot show heatmap for scalar tensors, got: {tensor!r}")
    if tensor.type.is_complex:
        raise TypeError_(f"nx.to_heatmap: complex tensors have no heatmap, got a {tensor.type} "
                         f"tensor (use nx.abs, nx.real or nx.imag first)")
    if ansi_enabled not in (None, True, False):
        raise ArgumentError(f"nx.to_heatmap: ansi_enabled must be True, False or None, got: "
                            f"{ansi_enabled!r:.40}")
    if not isinstance(ansi_whitespace, str):
        raise TypeError_(f"nx.to_heatmap: ansi_whitespace must be a string, got: "
                         f"{ansi_whitespace!r:.40}")
    return Heatmap(tensor, ansi_enabled, ansi_whitespace)
