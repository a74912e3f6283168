"""The printed form: Nx's layout and Nx's float notation, checked against text that
Nx itself printed (its doctests, its tests, its f16 table of C Ryu output)."""

from __future__ import annotations

import math
import struct
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from nx_ref.inspect import format_float, format_value, inspect, shortest_digits
from spec import codec, types, values
from tests.support import all_values

# Every float printed in Nx's own doctests (nx/lib/**.ex), by the type of the
# tensor that printed it. Each reads back into its type as the value Nx had, so
# printing that value again must give the same text.
NX_PRINTED = {
    "f32": (
        "1.0 2.0 3.0 1.2 2.3 3.4 4.5 -Inf NaN Inf 0.0 4.0 5.0 6.0 7.0 8.0 3.2 -1.0 -2.0 -9.0 "
        "-19.0 -8.0 -18.0 10.0 20.0 40.0 0.5 0.33333334 0.1 0.05 0.2 0.4636476 0.7853982 "
        "1.1071488 1.2490457 0.32175055 -3.0 2.6779451 -4.0 42.0 1.6666666 2.1333334 "
        "2.4444444 7.5 23.5 3.5 1.5 8.5 2.5 24.0 6.5 2.2 6.2 2.25 3.25 0.6 1.1 1.6 3.1 -10.0 "
        "39.0 14.0 304.0 315.0 548.0 636.0 58.0 64.0 139.0 154.0 22.0 30.0 50.0 12.0 16.0 9.0 "
        "15.0 18.0 21.0 25.0 35.0 11.0 0.25 1.118034 1.2909944 6.363961 12.727922 0.70710677 "
        "7.071068 7.628073 2.6666667 3.6666667 5.75 7.25 6.4561934 5.7630463 6.356537 "
        "5.1429315 6.1429315 2.3132617 4.3132615 6.3132615 6.3314114 8.331411 0.7691127 "
        "0.9728644 1.3694695 9.700222 5.0514164 0.73592794 -1.3425945 -0.4081206 0.989145 "
        "1.0795186 -0.9467806 1.4781388 2.2095864 -1.5294564 -0.79339206 1.1211957 0.10976296 "
        "-0.9959557 0.4754556 1.1413804 -0.729461 0.6247938 -0.21740718 0.76783276 0.77784044 "
        "4.0895305 0.30290902 4.472136 3.9354796 0.71554184 1.4142135 2.1213205 0.7071065 "
        "2.4494898 1.2247448 2.1213202 1.6329931 1.4142138 2.309401 3.2659862 -1.4142134 "
        "1.5877135 3.132491 1.3333334 -0.6666667 -1.3333334 -5.0 -6.0 -1.6666666 0.75 "
        "0.5416667 3.0000002 -0.3333333 0.44444442 0.6666666 -0.2222222 -3.6 -2.6 1.4 "
        "0.7071068 0.4 4.0000577 -1.0000169 -3.000044 1.000013 0.99999994 0.40824828 "
        "-0.1825742 0.8944272 0.40824834 0.9128709 0.81649655 -0.3651484 -0.4472136 "
        "0.56062883 0.8280672 -0.56062883 1.9999999 0.14285715 0.5714286 0.4999998 0.8571428 "
        "1.7142856 0.6666667 0.5000002 -0.66666675 -1.3333335 3.9999998 0.9999999 -2.0000002 "
        "1.0000001 1.5000001 -0.50000006 -4.875 1.375 2.75 -0.75 -110.37471 76.87479 92.24976 "
        "-64.24983 48.0 47.999996 630.0 630.00006 1.0000005 -2.3841858e-7 -0.95000035 "
        "-0.055555582 0.111111075 0.27777776 3.4028235e38 -3.4028235e38 1.1754944e-38 "
        "1.1920929e-7 3.1415927 2.7182817 0.5772157 "
    ),
    "f16": (
        "1.0 2.0 3.0 Inf NaN 0.1 0.2 0.3 0.4 0.754 0.6484 0.7295 0.2148 0.09766 0.06934 "
        "-0.3257 -0.772 0.392 0.534 0.2708 -2.08 0.327 0.2177 0.3167 0.11096 0.5396 -0.8857 "
        "-Inf 6.104e-5 9.77e-4 3.14 2.719 0.577 "
    ),
    "f64": (
        "1.0 2.0 3.0 0.0 12.3 4.0 Inf NaN 1.0e-128 -3.141592653589793 -0.0 3.141592653589793 "
        "-1.0 -Inf 2.2250738585072014e-308 2.220446049250313e-16 2.718281828459045 "
        "0.5772156649015329 "
    ),
    "bf16": (
        "1.0 2.0 3.0 0.0 NaN Inf -Inf 1.18e-38 0.0078 3.14 2.7 0.574 "
    ),
    "c64": (
        "1.0-1.0i 1.0+0.0i -2.0+0.0i 1.0-2.0i 1.0-0.0i 2.0+4.0i 1.0+2.0i 1.0+3.0i -3.0+3.0i "
        "-2.0+8.0i 10.0+14.0i 8.0+6.0i 3.0-3.0i 2.0+0.0i 0.0+0.0i 1.0+1.0i 5.0+0.0i -1.0+0.0i "
        "0.5+0.0i 0.25+0.25i 0.25-0.25i 0.25+0.0i 6.0+0.0i 4.0+0.0i 3.0+0.0i 2.0-1.0i "
        "2.0+1.0i 0.0-1.0i 0.0+1.0i 4.0-3.0i 4.0+3.0i -2.0-1.0i -2.0+1.0i -7.0+0.0i -9.0+0.0i "
        "2.0-2.0i -3.0+0.0i Inf+0.0i NaN+0.0i Inf+2.0i NaN-Infi 0.18404806+0.65464616i "
        "0.55259156+0.11568141i 0.6074585+0.81043756i 0.2476865+0.2197547i "
        "-0.7632761+0.86611277i -0.1428289-0.7384796i 0.6784615+0.41183108i "
        "-2.2695384-0.3689095i 3.0-0.0i 0.0-2.0i 0.0+4.0i 0.0+2.0i 0.0+6.0i -0.0-6.0i "
    ),
    "f8": (
        "1.0 2.0 3.0 NaN Inf -Inf 6e-5 0.25 2.5 0.5 "
    ),
    "f8_e4m3fn": (
        "1.0 2.0 3.0 450.0 "
    ),
    "c128": (
        "0.0+1.0i "
    ),
}

# A sample of Nx's test/fixtures/f16_table.txt (C Ryu's output for every f16 bit
# pattern, "E" for "e"): bits in hex, then the text.
F16_TABLE = (
    "0000:0.0 0001:6E-8 0002:1E-7 0004:2.4E-7 00D3:1.26E-5 01A6:2.515E-5 0279:3.77E-5 "
    "034C:5.03E-5 03FF:6.1E-5 0400:6.104E-5 041F:6.29E-5 04F2:7.546E-5 05C5:8.804E-5 "
    "0698:1.006E-4 076B:1.132E-4 083E:1.295E-4 0911:1.546E-4 09E4:1.798E-4 0AB7:2.049E-4 "
    "0B8A:2.301E-4 0C5D:2.663E-4 0D30:3.166E-4 0E03:3.67E-4 0ED6:4.172E-4 0FA9:4.675E-4 "
    "107C:5.474E-4 114F:6.48E-4 1222:7.486E-4 12F5:8.492E-4 13C8:9.5E-4 1419:0.001 "
    "149B:0.001124 156E:0.001326 1641:0.001527 1714:0.001728 17E7:0.001929 18BA:0.002308 "
    "198D:0.00271 1A60:0.003113 1B33:0.003515 1C06:0.00393 1CD9:0.004734 1DAC:0.00554 "
    "1E7F:0.006344 1F52:0.00715 2000:0.007812 2025:0.008095 20F8:0.009705 21CB:0.011314 "
    "229E:0.012924 2371:0.014534 2400:0.01563 2444:0.01666 2517:0.01988 25EA:0.0231 "
    "26BD:0.02632 2790:0.02954 2863:0.03427 2936:0.0407 2A09:0.04715 2ADC:0.0536 "
    "2BAF:0.06003 2C82:0.07043 2D55:0.0833 2E28:0.0962 2EFB:0.1091 2FCE:0.12195 30A1:0.1447 "
    "3100:0.1562 3174:0.1704 3247:0.1962 331A:0.2219 33ED:0.2477 34C0:0.2969 3593:0.3484 "
    "3666:0.4 3739:0.4514 380C:0.506 38DF:0.609 39B2:0.712 3A85:0.815 3B58:0.918 "
    "3BFF:0.9995 3C00:1.0 3C01:1.001 3C2B:1.042 3CFE:1.248 3DD1:1.454 3EA4:1.66 3F77:1.866 "
    "404A:2.145 411D:2.557 41F0:2.969 42C3:3.38 4396:3.793 4469:4.41 453C:5.234 460F:6.06 "
    "46E2:6.883 47B5:7.707 4888:9.06 495B:10.71 4A2E:12.36 4B01:14.01 4BD4:15.66 4CA7:18.61 "
    "4D7A:21.9 4E4D:25.2 4F20:28.5 4FF3:31.8 50C6:38.2 5199:44.78 526C:51.38 533F:57.97 "
    "5412:65.1 54E5:78.3 55B8:91.5 568B:104.7 575E:117.9 5831:134.1 5904:160.5 59D7:186.9 "
    "5A40:200.0 5AAA:213.2 5B7D:239.6 5C50:276.0 5D23:328.8 5DF6:381.5 5EC9:434.2 "
    "5F9C:487.0 606F:567.5 6142:673.0 6215:778.5 62E8:884.0 63BB:989.5 63D0:1E3 648E:1166.0 "
    "6561:1377.0 6634:1588.0 6707:1799.0 67DA:2010.0 68AD:2394.0 6980:2816.0 6A53:3238.0 "
    "6B26:3660.0 6BF9:4082.0 6CCC:4910.0 6D9F:5756.0 6E72:6.6E3 6F45:7444.0 7018:8380.0 "
    "70E2:1E4 70EB:10070.0 71BE:11760.0 7291:13450.0 7364:15140.0 7437:17260.0 750A:20640.0 "
    "75DD:24020.0 76B0:2.74E4 7783:30770.0 7856:35520.0 7929:42270.0 79FC:49020.0 "
    "7ACF:55780.0 7BA2:62530.0 7BFB:65380.0 7BFC:6.54E4 7BFF:6.55E4 7C00:Infinity 7C01:NaN "
    "7C75:NaN 7D48:NaN 7E1B:NaN 7EEE:NaN 7FC1:NaN 8001:-6E-8 8094:-8.8E-6 8167:-2.14E-5 "
    "823A:-3.4E-5 830D:-4.655E-5 83E0:-5.91E-5 84B3:-7.17E-5 8586:-8.43E-5 8659:-9.686E-5 "
    "872C:-1.0943E-4 87FF:-1.22E-4 88D2:-1.471E-4 89A5:-1.723E-4 8A78:-1.974E-4 "
    "8B4B:-2.226E-4 8C1E:-2.513E-4 8CF1:-3.016E-4 8DC4:-3.52E-4 8E97:-4.022E-4 "
    "8F6A:-4.525E-4 903D:-5.174E-4 9110:-6.18E-4 91E3:-7.186E-4 92B6:-8.19E-4 9389:-9.2E-4 "
    "945C:-0.001064 952F:-0.001266 9602:-0.001467 96D5:-0.001668 97A8:-0.001869 "
    "987B:-0.002188 994E:-0.00259 9A21:-0.002993 9AF4:-0.003395 9BC7:-0.003798 "
    "9C9A:-0.004494 9D6D:-0.0053 9E40:-0.006104 9F13:-0.00691 9FE6:-0.007713 A0B9:-0.009224 "
    "A18C:-0.01083 A25F:-0.01244 A332:-0.01405 A405:-0.0157 A4D8:-0.01892 A5AB:-0.02214 "
    "A67E:-0.02536 A751:-0.02858 A824:-0.03235 A8F7:-0.0388 A9CA:-0.04523 AA9D:-0.05167 "
    "AB70:-0.0581 AC43:-0.0666 AD16:-0.07947 ADE9:-0.09235 AEBC:-0.1052 AF8F:-0.1181 "
    "B062:-0.137 B135:-0.1627 B208:-0.1885 B2DB:-0.2142 B3AE:-0.24 B481:-0.2815 B554:-0.333 "
    "B627:-0.3845 B6FA:-0.436 B7CD:-0.4875 B8A0:-0.578 B973:-0.681 BA46:-0.784 BB19:-0.887 "
    "BBEC:-0.99 BCBF:-1.187 BD92:-1.393 BE65:-1.599 BF38:-1.805 C00B:-2.021 C0DE:-2.434 "
    "C1B1:-2.846 C284:-3.258 C357:-3.67 C42A:-4.164 C4FD:-4.99 C5D0:-5.812 C6A3:-6.637 "
    "C776:-7.46 C849:-8.57 C91C:-10.22 C9EF:-11.87 CAC2:-13.516 CB95:-15.164 CC68:-17.62 "
    "CD3B:-20.92 CE0E:-24.22 CEE1:-27.52 CFB4:-30.81 D087:-36.22 D15A:-42.8 D22D:-49.4 "
    "D300:-56.0 D3D3:-62.6 D4A6:-74.4 D579:-87.56 D64C:-100.75 D71F:-113.94 D7F2:-127.1 "
    "D8C5:-152.6 D998:-179.0 DA6B:-205.4 DB3E:-231.8 DC11:-260.2 DCE4:-313.0 DDB7:-365.8 "
    "DE8A:-418.5 DF5D:-471.2 E030:-536.0 E103:-641.5 E1D6:-747.0 E2A9:-852.5 E37C:-958.0 "
    "E44F:-1103.0 E522:-1314.0 E5F5:-1525.0 E6C8:-1736.0 E79B:-1947.0 E86E:-2268.0 "
    "E941:-2690.0 EA14:-3112.0 EAE7:-3534.0 EBBA:-3956.0 EC8D:-4660.0 ED60:-5504.0 "
    "EE33:-6348.0 EF06:-7190.0 EFD9:-8036.0 F0AC:-9570.0 F17F:-11256.0 F252:-12940.0 "
    "F325:-14630.0 F3F8:-16320.0 F4CB:-19630.0 F59E:-2.3E4 F671:-26380.0 F744:-29760.0 "
    "F817:-3.35E4 F8EA:-40260.0 F9BD:-4.7E4 FA90:-53760.0 FB63:-6.05E4 FBFF:-6.55E4 "
    "FC00:-Infinity FC36:-NaN FD09:-NaN FDDC:-NaN FEAF:-NaN FF82:-NaN "
)


def _parse(text):
    return {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}.get(text) or float(text)


def _parse_complex(text):
    split = max(text.rfind("+"), text.rfind("-", 1))
    while text[split - 1] == "e":          # a sign inside an exponent
        split = max(text.rfind("+", 0, split), text.rfind("-", 1, split))
    return complex(_parse(text[:split] if text[0] != "+" else text[1:split]),
                   _parse(text[split:-1].lstrip("+")))


CASES = [(t, text) for t, texts in NX_PRINTED.items() for text in texts.split()]


def test_the_corpus_is_large_and_covers_every_printed_kind():
    assert len(CASES) >= 300
    assert {t for t, _ in CASES} == {"f32", "f16", "f64", "bf16", "f8", "f8_e4m3fn", "c64", "c128"}


@pytest.mark.parametrize("type_name,text", CASES)
def test_floats_print_as_nx_printed_them(type_name, text):
    type_ = types.normalize(type_name)
    value = _parse_complex(text) if type_.is_complex else _parse(text)
    value = values.round_to(type_, value)
    assert format_value(value, type_) == text


def test_c_ryu_f16_table_sample():
    entries = F16_TABLE.split()
    assert len(entries) > 300
    for entry in entries:
        bits, expected = entry.split(":")
        expected = expected.replace("Infinity", "Inf").replace("E", "e").replace("-NaN", "NaN")
        x = codec.decode("f16", int(bits, 16).to_bytes(2, "little"))[0]
        assert format_float(x, "f16") == expected, bits


def _brute_force_shortest(x, type_name):
    """The decimal Ryu picks, found by search: for the largest power of ten 10**k
    with a multiple that reads back as x, the multiple closest to x (an exact tie
    goes to the even one). Reading back is the type's rounding, not an interval."""
    x = Fraction(abs(x))
    for k in range(40, -60, -1):
        unit = Fraction(10) ** k
        low = math.floor(x / unit)
        found = [c for c in (low, low + 1)
                 if c > 0 and values.round_float(type_name, float(c * unit)) == x]
        if found:
            return str(min(found, key=lambda c: (abs(c * unit - x), c % 2)))
    raise AssertionError(x)


@pytest.mark.parametrize("type_name", ["f8", "f8_e4m3fn"])
def test_every_8_bit_float_prints_its_shortest_closest_decimal(type_name):
    for x in all_values(type_name):
        # f8_e4m3fn saturates at 448, so everything above reads back as 448; Ryu
        # (and Nx) use the usual half-gap there: 450.0, pinned by the corpus above
        if x == x and not math.isinf(x) and x != 0 and abs(x) != 448.0:
            digits, _ = shortest_digits(x, type_name)
            assert digits == _brute_force_shortest(x, type_name), x
            assert values.round_float(type_name, float(format_float(x, type_name))) == x


def test_bf16_sample_prints_its_shortest_closest_decimal():
    for bits in range(0, 1 << 16, 97):
        x = codec.decode("bf16", bits.to_bytes(2, "little"))[0]
        if x == x and not math.isinf(x) and x != 0:
            assert shortest_digits(x, "bf16")[0] == _brute_force_shortest(x, "bf16"), hex(bits)
            assert values.round_float("bf16", float(format_float(x, "bf16"))) == x


def _numpy_digits(x, dtype):
    text = np.format_float_scientific(dtype(x), unique=True, trim="-")
    mantissa, exponent = text.lstrip("-").split("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).rstrip("0")
    return digits, int(exponent) - len(fraction) + len(whole + fraction) - len(digits)


@given(st.integers(0, (1 << 32) - 1))
def test_f32_digits_agree_with_numpy_dragon4(bits):
    x = struct.unpack("<f", bits.to_bytes(4, "little"))[0]
    if x == x and not math.isinf(x) and x != 0:
        assert shortest_digits(x, "f32") == _numpy_digits(x, np.float32)


def test_f32_powers_of_two_have_narrower_gaps_below():
    for e in range(-149, 128):
        x = float(np.float32(2.0 ** e))
        assert shortest_digits(x, "f32") == _numpy_digits(x, np.float32), e


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: v != 0))
def test_the_generic_digits_agree_with_python_repr_on_f64(x):
    # Python's repr is the shortest closest decimal of a double (David Gay's dtoa)
    mantissa, _, exponent = repr(abs(x)).partition("e")
    digits = mantissa.replace(".", "").strip("0")
    got, place = shortest_digits(x, "f64")
    assert got == digits
    assert float(f"{got}e{place}") == abs(x)


@pytest.mark.parametrize("x,f32_text,f64_text", [
    (1.0, "1.0", "1.0"), (100.0, "100.0", "100.0"), (1000.0, "1e3", "1.0e3"),
    (10000.0, "1e4", "1.0e4"), (12345.0, "12345.0", "12345.0"), (123450.0, "123450.0", "123450.0"),
    (1234500.0, "1.2345e6", "1.2345e6"), (0.001, "0.001", "0.001"), (0.0001, "1e-4", "1.0e-4"),
    (0.00012, "1.2e-4", "1.2e-4"), (0.0012, "0.0012", "0.0012"), (1e20, "1e20", "1.0e20"),
    (-2.5e-10, "-2.5e-10", "-2.5e-10"), (-0.0, "-0.0", "-0.0"), (1.5, "1.5", "1.5"),
    (2.0 ** 53, "9.007199e15", "9.007199254740992e15"), (2.0 ** 52, "4.5035996e15", "4503599627370496.0"),
])
def test_placement_rule_and_the_two_exponent_styles(x, f32_text, f64_text):
    assert format_float(x, "f32") == f32_text
    assert format_float(x, "f64") == f64_text


def test_non_finite_and_complex_parts():
    for name in ("f8", "f16", "bf16", "f32", "f64"):
        assert [format_float(v, name) for v in (math.nan, math.inf, -math.inf)] == ["NaN", "Inf", "-Inf"]
    c64 = types.normalize("c64")
    assert format_value(complex(1, 2), c64) == "1.0+2.0i"
    assert format_value(complex(1, -2), c64) == "1.0-2.0i"
    assert format_value(complex(math.nan, -math.inf), c64) == "NaN-Infi"
    assert format_value(complex(0.1, 1e20), types.normalize("c128")) == "0.1+1.0e20i"
    assert format_value(complex(0.1, 1e20), c64) == "0.1+1e20i"


# -- whole tensors, as Nx printed them ----------------------------------------------

PRINTED = [
    (lambda: nx.tensor(123), """
#Nx.Tensor<
  s32
  123
>"""),
    (lambda: nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), """
#Nx.Tensor<
  f32[2][3]
  [
    [1.0, 2.0, 3.0],
    [4.0, 5.0, 6.0]
  ]
>"""),
    (lambda: nx.tensor([1, 2, 3], type="u2"), """
#Nx.Tensor<
  u2[3]
  [1, 2, 3]
>"""),
    (lambda: nx.tensor([-1, 0, 1], type="s2"), """
#Nx.Tensor<
  s2[3]
  [-1, 0, 1]
>"""),
    (lambda: nx.from_binary(struct.pack("<4H", 0xFF80, 0x7F80, 0xFFC1, 0xFF81), "bf16"), """
#Nx.Tensor<
  bf16[4]
  [-Inf, Inf, NaN, NaN]
>"""),
    (lambda: nx.from_binary(struct.pack("<4H", 0xFC00, 0x7C00, 0xFC01, 0xFC0F), "f16"), """
#Nx.Tensor<
  f16[4]
  [-Inf, Inf, NaN, NaN]
>"""),
    (lambda: nx.from_binary(struct.pack("<4I", 0xFF800000, 0x7F800000, 0xFF800001, 0xFFC00001), "f32"), """
#Nx.Tensor<
  f32[4]
  [-Inf, Inf, NaN, NaN]
>"""),
    (lambda: nx.from_binary(struct.pack("<4Q", 0xFFF0000000000000, 0x7FF0000000000000,
                                        0x7FF0000000000001, 0x7FF8000000000001), "f64"), """
#Nx.Tensor<
  f64[4]
  [-Inf, Inf, NaN, NaN]
>"""),
    (lambda: nx.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], names=["batch", "height", "width"]), """
#Nx.Tensor<
  s32[batch: 1][height: 3][width: 3]
  [
    [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9]
    ]
  ]
>"""),
    (lambda: nx.tensor([1.0 - 1j]), """
#Nx.Tensor<
  c64[1]
  [1.0-1.0i]
>"""),
    (lambda: nx.template((2, 3), "f32", names=["rows", "columns"]), """
#Nx.Tensor<
  f32[rows: 2][columns: 3]
  Nx.TemplateBackend
>"""),
    (lambda: nx.iota((2, 0)), """
#Nx.Tensor<
  s32[2][0]
  [
    [],
    []
  ]
>"""),
    (lambda: nx.iota((0, 2), names=["x", None]), """
#Nx.Tensor<
  s32[x: 0][2]
  []
>"""),
]


@pytest.mark.parametrize("index", range(len(PRINTED)))
def test_tensors_print_as_nx_prints_them(index):
    build, text = PRINTED[index]
    assert repr(build()) == text.strip("\n")
    assert str(build()) == text.strip("\n")


def test_limit_elides_where_it_runs_out():
    assert inspect(nx.tensor([1, 2]), limit=None) == "#Nx.Tensor<\n  s32[2]\n  [1, 2]\n>"
    assert inspect(nx.tensor([[1, 2], [3, 4]]), limit=3) == \
        "#Nx.Tensor<\n  s32[2][2]\n  [\n    [1, 2],\n    [3, ...]\n  ]\n>"
    assert inspect(nx.tensor([[1, 2], [3, 4], [5, 6]]), limit=3) == \
        "#Nx.Tensor<\n  s32[3][2]\n  [\n    [1, 2],\n    [3, ...],\n    ...\n  ]\n>"
    assert inspect(nx.tensor([[1, 2], [3, 4], [5, 6]]), limit=2) == \
        "#Nx.Tensor<\n  s32[3][2]\n  [\n    [1, 2],\n    ...\n  ]\n>"


def test_the_default_limit_is_50_elements():
    text = repr(nx.iota((51,)))
    assert text.endswith("48, 49, ...]\n>")
    assert "..." not in repr(nx.iota((50,)))
    assert repr(nx.iota((5, 10))).count("...") == 0
    rows = repr(nx.iota((3, 20))).split("\n")
    assert rows[5] == "    [40, 41, 42, 43, 44, 45, 46, 47, 48, 49, ...]"


def test_printing_reads_only_the_printed_elements():
    class Counting(nx.ReferenceBackend):
        priority = 2
        asked = []

        def to_binary(self, tensor, limit=None):
            self.asked.append(limit)
            return super().to_binary(tensor, limit)

    t = nx.iota((1000,), backend=Counting())
    repr(t)
    assert Counting.asked == [50]


def test_every_type_prints_one():
    for type_ in types.ALL_TYPES:
        text = repr(nx.tensor([1, 1], type=type_))
        one = "1.0+0.0i" if type_.is_complex else "1.0" if type_.is_floating else "1"
        assert text == f"#Nx.Tensor<\n  {type_}[2]\n  [{one}, {one}]\n>"


def test_bad_limit():
    with pytest.raises(ValueError, match="limit"):
        inspect(nx.tensor(1), limit=-1)
