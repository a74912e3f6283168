"""Deliberately wrong backends: each a small subclass of the ReferenceBackend with
ONE planted bug of a different kind, and the cell the suite must flag for it.

:data:`CASES` lists ``(backend class, op, type, check, options)``: the suite run
on that backend, restricted to ``op`` (and the options: types, checks, example
budget), must report a failure in that cell; the ReferenceBackend must pass the
same selection. :data:`WRONG_COMPILERS` does the same for defn compilers.
"""

import math

import nx_ref as nx
from nx_ref.reference import ReferenceBackend
from nx_ref.tensor import Tensor
from nx_ref.reference.shape import clamped_starts
from nx_ref.reference.sorting import _rows
from spec import codec, types
from spec.registry import TensorSpec


def _f32_up(v, ulps):
    """``v`` (an f32 value) moved ``ulps`` ULPs away from zero."""
    if not math.isfinite(v) or v == 0:
        return v
    n = int.from_bytes(bytes(codec.encode(types.normalize("f32"), [v])), "little") + ulps
    return codec.decode(types.normalize("f32"), n.to_bytes(4, "little"))[0]


class LogOffByUlps(ReferenceBackend):
    """1. Accuracy: log in f32 three ULPs off (its tolerance is one)."""

    def log(self, out, x):
        result = super().log(out, x)
        if str(out.type) != "f32":
            return result
        return self.from_values(out, [_f32_up(v, 3) for v in nx.to_flat_list(result)])


class WrongPromotion(ReferenceBackend):
    """2. Promotion: add of u8 and s8 gives s8 instead of s16, for that pair only."""

    def add(self, out, left, right):
        if str(left.type) == "u8" and str(right.type) == "s8":
            out = TensorSpec(types.normalize("s8"), out.shape, out.names)
        return super().add(out, left, right)


class TransposeDropsNames(ReferenceBackend):
    """3. Naming: transpose forgets the axis names."""

    def transpose(self, out, x, **opts):
        return super().transpose(TensorSpec(out.type, out.shape, (None,) * len(out.shape)), x, **opts)


class SaturatingSubtract(ReferenceBackend):
    """4. Integer overflow: u8 subtract saturates at 0 instead of wrapping around."""

    def subtract(self, out, left, right):
        result = super().subtract(out, left, right)
        if str(out.type) != "u8":
            return result
        wide = nx.subtract(nx.as_type(left, "s32"), nx.as_type(right, "s32"))
        return self.from_values(out, [max(0, min(255, v)) for v in nx.to_flat_list(wide)])


class NegateLosesZeroSign(ReferenceBackend):
    """5. Signed zeros: negate of 0.0 gives 0.0 (it must be -0.0), and of -0.0 gives 0.0."""

    def negate(self, out, x):
        result = super().negate(out, x)
        if not out.type.is_float:
            return result
        return self.from_values(out, [0.0 if v == 0 else v for v in nx.to_flat_list(result)])


class SortNanFirst(ReferenceBackend):
    """6. NaN ordering: sort puts NaN first instead of last when ascending, last
    instead of first when descending (NaN sorts above +inf)."""

    def sort(self, out, x, *, axis, direction, stable):
        result = super().sort(out, x, axis=axis, direction=direction, stable=stable)
        if not out.type.is_float:
            return result
        vals = nx.to_flat_list(result)
        for start, stop, step in _rows(x.shape, axis):
            row = vals[start:stop:step]
            nans, rest = [v for v in row if v != v], [v for v in row if v == v]
            vals[start:stop:step] = nans + rest if direction == "asc" else rest + nans
        return self.from_values(out, vals)


class SliceOffByOne(ReferenceBackend):
    """7. Off-by-one: slice reads from one before a non-zero start index."""

    def slice(self, out, x, start_indices, *, lengths, strides):
        starts = clamped_starts(x.shape, start_indices, lengths)
        starts = [s - 1 if s > 0 else s for s in starts]
        return self._gather(out, x, [range(s, s + n, st) for s, n, st in zip(starts, lengths, strides)])


class NamedAxisSum(ReferenceBackend):
    """8. Named axes: sum over some axes of a named tensor names its result after
    the leading input axes instead of the axes that are kept."""

    def sum(self, out, x, *, axes, keep_axes):
        result = super().sum(out, x, axes=axes, keep_axes=keep_axes)
        if axes is None or keep_axes or all(n is None for n in x.names):
            return result
        wrong = TensorSpec(out.type, out.shape, tuple(x.names[:len(out.shape)]))
        return Tensor.from_spec(wrong, result.data, self)


class IndexedAddMissingError(ReferenceBackend):
    """9. Missing error: indexed_add ignores out-of-range indices instead of raising."""

    def indexed_add(self, out, target, indices, updates, *, axes):
        try:
            return super().indexed_add(out, target, indices, updates, axes=axes)
        except ValueError:
            return nx.as_type(target, out.type)


class WrongCos(ReferenceBackend):
    """10. Gradient: cos in f32 has the wrong sign. sin's own values are right,
    but its gradient (``g * cos(x)``, evaluated on this backend) is wrong."""

    def cos(self, out, x):
        result = super().cos(out, x)
        if str(out.type) != "f32":
            return result
        return self.from_values(out, [-v for v in nx.to_flat_list(result)])


class QuotientByZero(ReferenceBackend):
    """11. Integer division by zero: quotient gives 0 (the spec says -1, XLA's all bits set)."""

    def quotient(self, out, left, right):
        result = super().quotient(out, left, right)
        zero = nx.equal(right, 0)
        if not any(nx.to_flat_list(nx.broadcast(zero, out.shape))):
            return result
        return nx.select(zero, nx.tensor(0, type=out.type, backend=self), result)


class CumulativeIgnoresReverse(ReferenceBackend):
    """12. Options: cumulative_sum ignores ``reverse=True``."""

    def cumulative_sum(self, out, x, *, axis, reverse):
        return nx.cumulative_sum(x, axis=axis, reverse=False)


class ArgmaxLastTie(ReferenceBackend):
    """13. Ties: argmax returns the last of equal maxima instead of the first."""

    def argmax(self, out, x, **opts):
        if x.rank != 1 or opts.get("axis") not in (None, 0) or opts.get("tie_break", "low") != "low":
            return super().argmax(out, x, **opts)
        first_from_the_end = super().argmax(out, nx.reverse(x), **opts)
        return self.constant(out, x.size - 1 - nx.to_flat_list(first_from_the_end)[0])


# (backend, op, type, check, run options): the suite must flag (op, type, check).
CASES = [
    (LogOffByUlps, "log", "f32", "values", {}),
    (WrongPromotion, "add", "u8", "types", {"types": ["u8", "s8"]}),
    (TransposeDropsNames, "transpose", "f32", "names", {}),
    (SaturatingSubtract, "subtract", "u8", "values", {}),
    (NegateLosesZeroSign, "negate", "f32", "special", {}),
    (SortNanFirst, "sort", "f32", "values", {"max_examples": 40}),
    # these two bugs show only on some draws (a non-zero, unclamped start; a
    # partial reduction of a named tensor): enough examples that any hypothesis
    # version finds one
    (SliceOffByOne, "slice", "s32", "values", {"max_examples": 200}),
    (NamedAxisSum, "sum", "s32", "names", {"max_examples": 300}),
    (IndexedAddMissingError, "indexed_add", "s32", "errors", {"max_examples": 20}),
    (WrongCos, "sin", "f32", "gradients", {}),
    (QuotientByZero, "quotient", "s32", "special", {}),
    (CumulativeIgnoresReverse, "cumulative_sum", "s32", "values", {}),
    (ArgmaxLastTie, "argmax", "s8", "values", {"max_examples": 30}),
]


# -- defn compilers ---------------------------------------------------------------

class WrongCosCompiler(nx.Evaluator):
    """A compiler whose graph evaluation of cos (f32) has the wrong sign: the
    gradient of sin it computes is wrong."""

    def __init__(self):
        super().__init__(backend=WrongCos())

    def __repr__(self):
        return "WrongCosCompiler()"


class LoopOneShort(nx.Evaluator):
    """A compiler whose while loops stop one iteration early."""

    def compile(self, graph):
        from nx_ref import backend as _backend
        plan = _ShortPlan(graph)

        def run(args, hooks=None):
            backend = _backend.pick_backend([a for a in args if hasattr(a, "backend")])
            return plan.run(backend, list(args), hooks or {})
        return run


def _short_plan():
    from nx_ref.defn.evaluator import _Plan, _truth

    class ShortPlan(_Plan):
        def loop(self, n, values, backend, hooks):
            cond, body = n.opts["condition"], n.opts["body"]
            size = cond.num_inputs
            state, previous = values[:size], None
            cond_caps = values[size:size + len(cond.captures)]
            body_caps = values[size + len(cond.captures):]
            while _truth(self.subplans[id(cond)].run(backend, state + cond_caps, hooks)[0]):
                previous, state = state, self.subplans[id(body)].run(backend, state + body_caps, hooks)
            return tuple(previous if previous is not None else state)
    return ShortPlan


_ShortPlan = _short_plan()

# (compiler, op, type, check): the suite run on the compiler must flag that cell.
WRONG_COMPILERS = [
    (WrongCosCompiler, "sin", "f32", "gradients"),
    (LoopOneShort, "add", "f32", "programs"),       # the "while" program
    (LoopOneShort, "multiply", "f32", "programs"),  # the "hooks" program (a hook in a loop)
]
