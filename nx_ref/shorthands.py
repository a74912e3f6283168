"""Type short-hands: ``nx.f32`` is the type f32 and, called, builds an f32 tensor.

Each of the 20 types has one (Nx has one per type but ``f8_e4m3fn``; the spec
adds it). A short-hand is a :class:`~spec.types.Type`, so it goes wherever a type
does (``type=nx.u8``, ``nx.as_type(t, nx.bf16)``, ``nx.types.merge(nx.u8, nx.s8)``)
and equals the type's name; called, it is ``nx.tensor(data, type=...)``.

>>> import nx_ref as nx
>>> nx.s8([1, 2])
#Nx.Tensor<
  s8[2]
  [1, 2]
>
>>> nx.f32 == "f32", nx.types.merge(nx.u8, nx.s8), nx.as_type(nx.u8([3]), nx.bf16).type
(True, Type('s16'), Type('bf16'))
"""

from __future__ import annotations

from spec import types

__all__ = [t.name for t in types.ALL_TYPES]


class TypeShorthand(types.Type):
    """A :class:`~spec.types.Type` that builds tensors of itself when called."""

    __slots__ = ()

    def __call__(self, data, *, names=None, backend=None):
        """``nx.tensor(data, type=self, names=names, backend=backend)``.

        >>> import nx_ref as nx
        >>> nx.f16([[1, 2]], names=["x", "y"])
        #Nx.Tensor<
          f16[x: 1][y: 2]
          [
            [1.0, 2.0]
          ]
        >
        """
        from nx_ref.api import tensor
        return tensor(data, type=self, names=names, backend=backend)

    def __repr__(self):
        return f"nx.{self.name}"

    def __reduce__(self):
        return self.name   # pickles as the module attribute: the same object comes back


u2, u4, u8, u16, u32, u64 = (TypeShorthand("u", b) for b in (2, 4, 8, 16, 32, 64))
s2, s4, s8, s16, s32, s64 = (TypeShorthand("s", b) for b in (2, 4, 8, 16, 32, 64))
f8, f16, f32, f64 = (TypeShorthand("f", b) for b in (8, 16, 32, 64))
f8_e4m3fn = TypeShorthand("f8_e4m3fn", 8)
bf16 = TypeShorthand("bf", 16)
c64, c128 = TypeShorthand("c", 64), TypeShorthand("c", 128)
