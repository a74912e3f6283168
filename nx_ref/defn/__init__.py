"""Numerical definitions: tracing into the Expr graph, compilers, control flow
and side effects (see :mod:`nx_ref.defn.expr` for the graph).

>>> import nx_ref as nx
>>> nx.jit(lambda x: nx.sum(x * x))(nx.tensor([1, 2, 3])).to_number()
14
"""

from nx_ref.defn.compiler import Compiler, default_compiler
from nx_ref.defn.control import cond, hook, io_call, is_traced, print_expr, print_value, runtime_call, while_loop
from nx_ref.defn.evaluator import Evaluator
from nx_ref.defn.autodiff import custom_grad, grad, stop_grad, value_and_grad
from nx_ref.defn.jit import compile, debug_expr, defn, jit, jit_apply
from nx_ref.defn.tree import container

__all__ = ["Compiler", "default_compiler", "Evaluator", "jit", "defn", "compile", "jit_apply",
           "debug_expr", "cond", "while_loop", "io_call", "hook", "runtime_call", "print_value", "print_expr",
           "is_traced", "container", "grad", "value_and_grad", "stop_grad", "custom_grad"]
