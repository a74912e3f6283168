"""nx.to_heatmap: Nx's heatmap tests translated, and the scaling checked against a formula."""

import io
import math
import sys

import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from nx_ref import heatmap
from spec.errors import ArgumentError, TypeError_

T1 = nx.tensor([1, 2, 3, 4, 5])
T2 = nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]])
T3 = nx.tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]])
NON_FINITE = nx.tensor([float("-inf"), -1, float("nan"), 1, float("inf")])
W = "\u3000"


def bg(n):
    return f"\x1b[48;5;{n}m"


def plain(t, **opts):
    return repr(nx.to_heatmap(t, ansi_enabled=False, **opts))


def ansi(t, **opts):
    return repr(nx.to_heatmap(t, ansi_enabled=True, **opts))


def test_rank_0_raises():
    with pytest.raises(ArgumentError, match="cannot show heatmap for scalar tensors"):
        nx.to_heatmap(nx.tensor(0))


def test_without_ansi():
    assert plain(nx.tensor([1, 1, 1])) == "#Nx.Heatmap<\n  s32[3]\n  000\n>"
    assert plain(T1) == "#Nx.Heatmap<\n  s32[5]\n  02579\n>"
    assert plain(T2) == "#Nx.Heatmap<\n  s32[4][3]\n  \n  012\n  234\n  567\n  789\n>"
    assert plain(T3) == ("#Nx.Heatmap<\n  s32[2][2][3]\n  [\n    024\n    579,\n    \n"
                         "    024\n    579\n  ]\n>")
    assert plain(NON_FINITE) == "#Nx.Heatmap<\n  f32[5]\n  -0x9+\n>"
    assert plain(nx.stack([NON_FINITE, NON_FINITE])) == \
        "#Nx.Heatmap<\n  f32[2][5]\n  \n  -0x9+\n  -0x9+\n>"


def test_with_ansi():
    reset = "\x1b[0m"
    assert ansi(nx.tensor([1, 1, 1])) == \
        f"#Nx.Heatmap<\n  s32[3]\n  {bg(232)}{W}{bg(232)}{W}{bg(232)}{W}{reset}\n>"
    line = "".join(bg(n) + W for n in (232, 238, 244, 249, 255))
    assert ansi(T1) == f"#Nx.Heatmap<\n  s32[5]\n  {line}{reset}\n>"
    rows = [(232, 234, 236), (238, 240, 242), (245, 247, 249), (251, 253, 255)]
    body = "".join("\n  " + "".join(bg(n) + W for n in r) + reset for r in rows)
    assert ansi(T2) == f"#Nx.Heatmap<\n  s32[4][3]\n  {body}\n>"
    a = "".join(bg(n) + W for n in (232, 237, 241)) + reset
    b = "".join(bg(n) + W for n in (246, 250, 255)) + reset
    assert ansi(T3) == (f"#Nx.Heatmap<\n  s32[2][2][3]\n  [\n    {a}\n    {b},\n    \n"
                        f"    {a}\n    {b}\n  ]\n>")
    nf = f"{bg(232)}∞{bg(232)}{W}\x1b[41m{W}{bg(255)}{W}{bg(255)}∞{reset}"
    assert ansi(NON_FINITE) == f"#Nx.Heatmap<\n  f32[5]\n  {nf}\n>"
    assert ansi(nx.tensor([1, 2]), ansi_whitespace=" ") == \
        f"#Nx.Heatmap<\n  s32[2]\n  {bg(232)} {bg(255)} {reset}\n>"


def test_names_and_rank_4_layout():
    t = nx.iota((2, 1, 1, 2), names=["a", None, "r", "c"])
    assert plain(t) == ("#Nx.Heatmap<\n  s32[a: 2][1][r: 1][c: 2]\n  [\n    [\n      09\n"
                        "    ],\n    [\n      09\n    ]\n  ]\n>")


def test_limit_elides_grids():
    t = nx.iota((3, 1, 2))
    assert nx.to_heatmap(t, ansi_enabled=False).render(limit=2) == \
        "#Nx.Heatmap<\n  s32[3][1][2]\n  [\n    09,\n    \n    09,\n    ...\n  ]\n>"
    assert nx.to_heatmap(t, ansi_enabled=False).render(limit=None).count("09") == 3


def test_empty_tensors():
    assert plain(nx.iota((0,))) == "#Nx.Heatmap<\n  s32[0]\n  \n>"
    assert plain(nx.iota((0, 2, 2))) == "#Nx.Heatmap<\n  s32[0][2][2]\n  [\n  ]\n>"
    assert plain(nx.iota((2, 0))) == "#Nx.Heatmap<\n  s32[2][0]\n  \n  \n  \n>"


def digit(v, low, high):
    return math.floor((v - low) / (1 if high == low else high - low) * 9 + 0.5)


@given(st.lists(st.lists(st.integers(-1000, 1000), min_size=3, max_size=3), min_size=1, max_size=4),
       st.sampled_from(["s16", "s32", "f32", "f64"]))
def test_each_grid_is_scaled_from_its_min_to_its_max(rows, type_name):
    t = nx.tensor(rows, type=type_name)
    flat = [v for r in rows for v in r]
    low, high = min(flat), max(flat)
    expected = ["".join(str(digit(v, low, high)) for v in r) for r in rows]
    assert plain(t).split("\n")[3:-1] == ["  " + line for line in expected]


@given(st.lists(st.one_of(st.floats(-1e6, 1e6), st.sampled_from([math.inf, -math.inf, math.nan])),
                min_size=1, max_size=8))
def test_non_finite_values_are_marked_and_left_out_of_the_scale(values):
    t = nx.tensor(values, type="f64")
    finite = [v for v in values if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0, 0)
    marks = {math.inf: "+", -math.inf: "-"}
    expected = "".join("x" if v != v else marks[v] if v in marks else str(digit(v, low, high))
                       for v in values)
    assert plain(t) == f"#Nx.Heatmap<\n  f64[{len(values)}]\n  {expected}\n>"


def test_access_returns_heatmaps_and_keeps_options():
    hm = nx.to_heatmap(nx.tensor([[1, 2], [3, 4]]), ansi_whitespace=" ")
    assert hm[0, 0].to_number() == 1 and isinstance(hm[0, 0], nx.Tensor)
    assert hm[0] == nx.to_heatmap(nx.tensor([1, 2]), ansi_whitespace=" ")
    assert hm[0:1] == nx.to_heatmap(nx.tensor([[1, 2]]), ansi_whitespace=" ")
    assert hm[0] != nx.to_heatmap(nx.tensor([1, 2]))
    assert hm[1] != nx.to_heatmap(nx.tensor([1, 2]), ansi_whitespace=" ")


def test_ansi_follows_the_terminal_by_default(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True
    monkeypatch.setattr(sys, "stdout", Tty())
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert heatmap.ansi_enabled() and "\x1b[" in repr(nx.to_heatmap(T1))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not heatmap.ansi_enabled() and repr(nx.to_heatmap(T1)).endswith("02579\n>")
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.delenv("NO_COLOR")
    assert not heatmap.ansi_enabled()


def test_bad_arguments():
    with pytest.raises(TypeError_, match="complex tensors have no heatmap, got a c64 tensor"):
        nx.to_heatmap(nx.tensor([1j]))
    with pytest.raises(ArgumentError, match="ansi_enabled must be True, False or None"):
        nx.to_heatmap(T1, ansi_enabled="yes")
    with pytest.raises(TypeError_, match="ansi_whitespace must be a string"):
        nx.to_heatmap(T1, ansi_whitespace=1)
    with pytest.raises(TypeError, match="unexpected keyword"):
        nx.to_heatmap(T1, limit=3)
