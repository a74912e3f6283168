"""nx.random (Nx.Random): counter-based pseudo-random numbers with explicit keys.

A key is a ``u32[2]`` tensor. Every function is a composition of ordinary nx ops on
u32 tensors (wrap-around adds, xors, shifts, ``bitcast``), following Nx's threefry2x32
(the same algorithm as JAX), so the same key gives Nx's bits exactly.

>>> key = nx.random.key(12)
>>> uniform, new_key = nx.random.uniform(key)
>>> uniform
#Nx.Tensor<
  f32
  0.7691127
>
"""


from nx_ref.random.keys import fold_in, key, split, threefry2x32_20_concat
from nx_ref.random.distributions import (gumbel, gumbel_split, normal, normal_split, randint,
                                         randint_split, uniform, uniform_split)
from nx_ref.random.sampling import (choice, multivariate_normal, multivariate_normal_split,
                                    shuffle)

__all__ = [
    "key", "split", "fold_in", "threefry2x32_20_concat", "randint", "randint_split",
    "uniform", "uniform_split", "normal", "normal_split", "multivariate_normal",
    "multivariate_normal_split", "shuffle", "choice", "gumbel", "gumbel_split",
]
