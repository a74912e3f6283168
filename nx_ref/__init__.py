"""nx-ref: Elixir's Nx rebuilt in Python, with an executable specification.

``import nx_ref as nx``; the functions carry Nx's names (see DESIGN.md).

>>> import nx_ref as nx
>>> t = nx.tensor([1.0, 2.0, 3.0], names=["x"])
>>> nx.divide(nx.exp(t), nx.sum(nx.exp(t))).shape
(3,)
"""

from spec import types
from spec.types import Type
from nx_ref.api import *  # noqa: F401,F403
from nx_ref.api import __all__ as _api_all
from nx_ref.backend import (Backend, backend_copy, backend_transfer, default_backend,
                            global_default_backend, with_default_backend)
from nx_ref.reference import ReferenceBackend
from nx_ref.tensor import Tensor
from nx_ref import constants  # noqa: F401
from nx_ref import random  # noqa: F401
from nx_ref import linalg  # noqa: F401
from nx_ref.shorthands import *  # noqa: F401,F403
from nx_ref.shorthands import __all__ as _shorthands_all
from nx_ref.interop import from_numpy, to_numpy
from nx_ref.defn import *  # noqa: F401,F403
from nx_ref.defn import __all__ as _defn_all

__version__ = "0.1.0"

__all__ = list(_api_all) + list(_shorthands_all) + [
    "types", "Type", "Backend", "ReferenceBackend", "Tensor", "default_backend",
    "backend_copy", "backend_transfer", "global_default_backend", "with_default_backend",
    "constants", "linalg", "random", "from_numpy", "to_numpy",
] + list(_defn_all)
