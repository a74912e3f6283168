"""The source rewrite of ``@nx.defn`` functions: Python control flow to graph nodes.

Nx's ``defn`` turns Elixir's ``if``, ``cond`` and ``while`` into graph nodes. We
do the same for Python: :func:`transform` reads a function's source, rewrites
its ``if``/``elif``/``else``, ``while``, ``for ... in range(...)``,
``a if c else b``, ``and``, ``or``, ``not``, chained comparisons
(``a < b < c``) and ``assert`` into calls to
:mod:`nx_ref.defn.flow`, and compiles the result with the user's file name and
line numbers. The runtime decides: with Python values everything keeps plain
Python semantics; with a traced tensor the construct becomes ``nx.cond`` or
``nx.while_loop``.

>>> def clip_low(x):
...     if x < 0:
...         x = 0
...     return x
>>> g = transform(clip_low)
>>> g is clip_low, g.__name__, g(-3), g(5)
(False, 'clip_low', 0, 5)

How the statements are rewritten (the *state* of a statement is every variable
its blocks assign; the blocks become nested functions taking and returning it):

* ``if t: A else: B`` -> ``(x, y) = flow.if_stmt(t, then_fn, else_fn, state, ...)``;
  ``elif`` chains nest. An ``if`` whose branches end the function (``if c:
  return a`` / ``else: return b``, or ``if c: ... return a`` followed by the
  rest of the function, which becomes its else branch) becomes
  ``return flow.if_return(...)``.
* ``while t: B`` -> ``flow.while_stmt(test_fn, body_fn, state, ...)``.
* ``for i in range(...): B`` -> ``flow.for_range(range, args, body_fn, state, ...)``;
  other ``for`` loops stay Python loops (unrolled while tracing).
* A construct the graph cannot express (``break``, ``continue``, ``return`` not
  ending the function, ``raise``, ``try``, ``with``, ``del``, ``global``,
  ``nonlocal``, ``match``, a loop ``else:``, a variable declared global or
  nonlocal) stays a Python statement whose test goes through ``flow.truth``,
  which raises a clear error, naming the construct, its line and the reason, if
  the test is traced.
  So does a construct that assigns a variable which a function or lambda
  defined outside it reads (the function would keep seeing the old value).
* Nested functions, lambdas and comprehensions are left as they are (a nested
  ``def`` is not rewritten; decorate it with ``nx.defn`` itself if needed).

What happens to traced values is :mod:`nx_ref.defn.flow`'s part.

Generated names start with ``__nx_`` (and end with ``__`` so that class-private
name mangling leaves them alone); a user name with that start moves them to
``__nx_0_``, ``__nx_1_``, ...
"""

from __future__ import annotations

import ast
import copy
import inspect
import itertools
import textwrap
import types
import weakref

from nx_ref.defn import flow
from nx_ref.defn import rewrite_scan as _scan

__all__ = ["transform", "rewritten_source"]

_CACHE: "weakref.WeakKeyDictionary[types.CodeType, object]" = weakref.WeakKeyDictionary()
_UNCHANGED = object()


def transform(fn):
    """``fn`` with its control flow routed through :mod:`nx_ref.defn.flow`: a new
    function with the same name, defaults, globals and closure cells (so later
    rebinding of a closure variable is seen). ``fn`` itself comes back when it
    has no control flow, no source (a lambda, a builtin, code typed at a
    prompt) or is not a plain function.

    >>> transform(len) is len
    True
    >>> def double(x):
    ...     return x * 2
    >>> transform(double) is double
    True
    """
    if isinstance(fn, types.MethodType):
        new = transform(fn.__func__)
        return fn if new is fn.__func__ else types.MethodType(new, fn.__self__)
    if not isinstance(fn, types.FunctionType) or getattr(fn, "__nx_rewritten__", False):
        return fn
    code = _CACHE.get(fn.__code__)
    if code is None:
        code = _rewritten_code(fn) or _UNCHANGED
        _CACHE[fn.__code__] = code
    if code is _UNCHANGED:
        return fn
    return _rebuild(fn, code)


def _rebuild(fn, code):
    """A function of ``code`` that shares ``fn``'s globals, defaults and cells."""
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    flow_cell = types.CellType(flow)
    closure = tuple(cells[name] if name in cells else flow_cell for name in code.co_freevars)
    new = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__, closure)
    new.__kwdefaults__ = dict(fn.__kwdefaults__) if fn.__kwdefaults__ else None
    new.__qualname__ = fn.__qualname__
    new.__module__ = fn.__module__
    new.__doc__ = fn.__doc__
    new.__annotations__ = fn.__annotations__
    new.__dict__.update(fn.__dict__)
    new.__wrapped__ = fn
    new.__nx_rewritten__ = True
    return new


def rewritten_source(fn):
    """The rewritten source of ``fn`` as text (for reading and debugging), or
    None when :func:`transform` keeps ``fn`` as it is.

    >>> def relu(x):
    ...     if x < 0:
    ...         x = 0
    ...     return x
    >>> print(rewritten_source(relu).splitlines()[-4])
        x, = __nx_flow__.if_stmt(x < 0, __nx_then_1__, __nx_else_1__,
            __nx_flow__.pack(locals(), ('x',)), ('x',),
            ('<doctest nx_ref.defn.rewrite.rewritten_source[0]>', 2))
    """
    if not isinstance(fn, types.FunctionType):
        return None
    rewritten = _rewritten_tree(fn)
    return None if rewritten is None else ast.unparse(rewritten[0])


def _rewritten_tree(fn):
    """``(rewritten def, prefix)`` of ``fn``, or None to keep ``fn``."""
    code = fn.__code__
    if fn.__name__ == "<lambda>" or code.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE
                                                      | inspect.CO_ASYNC_GENERATOR):
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    if not tree.body or not isinstance(tree.body[0], ast.FunctionDef) \
            or tree.body[0].name != code.co_name:
        return None
    fdef = tree.body[0]
    if not any(_scan.is_control(node) for node, _ in _scan.walk(fdef.body)):
        return None
    ast.increment_lineno(tree, code.co_firstlineno - 1)
    prefix = _prefix(tree)
    rewriter = _Rewriter(prefix, code.co_filename, fdef.body)
    fdef.body = rewriter.block(fdef.body, tail=True)
    fdef.decorator_list = []
    return _fix_locations(fdef), prefix


def _rewritten_code(fn):
    """The code object of the rewritten ``fn``, or None to keep ``fn``."""
    rewritten = _rewritten_tree(fn)
    if rewritten is None:
        return None
    fdef, prefix = rewritten
    code = fn.__code__
    module = _factory_module(fdef, fn, prefix)
    compiled = compile(module, code.co_filename, "exec", dont_inherit=True)
    found = _find_code(_find_code(compiled, prefix + "factory__"), code.co_name)
    if hasattr(found, "co_qualname"):
        found = found.replace(co_qualname=code.co_qualname)
    return found


def _factory_module(fdef, fn, prefix):
    """``def factory(<free variables>, <flow>): <fdef>``, inside ``class Owner:``
    for a method, so that private names mangle as in the original."""
    params = list(fn.__code__.co_freevars) + [prefix + "flow__"]
    factory = _function(prefix + "factory__", params, [fdef])
    body = [factory]
    parts = fn.__qualname__.split(".")
    if len(parts) >= 2 and parts[-2] != "<locals>":
        owner = ast.ClassDef(name=parts[-2], bases=[], keywords=[], body=body, decorator_list=[])
        if "type_params" in ast.ClassDef._fields:
            owner.type_params = []
        body = [owner]
    module = ast.Module(body=body, type_ignores=[])
    for node in body:
        ast.copy_location(node, fdef)
    return _fix_locations(module)


def _fix_locations(node, line=1, col=0):
    """Give each generated node the start of its nearest located ancestor, on
    one line (``ast.fix_missing_locations`` would stretch it to the ancestor's
    last line, where tracebacks would then point)."""
    if "lineno" in node._attributes:
        if getattr(node, "lineno", None) is None:
            node.lineno = node.end_lineno = line
            node.col_offset = node.end_col_offset = col
        else:
            line, col = node.lineno, node.col_offset
    for child in ast.iter_child_nodes(node):
        _fix_locations(child, line, col)
    return node


def _find_code(code, name):
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_name == name:
                return const
            inner = _find_code(const, name)
            if inner is not None:
                return inner
    return None


def _prefix(tree):
    """``__nx_`` unless a user name starts with it; then ``__nx_0_``, ..."""
    names = {getattr(n, attr) for n in ast.walk(tree) for attr in ("id", "arg", "name")
             if isinstance(getattr(n, attr, None), str)}
    for prefix in itertools.chain(["__nx_"], (f"__nx_{k}_" for k in itertools.count())):
        if not any(name.startswith(prefix) for name in names):
            return prefix


# --- building the generated code ---------------------------------------------

def _function(name, params, body):
    node = ast.FunctionDef(
        name=name, body=body, decorator_list=[], returns=None, type_comment=None,
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params], vararg=None,
                           kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]))
    if "type_params" in ast.FunctionDef._fields:
        node.type_params = []
    return node


def _names_tuple(names, ctx):
    return ast.Tuple(elts=[ast.Name(id=n, ctx=ctx()) for n in names], ctx=ctx())


def _constant_tuple(values):
    return ast.Tuple(elts=[ast.Constant(value=v) for v in values], ctx=ast.Load())


class _Rewriter:
    """Rewrites the statements of one function body (the current scope)."""

    def __init__(self, prefix, filename, body):
        self.prefix, self.filename = prefix, filename
        self.declared = _scan.declared(body)
        self.captures = _scan.captures(body)
        self.counter = itertools.count(1)
        self.expressions = _Expressions(self)

    def blocker(self, nodes, returns_ok):
        """Why ``nodes`` cannot become a branch or loop function, or None. Besides
        :func:`_scan.blocker`: a variable they assign must not be read by a nested
        function defined outside them, which would see its old value."""
        reason = _scan.blocker(nodes, self.declared, returns_ok)
        if reason is not None:
            return reason
        inside = {id(node) for node, _ in _scan.walk(nodes) if isinstance(node, _scan.SCOPES)}
        assigned = _scan.assigned(nodes)
        for scope, names in self.captures:
            if id(scope) not in inside:
                for name in assigned:
                    if name in names:
                        return (f"assigns {name!r}, which the function defined at line "
                                f"{scope.lineno} reads (it would not see the new value)")
        return None

    # references to the flow module and the helpers of generated code
    def flow(self, attr):
        return ast.Attribute(value=ast.Name(id=self.prefix + "flow__", ctx=ast.Load()),
                             attr=attr, ctx=ast.Load())

    def call(self, attr, *args):
        return ast.Call(func=self.flow(attr), args=list(args), keywords=[])

    def where(self, node):
        return _constant_tuple((self.filename, node.lineno))

    def pack(self, names):
        """``flow.pack(locals(), names)``: the current values, UNBOUND if unset."""
        local_vars = ast.Call(func=ast.Name(id="locals", ctx=ast.Load()), args=[], keywords=[])
        return self.call("pack", local_vars, _constant_tuple(names))

    def unbind(self, names):
        """``if x is flow.UNBOUND: del x`` for each name: an unset variable is
        unset again, so reading it raises UnboundLocalError as in Python."""
        return [ast.If(test=ast.Compare(left=ast.Name(id=n, ctx=ast.Load()), ops=[ast.Is()],
                                        comparators=[self.flow("UNBOUND")]),
                       body=[ast.Delete(targets=[ast.Name(id=n, ctx=ast.Del())])], orelse=[])
                for n in names]

    def state_function(self, kind, number, params, body, returns=None, bound=()):
        """``def __nx_<kind>_<n>__(*params)``: unsets its UNBOUND parameters
        (except ``bound``), runs ``body``, returns the state of ``returns``."""
        # an empty block hands its state back as it came, UNBOUND included
        prologue = self.unbind([p for p in params if p not in bound]) if body else []
        tail = [ast.Return(value=self.pack(returns))] if returns is not None else []
        return _function(f"{self.prefix}{kind}_{number}__", params, prologue + body + tail)

    def fn_name(self, kind, number):
        return ast.Name(id=f"{self.prefix}{kind}_{number}__", ctx=ast.Load())

    def assign_state(self, names, value, node):
        """``(a, b) = value`` then unset the names that came back UNBOUND."""
        if not names:
            stmts = [ast.Expr(value=value)]
        else:
            stmts = [ast.Assign(targets=[_names_tuple(names, ast.Store)], value=value)]
            stmts += self.unbind(names)
        return [ast.copy_location(s, node) for s in stmts]

    # blocks and statements
    def block(self, stmts, tail):
        """Rewrite a list of statements. In a ``tail`` block (the body of the
        function, or of a branch function that returns its result) falling off
        the end returns None, so an ``if`` holding a ``return`` can take the
        rest of the block as its continuation."""
        out = []
        for i, node in enumerate(stmts):
            if tail and isinstance(node, ast.If) and _scan.contains_return([node]):
                rest = stmts[i + 1:]
                if self.blocker(node.body + node.orelse + rest, True) is None:
                    out.extend(self.returning_if(node, rest))
                    return out
            out.extend(self.statement(node))
        return out

    def statement(self, node):
        if isinstance(node, ast.If):
            return self.if_(node)
        if isinstance(node, ast.While):
            return self.while_(node)
        if isinstance(node, ast.For) and _scan.range_call(node) is not None:
            return self.for_range(node)
        if isinstance(node, ast.Assert):
            node.test = self.call("truth", self.expressions.visit(node.test),
                                  ast.Constant(value="assert"), self.where(node),
                                  ast.Constant(value=""))
            if node.msg is not None:
                node.msg = self.expressions.visit(node.msg)
            return [node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return [node]
        if isinstance(node, ast.Return) and node.value is not None:
            node.value = self.call("returned", self.expressions.visit(node.value))
            return [node]
        return [self.python_statement(node)]

    def python_statement(self, node, test_wrapper=None):
        """``node`` kept as Python: its blocks and its expressions rewritten."""
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(node, field, None), list):
                setattr(node, field, self.block(getattr(node, field), tail=False))
        for part in getattr(node, "handlers", []) + getattr(node, "cases", []):
            part.body = self.block(part.body, tail=False)
        for field, value in ast.iter_fields(node):
            if field in ("body", "orelse", "finalbody", "handlers", "cases"):
                continue
            if isinstance(value, ast.AST):
                setattr(node, field, self.expressions.visit(value))
            elif isinstance(value, list):
                setattr(node, field, [self.expressions.visit(v) if isinstance(v, ast.AST) else v
                                      for v in value])
        if test_wrapper is not None:
            test_wrapper(node)
        return node

    def refuse(self, node, construct, reason):
        """Keep ``node`` as a Python statement whose test must be a Python value."""
        def wrap(stmt):
            if isinstance(stmt, ast.For):
                stmt.iter.args = [self.call("static", arg, ast.Constant(value=construct),
                                            self.where(stmt), ast.Constant(value=reason))
                                  for arg in stmt.iter.args]
            else:
                stmt.test = self.call("truth", stmt.test, ast.Constant(value=construct),
                                      self.where(stmt), ast.Constant(value=reason))
        return [self.python_statement(node, wrap)]

    # if
    def if_(self, node):
        reason = self.blocker(node.body + node.orelse, False)
        if reason is not None:
            return self.refuse(node, "if", f"its branch {reason}")
        names = _scan.assigned(node.body + node.orelse)
        n = next(self.counter)
        then_fn = self.state_function("then", n, names, self.block(node.body, False), names)
        else_fn = self.state_function("else", n, names, self.block(node.orelse, False), names)
        value = self.call("if_stmt", self.expressions.visit(node.test), self.fn_name("then", n),
                          self.fn_name("else", n), self.pack(names), _constant_tuple(names),
                          self.where(node))
        return [ast.copy_location(then_fn, node), ast.copy_location(else_fn, node),
                *self.assign_state(names, value, node)]

    def returning_if(self, node, rest):
        """An ``if`` in a tail block that holds a ``return``: each branch that
        does not always return continues with ``rest``; both become functions
        returning the result, and the ``if`` becomes ``return flow.if_return(...)``."""
        names = _scan.assigned(node.body + node.orelse + rest)
        branches = []
        for stmts in (node.body, node.orelse):
            if not _scan.returns_always(stmts):
                stmts = stmts + copy.deepcopy(rest)
            body = self.block(stmts, tail=True)
            if not body or not isinstance(body[-1], ast.Return):
                body.append(ast.Return(value=ast.Constant(value=None)))
            branches.append(body)
        n = next(self.counter)
        then_fn = self.state_function("then", n, names, branches[0])
        else_fn = self.state_function("else", n, names, branches[1])
        value = self.call("if_return", self.expressions.visit(node.test), self.fn_name("then", n),
                          self.fn_name("else", n), self.pack(names), self.where(node))
        return [ast.copy_location(then_fn, node), ast.copy_location(else_fn, node),
                ast.copy_location(ast.Return(value=value), node)]

    # loops
    def loop_blocker(self, node, extra):
        if node.orelse:
            return "it has an `else:` block"
        reason = self.blocker(node.body, False)
        if reason is None and extra is not None and any(isinstance(n, ast.NamedExpr)
                                                        for n in ast.walk(extra)):
            return "its test assigns a variable with `:=`"
        return None if reason is None else f"its body {reason}"

    def while_(self, node):
        reason = self.loop_blocker(node, node.test)
        if reason is not None:
            return self.refuse(node, "while", reason)
        names = _scan.assigned(node.body)
        n = next(self.counter)
        test_fn = self.state_function("test", n, names,
                                      [ast.Return(value=self.expressions.visit(node.test))])
        body_fn = self.state_function("body", n, names, self.block(node.body, False), names)
        value = self.call("while_stmt", self.fn_name("test", n), self.fn_name("body", n),
                          self.pack(names), _constant_tuple(names), self.where(node))
        return [ast.copy_location(test_fn, node), ast.copy_location(body_fn, node),
                *self.assign_state(names, value, node)]

    def for_range(self, node):
        reason = self.loop_blocker(node, None)
        if reason is not None:
            return self.refuse(node, "for", reason)
        target = node.target.id
        if target in self.declared:
            return self.refuse(node, "for", f"its variable {target!r} is declared global or "
                                            f"nonlocal")
        names = (target,) + tuple(n for n in _scan.assigned(node.body) if n != target)
        n = next(self.counter)
        body_fn = self.state_function("body", n, names, self.block(node.body, False), names,
                                      bound=(target,))
        args = ast.Tuple(elts=[self.expressions.visit(a) for a in node.iter.args], ctx=ast.Load())
        value = self.call("for_range", ast.Name(id="range", ctx=ast.Load()), args,
                          self.fn_name("body", n), self.pack(names), _constant_tuple(names),
                          self.where(node))
        return [ast.copy_location(body_fn, node), *self.assign_state(names, value, node)]


class _Expressions(ast.NodeTransformer):
    """``a if c else b``, ``and``, ``or`` and ``not`` through flow; lambdas,
    comprehensions and nested scopes are left alone."""

    def __init__(self, rewriter):
        self.rewriter = rewriter

    def leave(self, node):
        return node

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = leave
    visit_GeneratorExp = visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = leave

    @staticmethod
    def thunk(expr):
        args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                             kw_defaults=[], kwarg=None, defaults=[])
        return ast.copy_location(ast.Lambda(args=args, body=expr), expr)

    def visit_IfExp(self, node):
        self.generic_visit(node)
        if _scan.unwrappable(node.body) or _scan.unwrappable(node.orelse):
            return node
        call = self.rewriter.call("if_exp", node.test, self.thunk(node.body),
                                  self.thunk(node.orelse), self.rewriter.where(node))
        return ast.copy_location(call, node)

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        if any(_scan.unwrappable(v) for v in node.values[1:]):
            return node
        name = "and_" if isinstance(node.op, ast.And) else "or_"
        call = self.rewriter.call(name, node.values[0], *map(self.thunk, node.values[1:]))
        return ast.copy_location(call, node)

    def visit_Compare(self, node):
        """``a < b < c`` is ``a < b and b < c`` with ``b`` evaluated once."""
        self.generic_visit(node)
        if len(node.ops) < 2 or any(map(_scan.unwrappable, node.comparators)):
            return node
        links = [ast.Tuple(elts=[ast.Constant(value=type(op).__name__), self.thunk(right)],
                           ctx=ast.Load()) for op, right in zip(node.ops, node.comparators)]
        return ast.copy_location(self.rewriter.call("compare", node.left, *links), node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if not isinstance(node.op, ast.Not):
            return node
        return ast.copy_location(self.rewriter.call("not_", node.operand), node)
