"""Type short-hands: ``nx.f32`` is the type f32 and, called, builds an f32 tensor.

>>> import nx_ref as nx
>>> nx.s8([1, 2])
#Nx.Tensor<
  s8[2]
  [1, 2]
>
>>> nx.f32 == "f32", nx.types.merge(nx.u8, nx.s8)
(True, Type('s16'))
"""

from __future__ import annotations

from spec import types

__all__ = [t.name for t in types.ALL_TYPES]


class TypeShorthand(types.Type):
    """A :class:`~spec.types.Type` that builds tensors of itself when called."""

    __slots__ = ()

    def __call__(self, data, *, names=None, backend=None):
        from nx_ref.api import tensor
        return tensor(data, type=self, names=names, backend=backend)

    def __repr__(self):
        return f"nx.{self.name}"


u2, u4, u8, u16, u32, u64 = (TypeShorthand("u", b) for b in (2, 4, 8, 16, 32, 64))
s2, s4, s8, s16, s32, s64 = (TypeShorthand("s", b) for b in (2, 4, 8, 16, 32, 64))
f8, f16, f32, f64 = (TypeShorthand("f", b) for b in (8, 16, 32, 64))
f8_e4m3fn = TypeShorthand("f8_e4m3fn", 8)
bf16 = TypeShorthand("bf", 16)
c64, c128 = TypeShorthand("c", 64), TypeShorthand("c", 128)
