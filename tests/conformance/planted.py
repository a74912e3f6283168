"""Small subclasses of the ReferenceBackend with one planted bug each, for the
suite's own tests (the catalogue of deliberately wrong backends grows here)."""

import math

import nx_ref as nx
from spec import codec
from nx_ref.reference import ReferenceBackend


def _rebuild(backend, out, values):
    return backend.from_binary(out, bytes(codec.encode(out.type, values)))


class ExpOffByUlps(ReferenceBackend):
    """exp in f32 three ULPs above the correctly rounded result (tolerance: 1)."""

    def exp(self, out, x):
        result = super().exp(out, x)
        if str(out.type) != "f32":
            return result
        vals = [v if not math.isfinite(v) or v == 0 else
                float(codec.decode(out.type, codec.encode(out.type, [v * (1 + 3 * 2.0 ** -23)]))[0])
                for v in nx.to_flat_list(result)]
        return _rebuild(self, out, vals)


class SaturatingAdd(ReferenceBackend):
    """add of s8 saturates instead of wrapping."""

    def add(self, out, left, right):
        if str(out.type) != "s8":
            return super().add(out, left, right)
        wide = super().add(type(out)(nx.types.normalize("s32"), out.shape, out.names),
                           nx.as_type(left, "s32"), nx.as_type(right, "s32"))
        return _rebuild(self, out, [max(-128, min(127, v)) for v in nx.to_flat_list(wide)])


class NoFromBinary(ReferenceBackend):
    """Cannot make tensors at all: the preflight must stop with one message."""

    def from_binary(self, out, data):
        raise RuntimeError("no memory for you")


class OnlyAdd(ReferenceBackend):
    """Declares a manifest: add in s8 and f32 only."""

    conformance_manifest = {"ops": ["add"], "types": ["s8", "f32"]}


class NoExp(ReferenceBackend):
    """Lacks exp: every exp cell must be reported as unsupported."""

    def exp(self, out, x):
        return self.missing_primitive("exp")


class SumDropsNames(ReferenceBackend):
    """sum forgets the names of the axes it keeps."""

    def sum(self, out, x, **opts):
        result = super().sum(out, x, **opts)
        return nx.rename(result, [None] * result.rank)


class GatherMissingIndexError(ReferenceBackend):
    """gather returns zeros instead of rejecting out-of-range indices."""

    def gather(self, out, x, indices, **opts):
        try:
            return super().gather(out, x, indices, **opts)
        except ValueError:
            return self.constant(out, 0)
