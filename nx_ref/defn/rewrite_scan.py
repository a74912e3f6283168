"""Scanning the statements of one scope for :mod:`nx_ref.defn.rewrite`: which
names a block assigns, declares or captures, whether it returns, and which
construct (if any) keeps it from becoming a graph node.

>>> import ast
>>> sorted(assigned(ast.parse("x = 1; y, z = 2, 3").body))
['x', 'y', 'z']
"""

from __future__ import annotations

import ast

__all__ = ["walk", "is_control", "assigned", "declared", "captures", "contains_return",
           "blocker", "is_bare_super", "unwrappable", "range_call", "returns_always"]

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
LOOPS = (ast.For, ast.AsyncFor, ast.While)


def walk(nodes, depth=0):
    """``(node, loop depth)`` for every node under ``nodes`` that belongs to
    the current scope: nested functions, classes and lambdas are yielded but
    not entered (only their decorators and defaults, which run here)."""
    stack = [(node, depth) for node in reversed(nodes)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        if isinstance(node, SCOPES):
            outer = getattr(node, "decorator_list", []) + getattr(node, "bases", [])
            args = getattr(node, "args", None)
            if args is not None:
                outer += args.defaults + [d for d in args.kw_defaults if d is not None]
            children = [(child, depth) for child in outer]
        elif isinstance(node, LOOPS):
            children = [(child, depth + 1 if field == "body" else depth)
                        for field, value in ast.iter_fields(node)
                        for child in (value if isinstance(value, list) else [value])
                        if isinstance(child, ast.AST)]
        else:
            children = [(child, depth) for child in ast.iter_child_nodes(node)]
        stack.extend(reversed(children))


def is_control(node):
    return (isinstance(node, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.Assert))
            or isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
            or isinstance(node, ast.Compare) and len(node.ops) > 1
            or isinstance(node, ast.For) and range_call(node) is not None)


def assigned(nodes):
    """The names the statements bind in the current scope, in order."""
    names, skip = {}, set()
    for node, _ in walk(nodes):
        if isinstance(node, ast.comprehension):
            skip.update(id(n) for n in ast.walk(node.target))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in skip:
            names[node.id] = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = None
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name.split(".")[0], None) for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names[node.name] = None
    return tuple(names)


def declared(nodes):
    """Names declared ``global`` or ``nonlocal`` in the current scope."""
    return {name for node, _ in walk(nodes) if isinstance(node, (ast.Global, ast.Nonlocal))
            for name in node.names}


def captures(nodes):
    """``(scope node, names it reads)`` for each function, lambda or class
    defined directly in the current scope."""
    return [(node, {n.id for n in ast.walk(node) if isinstance(n, ast.Name)})
            for node, _ in walk(nodes) if isinstance(node, SCOPES)]


def contains_return(nodes):
    return any(isinstance(node, ast.Return) for node, _ in walk(nodes))


STATEMENT_WORDS = [(ast.Break, "break"), (ast.Continue, "continue"), (ast.Raise, "raise"),
                    (ast.Try, "try"), (ast.With, "with"), (ast.AsyncWith, "async with"),
                    (ast.Delete, "del"), (ast.Global, "global"), (ast.Nonlocal, "nonlocal"),
                    (ast.Match, "match"), (ast.Yield, "yield"), (ast.YieldFrom, "yield from"),
                    (ast.Await, "await")]
if hasattr(ast, "TryStar"):
    STATEMENT_WORDS.append((ast.TryStar, "try"))


def blocker(nodes, declared, returns_ok):
    """Why these statements cannot move into a branch or loop function (a
    phrase such as "contains `break`"), or None. ``break``/``continue`` count
    only when they leave the block (not inside a loop of it)."""
    for node, depth in walk(nodes):
        for kind, word in STATEMENT_WORDS:
            if isinstance(node, kind) and not (kind in (ast.Break, ast.Continue) and depth > 0):
                return f"contains `{word}`"
        if is_bare_super(node):
            return "calls super() without arguments"
    for name in assigned(nodes):
        if name in declared:
            return f"assigns {name!r}, which is declared global or nonlocal"
    if not returns_ok and contains_return(nodes):
        return "contains a `return` that does not end the function"
    return None


def is_bare_super(node):
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "super" and not node.args)


def unwrappable(expr):
    """An expression that cannot move into a lambda unchanged."""
    return any(isinstance(n, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await))
               or is_bare_super(n) for n in ast.walk(expr))


def range_call(node):
    """The arguments of ``for <name> in range(a[, b[, c]])``, else None."""
    it = node.iter
    if (isinstance(node, ast.For) and isinstance(node.target, ast.Name)
            and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
            and it.func.id == "range" and 1 <= len(it.args) <= 3 and not it.keywords
            and not any(isinstance(a, ast.Starred) for a in it.args)):
        return it.args
    return None


def returns_always(stmts):
    last = stmts[-1] if stmts else None
    return isinstance(last, ast.Return) or (isinstance(last, ast.If) and returns_always(
        last.body) and returns_always(last.orelse))
