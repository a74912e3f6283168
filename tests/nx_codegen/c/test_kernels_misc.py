"""The dedicated C kernels of ``stack`` and ``bitcast`` (nx_codegen.c.kernels_misc)
against the reference backend: every stack case and every bitcast into a type of
the same width, compiled into one function per type (one build each), on
hypothesis values; stacks of several types; the types left on the host."""

import functools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
import nx_codegen
from spec import types
from nx_ref import interop
from nx_ref.defn.expr import trace
from nx_codegen import ir
from nx_codegen.c import kernels_index, kernels_misc
from nx_codegen.c.compiler import CTarget, coverage
from nx_codegen.lower import lower
from tests.support import assert_close, scalar_values

TYPES = sorted(kernels_index.REAL)


def _same_width(t):
    """The real types of ``t``'s width that the kernels handle, ``t`` included."""
    bits = types.normalize(t).bits
    return [u for u in TYPES if types.normalize(u).bits == bits]


# (name, shape of each operand, function of the operands)
STACKS = [
    ("axis 0", [(2, 3)] * 3, lambda *xs: nx.stack(list(xs))),
    ("axis 1", [(2, 3)] * 2, lambda *xs: nx.stack(list(xs), axis=1)),
    ("last axis", [(2, 1, 3)] * 3, lambda *xs: nx.stack(list(xs), axis=-1)),
    ("scalars, named", [()] * 4, lambda *xs: nx.stack(list(xs), name="x")),
    ("one operand", [(4,)], lambda *xs: nx.stack(list(xs), axis=1)),
    ("empty operands", [(2, 0)] * 2, lambda *xs: nx.stack(list(xs), axis=1)),
]


def _every_op(t):
    """Every stack case, then every bitcast of the first operand into a type of
    its width, then bitcasts there and back (payloads of NaN kept)."""
    counts = [len(shapes) for _, shapes, _ in STACKS]

    def f(*flat):
        outs, k = [], 0
        for (_, _, fun), n in zip(STACKS, counts):
            outs.append(fun(*flat[k:k + n]))
            k += n
        x = flat[-1]
        outs += [nx.bitcast(x, u) for u in _same_width(t)]
        outs += [nx.bitcast(nx.bitcast(x, u), t) for u in _same_width(t)]
        return tuple(outs)
    return f


def _specs(t):
    return [s for _, shapes, _ in STACKS for s in shapes] + [(3, 5)]


def _tensor(vals, t, shape):
    if not math.prod(shape):
        return nx.broadcast(nx.tensor(0, type=t), shape)
    return nx.reshape(nx.tensor(vals, type=t), shape)


@functools.cache
def _compiled(t):
    return nx.jit(_every_op(t), compiler=nx_codegen.C)


def _bits(tensor):
    return interop.to_numpy(tensor).tobytes()


def _same(want, got, context):
    assert got.spec == want.spec, context
    assert_close(want.type, got.to_flat_list(), want.to_flat_list(), context=context)
    if not want.type.is_integer:        # and the sign of each zero
        assert [math.copysign(1, v) for v in got.to_flat_list() if v == 0] == \
            [math.copysign(1, v) for v in want.to_flat_list() if v == 0], context


@pytest.mark.parametrize("t", TYPES)
def test_every_op_lowers_to_extern_steps_and_no_host_step(t):
    graph = trace(_every_op(t), [nx.template(s, t) for s in _specs(t)])
    program = lower(graph, CTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    assert {s.node.op for s in program.externs()} == set(kernels_misc.OPS)
    assert coverage(graph)[1] == []


@pytest.mark.parametrize("t", TYPES)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_kernels_agree_with_the_reference(t, data):
    """Stacks compare as values; bitcasts byte for byte (NaN payloads included)."""
    inputs = [_tensor(data.draw(st.lists(scalar_values(t), min_size=math.prod(s),
                                         max_size=math.prod(s))), t, s) for s in _specs(t)]
    if not types.normalize(t).is_integer:   # any bit pattern: the bits of an integer
        raw = types.normalize(f"u{types.normalize(t).bits}")
        bits = data.draw(st.lists(scalar_values(raw), min_size=15, max_size=15))
        inputs[-1] = nx.bitcast(_tensor(bits, raw, (3, 5)), t)
    got, want = _compiled(t)(*inputs), _every_op(t)(*inputs)
    n = len(STACKS)
    for (name, _, _), g, w in zip(STACKS, got[:n], want[:n]):
        _same(w, g, f"stack {name} {t}")
    for g, w in zip(got[n:], want[n:]):
        assert g.spec == w.spec and _bits(g) == _bits(w), f"bitcast {t} -> {w.type}"
    assert all(_bits(g) == _bits(inputs[-1]) for g in got[n + len(_same_width(t)):])


MIXED = [("s8", "f16"), ("u64", "f32"), ("s16", "bf16"), ("f8", "f8_e4m3fn"), ("u8", "s32"),
         ("f64", "u32")]


def _every_mixed(*flat):
    return tuple(nx.stack([flat[2 * k], flat[2 * k + 1]], axis=1) for k in range(len(MIXED)))


_MIXED_C = nx.jit(_every_mixed, compiler=nx_codegen.C)


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_stack_converts_operands_into_the_merged_type(data):
    inputs = [_tensor(data.draw(st.lists(scalar_values(t), min_size=3, max_size=3)), t, (3,))
              for pair in MIXED for t in pair]
    assert coverage(trace(_every_mixed, [x.spec for x in inputs]))[1] == []
    for pair, g, w in zip(MIXED, _MIXED_C(*inputs), _every_mixed(*inputs)):
        _same(w, g, f"stack {pair}")


def test_bitcast_keeps_the_bits_of_signed_zeros_and_nan():
    x = nx.tensor([-0.0, 0.0, math.inf, -math.inf, math.nan], type="f32")
    got = nx.jit(lambda x: nx.bitcast(x, "u32"), compiler=nx_codegen.C)(x)
    assert got.to_list() == nx.bitcast(x, "u32").to_list()
    assert got.to_list() == list(np.array([-0.0, 0.0, np.inf, -np.inf, np.nan],
                                          np.float32).view(np.uint32))


def test_complex_and_packed_types_stay_on_the_host():
    cases = [(lambda x: nx.stack([x, x]), "c64"), (lambda x: nx.stack([x, x]), "s4"),
             (lambda x: nx.bitcast(x, "u4"), "s4"), (lambda x: nx.bitcast(x, "s2"), "u2")]
    for fun, t in cases:
        graph = trace(fun, [nx.template((2,), t)])
        assert coverage(graph)[1] == [graph.outputs[0].op], t
