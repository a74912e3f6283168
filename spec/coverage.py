"""Which of Nx 0.13's public functions nx-ref has, and why the others are left out.

The data below lists every public function (``@doc false`` ones excluded) of
Nx's main module, by the documentation group Nx puts it in (the functions Nx
generates in loops included: type short-hands, the unary math functions,
floor/ceil/round), and of ``Nx.Constants``, ``Nx.Type``, ``Nx.LinAlg`` and
``Nx.Random``. Each is :data:`IMPLEMENTED` or carries the reason it is left out.
``python -m spec.coverage`` renders it into ``spec/COVERAGE.md``;
``tests/spec/test_coverage.py`` checks both against ``nx_ref`` (every function
marked implemented exists, every Nx name ``nx_ref`` exports is marked
implemented) so the two cannot drift.

Nx names map to Python ones as DESIGN.md says: ``foo?`` is ``is_foo`` and
``foo!`` is ``foo``.

>>> python_name("compatible?"), python_name("load_numpy!"), python_name("add")
('is_compatible', 'load_numpy', 'add')
>>> MODULES[0].name, MODULES[0].namespace
('Nx', 'nx')
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["IMPLEMENTED", "Module", "MODULES", "python_name", "entries", "render", "main"]

IMPLEMENTED = "implemented"

# reasons shared by several functions
DEFN = "issue 5: defn"
VECTORIZATION = "vectorization: later (nx-ref tensors have no vectorized axes yet)"
LINALG = "issue 4: nx.linalg"
TYPE_BINARY = ("not bound: Nx's binary encodings of constants; nx.constants builds the "
               "tensor and nx.to_binary gives its bytes")
SIGIL = "not applicable in Python: an Elixir sigil (write nx.tensor with nested lists)"


@dataclass(frozen=True)
class Module:
    """One Nx module: its name, the ``nx_ref`` namespace that mirrors it (``nx``
    for the top level, ``nx.constants``, ...), and its functions by group, each
    ``(nx_name, status)``."""

    name: str
    namespace: str
    groups: tuple


def _done(*names):
    return tuple((n, IMPLEMENTED) for n in names)


NX = Module("Nx", "nx", (
    ("creation", _done("tensor", "template", "iota", "eye", "tril", "triu", "tri",
                       "take_diagonal", "make_diagonal", "put_diagonal", "from_binary",
                       "linspace") + (
        ("from_pointer", "replaced: nx.from_dlpack (DLPack is Python's zero-copy exchange)"),
        ("to_pointer", "replaced: Tensor.__dlpack__ and __dlpack_device__ (DLPack)"),
        ("sigil_MAT", SIGIL),
        ("sigil_VEC", SIGIL),
    ) + _done("u2", "u4", "u8", "u16", "u32", "u64", "s2", "s4", "s8", "s16", "s32", "s64",
              "f8", "bf16", "f16", "f32", "f64", "c64", "c128")),
    ("conversion", _done("to_template") + (
        ("donatable", DEFN + " (buffer donation is a hint to compilers)"),
        ("donatable?", DEFN + " (buffer donation is a hint to compilers)"),
    ) + _done("to_binary", "to_tensor", "to_flat_list", "to_list", "to_batched", "to_number",
              "to_heatmap", "serialize", "deserialize", "load_numpy!", "load_numpy_archive!")),
    ("backend", (
        ("io_call", DEFN + " (side effects ordered in the graph)"),
        ("runtime_call", DEFN + " (calls back into Python from compiled code)"),
    ) + _done("default_backend", "global_default_backend", "with_default_backend",
              "backend_copy", "backend_transfer") + (
        ("backend_deallocate", "not applicable in Python: memory is garbage-collected, and "
                               "immutable tensors may share it"),
    )),
    ("type", _done("as_type", "bitcast") + (
        ("type", "not bound yet: the attribute t.type (nx.types.infer for numbers)"),
    )),
    ("shape", _done("reshape", "rename", "flatten", "tile", "new_axis", "squeeze", "broadcast",
                    "pad", "pad_outer", "compatible?", "shape", "rank", "axis_size", "axis_index",
                    "size", "flat_size", "byte_size", "bit_size", "axes", "names", "transpose",
                    "reflect")),
    ("indexed", _done("split", "indexed_add", "indexed_put", "slice", "slice_along_axis",
                      "put_slice", "take", "take_along_axis", "gather")),
    ("vectorization", tuple((n, VECTORIZATION) for n in (
        "vectorize", "devectorize", "reshape_vectors", "broadcast_vectors", "revectorize"))),
    ("element", _done("add", "subtract", "multiply", "pow", "remainder", "divide", "quotient",
                      "atan2", "max", "min", "bitwise_and", "bitwise_or", "bitwise_xor",
                      "left_shift", "right_shift", "equal", "logical_and", "logical_or",
                      "logical_xor", "logical_not") + (
        ("block", DEFN + " (a block is a graph node a compiler may replace)"),
    ) + _done("not_equal", "greater", "less", "greater_equal", "less_equal", "select",
              "is_nan", "is_infinity", "negate", "sign", "abs", "conjugate", "phase", "real",
              "imag", "complex", "bitwise_not", "population_count", "count_leading_zeros",
              "clip", "log2", "log10", "log", "fill",
              # generated by Nx in loops: the unary math functions, then rounding
              "exp", "expm1", "log1p", "sigmoid", "cos", "sin", "tan", "cosh", "sinh", "tanh",
              "acos", "asin", "atan", "acosh", "asinh", "atanh", "sqrt", "rsqrt", "cbrt", "erf",
              "erfc", "erf_inv", "ceil", "floor", "round")),
    ("window", _done("window_scatter_max", "window_scatter_min", "window_sum", "window_mean",
                     "window_max", "window_min", "window_product", "window_reduce")),
    ("aggregation", _done("all", "any", "all_close", "sum", "mean", "weighted_mean", "median",
                          "mode", "product", "reduce_max", "reduce_min", "argmax",
                          "argmin", "reduce", "variance", "standard_deviation", "covariance",
                          "logsumexp")),
    ("cumulative", _done("cumulative_sum", "cumulative_product", "cumulative_min",
                         "cumulative_max")),
    ("ndim", _done("diff", "dot", "outer", "reverse", "conv", "concatenate", "stack", "sort",
                   "top_k", "argsort", "fft", "ifft", "fft2", "ifft2", "rfft", "irfft")),
))

CONSTANTS = Module("Nx.Constants", "nx.constants", (
    ("constants", _done("nan", "infinity", "neg_infinity", "max_finite", "max", "min_finite",
                        "min", "i", "smallest_positive_normal", "epsilon", "pi", "e",
                        "euler_gamma")),
))

TYPE = Module("Nx.Type", "nx.types", (
    ("types", _done("infer", "normalize!", "to_floating", "to_complex", "to_real",
                    "to_aggregate", "cast_number!", "merge", "merge_number", "integer?",
                    "float?", "infinite_float?", "complex?", "to_string") + tuple(
        (n, TYPE_BINARY) for n in (
            "min_finite_binary", "min_binary", "max_finite_binary", "max_binary", "nan_binary",
            "infinity_binary", "neg_infinity_binary", "smallest_positive_normal_binary",
            "epsilon_binary", "pi_binary", "e_binary", "euler_gamma_binary"))),
))

LINALG_MODULE = Module("Nx.LinAlg", "nx.linalg", (
    ("linear algebra", tuple(
        (n, IMPLEMENTED if n in ("cholesky", "triangular_solve", "qr", "adjoint", "solve",
                                    "lu", "determinant", "invert", "matrix_power") else LINALG) for n in (
            "adjoint", "cholesky", "norm", "triangular_solve", "solve", "invert", "qr", "pinv",
            "eigh", "svd", "lu", "matrix_power", "determinant", "matrix_rank",
            "least_squares"))),
))

RANDOM_MODULE = Module("Nx.Random", "nx.random", (
    ("random numbers", tuple((n, IMPLEMENTED) for n in (
        "key", "split", "fold_in", "threefry2x32_20_concat", "randint", "randint_split",
        "uniform", "uniform_split", "normal", "normal_split", "multivariate_normal",
        "multivariate_normal_split", "shuffle", "choice", "gumbel", "gumbel_split"))),
))

MODULES = (NX, CONSTANTS, TYPE, LINALG_MODULE, RANDOM_MODULE)


def python_name(nx_name: str) -> str:
    """The Python name of an Nx function: ``foo?`` is ``is_foo``, ``foo!`` is ``foo``."""
    if nx_name.endswith("?"):
        return "is_" + nx_name[:-1]
    if nx_name.endswith("!"):
        return nx_name[:-1]
    return nx_name


def entries(module: Module):
    """``(group, nx_name, status)`` for each function of a module, in Nx's order."""
    return [(group, name, status) for group, items in module.groups for name, status in items]


def render() -> str:
    """The text of ``spec/COVERAGE.md``."""
    lines = ["# Coverage of Nx 0.13", "",
             "Generated by `python -m spec.coverage` from `spec/coverage.py`; do not edit by "
             "hand. `tests/spec/test_coverage.py` checks it against `nx_ref`.", "",
             "Every public function of Nx's main module (grouped as Nx's documentation groups "
             "them) and of Nx.Constants, Nx.Type, Nx.LinAlg and Nx.Random, with its name here "
             "(`foo?` is `is_foo`, `foo!` is `foo`) and its status: implemented, or the reason "
             "it is left out.", "",
             "| Module | Functions | Implemented | Left out |", "|---|---:|---:|---:|"]
    for module in MODULES:
        rows = entries(module)
        done = sum(status == IMPLEMENTED for _, _, status in rows)
        lines.append(f"| {module.name} | {len(rows)} | {done} | {len(rows) - done} |")
    for module in MODULES:
        lines += ["", f"## {module.name} (`{module.namespace}`)"]
        for group, items in module.groups:
            lines += ["", f"### {group}", "", "| Nx | nx-ref | Status |", "|---|---|---|"]
            for name, status in items:
                lines.append(f"| `{module.name}.{name}` | `{module.namespace}.{python_name(name)}` "
                             f"| {status} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    """Write ``spec/COVERAGE.md`` (``--stdout``: print it instead)."""
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--stdout" in argv:
        sys.stdout.write(text)
    else:
        Path(__file__).with_name("COVERAGE.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
