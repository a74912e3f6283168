"""Every op of the specification, one module per family.

Importing this package declares the ops into :mod:`spec.registry`.
"""

from spec.ops import creation, unary, binary, reductions  # noqa: F401
