"""``nx.to_batched``: a tensor cut into batches along its first axis.

Nx returns a lazy Stream; ours is :class:`Batches`, a lazy, re-iterable
sequence with a length. A backend may provide the batches itself with a method
``to_batched(out, tensor, leftover=...)`` returning an iterable (Nx's
``to_batched`` callback); otherwise each batch is a ``slice_along_axis`` of the
tensor, and the last, incomplete one (with ``leftover="repeat"``) is
completed with the first rows of the tensor, as Nx does.
"""

from __future__ import annotations

from spec.errors import ArgumentError
from spec.registry import TensorSpec

__all__ = ["to_batched", "Batches"]


class Batches:
    """The batches of :func:`to_batched`: computed when iterated, as many as ``len``."""

    def __init__(self, tensor, out, count, leftover):
        self.tensor, self.out, self.count, self.leftover = tensor, out, count, leftover

    def __len__(self):
        return self.count

    def __iter__(self):
        own = getattr(self.tensor.backend, "to_batched", None)
        if own is not None:
            return iter(own(self.out, self.tensor, leftover=self.leftover))
        return (self._batch(i) for i in range(self.count))

    def _batch(self, i):
        from nx_ref import api
        size = self.out.shape[0]
        total = self.tensor.shape[0]
        start = i * size
        if start + size <= total:
            return api.slice_along_axis(self.tensor, start, size, axis=0)
        tail = api.slice_along_axis(self.tensor, start, total - start, axis=0)
        head = api.slice_along_axis(self.tensor, 0, start + size - total, axis=0)
        return api.concatenate([tail, head], axis=0)

    def __repr__(self):
        return (f"<nx.to_batched: {self.count} batches of {self.out.type}{list(self.out.shape)} "
                f"(leftover={self.leftover!r})>")


def to_batched(tensor, batch_size, *, leftover="repeat"):
    """The tensor cut along its first axis into batches of ``batch_size`` rows,
    as a lazy sequence (:class:`Batches`: iterate it, or ``list(...)``). When the
    axis does not divide evenly, ``leftover="repeat"`` (the default) completes
    the last batch with the first rows again, and ``"discard"`` drops it.

    >>> import nx_ref as nx
    >>> first, second, third = nx.to_batched(nx.iota((5, 2), names=["x", "y"]), 2)
    >>> third
    #Nx.Tensor<
      s32[x: 2][y: 2]
      [
        [8, 9],
        [0, 1]
      ]
    >
    >>> first, second = nx.to_batched(nx.iota((5, 2), names=["x", "y"]), 2, leftover="discard")
    >>> second
    #Nx.Tensor<
      s32[x: 2][y: 2]
      [
        [4, 5],
        [6, 7]
      ]
    >
    >>> [b.to_list() for b in nx.to_batched(nx.tensor([1, 2, 3]), 1)]
    [[1], [2], [3]]
    >>> nx.to_batched(nx.tensor([1, 2, 3]), 4)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.to_batched: cannot batch beyond original tensor (batch_size 4, the first axis has 3 entries)
    """
    from nx_ref.containers import to_tensor
    if batch_size.__class__ is not int or batch_size < 1:
        raise ArgumentError(f"nx.to_batched: batch_size must be a positive integer, got: "
                            f"{batch_size!r:.40}")
    if leftover not in ("repeat", "discard"):
        raise ArgumentError(f"nx.to_batched: leftover must be \"repeat\" or \"discard\", got: "
                            f"{leftover!r:.40}")
    tensor = to_tensor(tensor)
    if not tensor.shape:
        raise ArgumentError(f"nx.to_batched: cannot batch non-vectorized scalar tensor {tensor!r}")
    total = tensor.shape[0]
    if total < batch_size:
        raise ArgumentError(f"nx.to_batched: cannot batch beyond original tensor (batch_size "
                            f"{batch_size}, the first axis has {total} entries)")
    full, rest = divmod(total, batch_size)
    count = full + (1 if rest and leftover == "repeat" else 0)
    out = TensorSpec(tensor.type, (batch_size,) + tensor.shape[1:], tensor.names)
    return Batches(tensor, out, count, leftover)
