"""The defn source rewrite (nx_ref.defn.rewrite) and its runtime (flow, undefined).

Three layers: with Python values a rewritten function returns exactly what the
original returns (or raises the same exception class); traced through
``@nx.defn`` it computes what the original computes on Python numbers; and each
construct the graph cannot express raises an error naming the construct and
its line in this file (found by the ``# L:<name>`` markers below).
"""

import functools
import math
import os
import types

import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from nx_ref.defn import flow, rewrite
from nx_ref.defn.undefined import UNBOUND, Undefined, UndefinedVariableError
from spec.errors import ArgumentError, TypeError_

FILE = os.path.basename(__file__)


def line_of(marker):
    """The line of this file that ends with ``# L:<marker>``."""
    with open(__file__) as f:
        for number, text in enumerate(f, 1):
            if text.rstrip().endswith(f"# L:{marker}"):
                return number
    raise LookupError(marker)


# --- sample functions: every construct, on Python numbers --------------------

def if_else(x, y):
    if x > y:
        big, small = x, y
    else:
        big, small = y, x
    return big - small


def elif_chain(x):
    if x < -2:
        kind = -2
    elif x < 0:
        kind = -1
        extra = x * 2
    elif x == 0:
        kind = 0
    else:
        kind = 1
        if x > 3:
            kind = 2
    return kind, (extra if x < 0 and x >= -2 else None)


def nested_loops(x, n):
    total = 0
    for i in range(n):
        j = 0
        while j < i:
            if (i + j) % 3 == 0:
                total = total + x
            elif j % 2:
                total = total - 1
            j = j + 1
    return total, i if n > 0 else None


def tail_returns(x):
    if x > 1:
        return x * 2
    else:
        if x < -1:
            return -x
        return 0


def early_returns(x, y):
    if x < 0:
        return "negative"
    z = x + y
    if z > 5:
        if y > 2:
            return "both"
        z = z - 5
    elif z == 0:
        w = 1
        return w
    for k in range(3):
        z = z + k
    return z


def assigned_in_one_branch(x):
    if x > 0:  # L:one-branch
        y = x * 10
    return y


def read_before_assignment(x):
    if x > 0:
        x = x + y  # noqa: F821 -- reads y before any assignment: UnboundLocalError
        y = 1  # noqa: F841
    return x


def bool_ops(x, y):
    a = x and y
    b = x or y
    c = not x
    d = (x > 0 and y > 0) or (x < 0 and not y < 0)
    e = x if y > x else y
    f = 0 and 1 / 0        # short circuit: 1 / 0 never runs
    g = x or y or 7
    h = (-2 < x <= y < 5, x < y > 1 / 0 if x >= y else 0, x in [1, 2] not in [False], x is not y)
    return a, b, c, d, e, f, g, h


def ranges(a, b):
    out = []
    for i in range(b):
        out.append(i)
    for i in range(a, b):
        out.append(i * 10)
    for i in range(b, a, -1):
        out.append(-i)
    for k in range(a, b, 2):
        last = k
    return out, i, (last if a < b else None)


def loop_variable_after(n):
    for i in range(n):
        pass
    return i


def loops_with_break(x, n):
    found = None
    for i in range(n):
        if i * x > 6:
            found = i
            break
    count = 0
    while True:
        count = count + 1
        if count > n:
            break
        if count % 2:
            continue
        x = x + 1
    else:
        x = -1
    for j in range(2):
        x = x + j
    else:
        x = x * 2
    return found, count, x


def with_assert(x):
    assert x > -100, "too small"
    return x + 1


def with_walrus(x):
    if (m := x * 2) > 3:
        x = m
    n = 0
    while (n := n + 1) < 3:
        x = x + n
    return x, m, n


def with_comprehensions(x, n):
    squares = [i * i if i % 2 else -i for i in range(n)]
    picked = {i: (x and i) for i in range(n) if not i % 3}
    if n > 3:
        squares = squares[:3]
    return squares, picked, [v for v in squares if v > x or v < -x]


def with_nested_def(x):
    def helper(v):
        if v > 0:
            return v
        return -v
    scale = (lambda v: v * 2 if v else 1)(x)
    return helper(x) * scale if x > -3 else 0


def with_try_and_with(x):
    if x > 0:  # L:try
        try:
            x = 10 // (x - 1)
        except ZeroDivisionError:
            x = -99
    return x


COUNTER = 0


def with_global(x):
    global COUNTER
    if x > 0:  # L:global
        COUNTER = COUNTER + 1
    return COUNTER


def with_del(x):
    y = x
    if x > 0:  # L:del
        del y
        y = 2
    return y


def with_raise(x):
    if x > 5:  # L:raise
        raise ValueError("too big")
    return x


def keyword_only(x, y=3, *, z=2, w):
    if x > y:
        return x * z + w
    return y * z - w


def make_counter():
    count = 0

    def bump(x):
        nonlocal count
        if x > 0:
            count = count + x
        return count
    return bump


def make_closure(k):
    def inner(x):
        if x > k:
            return x - k
        return k - x
    return inner


class Holder:
    def __init__(self):
        self.__secret = 3

    def method(self, x):
        if x > self.__secret:
            self.__secret = x
        return self.__secret


def shadowed_range(n):
    range = lambda k: [k, k + 1]  # noqa: E731 -- not the builtin: a plain loop
    total = 0
    for i in range(n):
        total = total + i
    return total


def stale_closure(x):
    double = lambda: x * 2  # noqa: E731 -- reads x, which the loop assigns
    for i in range(3):
        x = double()
    return x


def helper_in_branch(x):
    if x > 0:
        def scale(v):
            return v * 2
        x = scale(x)
    return x


def while_only(x):
    steps = 0
    while x != 1 and steps < 50:
        x = x // 2 if x % 2 == 0 else 3 * x + 1
        steps = steps + 1
    return steps


SAMPLES_1 = [elif_chain, tail_returns, assigned_in_one_branch, read_before_assignment,
             loop_variable_after, with_assert, with_walrus, with_nested_def,
             with_try_and_with, with_del, with_raise, while_only, shadowed_range, stale_closure,
             helper_in_branch]
SAMPLES_2 = [if_else, nested_loops, early_returns, bool_ops, ranges, loops_with_break,
             with_comprehensions, keyword_only]


def outcome(fn, *args, **kwargs):
    """``("value", result)`` or ``("raises", exception class)``."""
    try:
        return ("value", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 -- the class is what we compare
        return ("raises", type(e))


small = st.integers(-6, 8)


@pytest.mark.parametrize("fn", SAMPLES_1, ids=lambda f: f.__name__)
@given(x=small)
def test_eager_path_equals_the_original_one_argument(fn, x):
    new = rewrite.transform(fn)
    assert new is not fn
    assert outcome(new, x) == outcome(fn, x)


@pytest.mark.parametrize("fn", SAMPLES_2, ids=lambda f: f.__name__)
@given(x=small, y=st.integers(-3, 6))
def test_eager_path_equals_the_original_two_arguments(fn, x, y):
    new = rewrite.transform(fn)
    assert new is not fn
    kwargs = {"w": 1} if fn is keyword_only else {}
    assert outcome(new, x, y, **kwargs) == outcome(fn, x, y, **kwargs)


@given(x=st.floats(-10, 10), y=st.floats(-10, 10))
def test_eager_path_on_floats(x, y):
    for fn in (if_else, bool_ops, early_returns):
        assert outcome(rewrite.transform(fn), x, y) == outcome(fn, x, y)


def test_globals_and_defaults_are_shared():
    global COUNTER
    COUNTER = 0
    new = rewrite.transform(with_global)
    assert [new(1), new(-1), new(2), with_global(3)] == [1, 1, 2, 3]
    kw = rewrite.transform(keyword_only)
    assert kw(5, w=1) == keyword_only(5, w=1) == 11
    assert kw(5, 1, z=3, w=0) == 15
    assert kw.__kwdefaults__ == {"z": 2} and kw.__defaults__ == (3,)


def test_closures_are_read_through_their_cells():
    inner = make_closure(4)
    new = rewrite.transform(inner)
    assert [new(v) for v in (1, 4, 9)] == [inner(v) for v in (1, 4, 9)] == [3, 0, 5]

    k = 1

    def reads_k(x):
        if x > k:
            return 1
        return 0
    new = rewrite.transform(reads_k)
    assert new(2) == 1
    k = 5  # rebinding after the rewrite is seen, as by the original
    assert new(2) == reads_k(2) == 0


def test_nonlocal_variables_stay_shared():
    bump, original = rewrite.transform(make_counter()), make_counter()
    assert [bump(v) for v in (2, -1, 3)] == [original(v) for v in (2, -1, 3)] == [2, 2, 5]


def test_methods_and_private_names():
    h = Holder()
    new = rewrite.transform(h.method)
    assert isinstance(new, types.MethodType) and new.__self__ is h
    assert [new(1), new(7), new(5)] == [3, 7, 7]
    assert rewrite.transform(Holder.method)(Holder(), 10) == 10


def test_functions_without_source_or_control_flow_come_back_unchanged():
    code = compile("def f(x):\n    if x:\n        return 1\n    return 2\n", "<no source>", "exec")
    no_source = types.FunctionType(next(c for c in code.co_consts
                                        if isinstance(c, types.CodeType)), {})
    plain = lambda x: x if x else 0  # noqa: E731

    def straight(x):
        return [v + 1 for v in range(x) if v > 1]
    for fn in (no_source, plain, straight, len, functools.partial(if_else, 1), nx.exp):
        assert rewrite.transform(fn) is fn
    assert rewrite.rewritten_source(straight) is None


def test_the_rewrite_is_cached_and_idempotent():
    first, second = rewrite.transform(if_else), rewrite.transform(if_else)
    assert first is not second and first.__code__ is second.__code__
    assert rewrite.transform(first) is first
    assert first.__wrapped__ is if_else and first.__name__ == "if_else"
    assert first.__qualname__ == if_else.__qualname__


def decorate(fn):
    decorate.calls += 1
    return fn


decorate.calls = 0


@decorate
def decorated(x):
    if x:
        return 1
    return 2


def test_decorators_are_not_applied_again():
    calls = decorate.calls
    new = rewrite.transform(decorated)
    assert (new(0), new(1)) == (2, 1) and decorate.calls == calls


def __nx_flow__(x):  # a user name with the generated prefix
    return x


def clashing(__nx_then_1__):
    if __nx_then_1__ > 0:
        __nx_then_1__ = __nx_flow__(-__nx_then_1__)
    return __nx_then_1__


def test_a_loop_whose_variable_a_closure_reads_stays_a_python_loop():
    source = rewrite.rewritten_source(stale_closure)
    assert "for_range" not in source and "__nx_flow__.static(3, 'for'" in source
    assert "which the function defined at line" in source


def test_generated_names_never_clash_with_user_names():
    source = rewrite.rewritten_source(clashing)
    assert "__nx_0_flow__" in source and "__nx_0_then_1__" in source
    assert rewrite.transform(clashing)(3) == -3
    plain = rewrite.rewritten_source(if_else)
    assert "__nx_flow__.if_stmt" in plain and "__nx_then_1__" in plain


def raises_in_branch(x):
    if x > 0:
        y = 1 / (x - x)  # L:zero-division
        return y
    return x


def test_tracebacks_point_at_the_users_lines():
    new = rewrite.transform(raises_in_branch)
    with pytest.raises(ZeroDivisionError) as info:
        new(1)
    frame = [e for e in info.traceback if e.path == __file__ or str(e.path) == __file__][-1]
    assert frame.lineno + 1 == line_of("zero-division")
    assert new.__code__.co_filename == raises_in_branch.__code__.co_filename


# --- traced through @nx.defn: the same results as the original on numbers ------

def tail_returns_traced(x):
    if x > 1:
        return x * 2
    else:
        if x < -1:
            return -x
        return x * 0


def elif_traced(x):
    if x < -2:
        kind = x * 0 - 2
    elif x < 0:
        kind = x * 0 - 1
    elif x == 0:
        kind = x * 0
    else:
        kind = x * 0 + 1
        if x > 3:
            kind = kind + 1
    return kind


def early_returns_traced(x, y):
    if x < 0:
        return x * 0 - 1
    z = x + y
    if z > 5:
        if y > 2:
            return z * 0 + 100
        z = z - 5
    for k in range(3):
        z = z + k
    return z


def logic_traced(x, y):
    d = (x > 0 and y > 0) or (x < 0 and not y < 0)
    e = x if y > x else y
    f = -1 < x <= y != 2
    return d, e, f


def sum_range(n):
    total = 0
    for i in range(n):
        total = total + i
    return total


def sum_range_from(a, b):
    total = 0
    for i in range(a, b, 2):
        total = total + i * i
    return total


def sum_range_down(a, b):
    total = 0
    for i in range(b, a, -3):
        total = total + i
    return total


def sum_range_step(a, b, step):
    total = 0
    for i in range(a, b, step):
        total = total + i
    return total


def static_range_traced_state(x):
    for i in range(1, 8, 2):
        x = x + i
        tmp = x * 2  # noqa: F841 -- first assigned in a traced loop: not carried
    return x, i


def halvings(x):
    steps = 0
    while x > 1:
        x = x / 2
        steps = steps + 1
    return steps


def midway(x):
    k = 0
    while k < 2 or x > 1:
        x = x / 2
        k = k + 1
    return x, k


def nested_traced(x, n):
    total = x * 0
    for i in range(n):
        j = 0
        while j < i:
            if (i + j) % 3 == 0:
                total = total + x
            else:
                total = total - 1
            j = j + 1
    return total


def python_loops_unroll(x):
    for w in [1, 2, 3]:
        x = x * w
    for a, b in zip([1, 2], [3, 4]):
        x = x + a * b
    return x


TRACED = [
    (if_else, [st.integers(-5, 5), st.integers(-5, 5)]),
    (tail_returns_traced, [st.integers(-4, 4)]),
    (early_returns_traced, [st.integers(-3, 6), st.integers(-2, 5)]),
    (logic_traced, [st.integers(-2, 2), st.integers(-2, 2)]),
    (sum_range, [st.integers(0, 9)]),
    (sum_range_from, [st.integers(-4, 4), st.integers(-4, 8)]),
    (sum_range_down, [st.integers(-4, 4), st.integers(-4, 8)]),
    (sum_range_step, [st.integers(-6, 6), st.integers(-6, 6), st.sampled_from([-3, -1, 1, 2])]),
    (static_range_traced_state, [st.integers(-5, 5)]),
    (halvings, [st.floats(0.25, 3000.0)]),
    (midway, [st.floats(0.1, 100.0)]),
    (nested_traced, [st.integers(-3, 3), st.integers(0, 5)]),
    (python_loops_unroll, [st.integers(-5, 5)]),
    (make_closure(2), [st.integers(-5, 5)]),
    (stale_closure, [st.integers(-5, 5)]),
    (elif_traced, [st.integers(-5, 5)]),
    (helper_in_branch, [st.integers(-5, 5)]),
]


def numbers(value):
    """Python numbers of a result (tensors read back, booleans as 0/1)."""
    if isinstance(value, tuple):
        return tuple(numbers(v) for v in value)
    if isinstance(value, nx.Tensor):
        value = value.to_number()
    return int(value) if isinstance(value, bool) else value


@pytest.mark.parametrize("fn, args", TRACED, ids=[f.__name__ for f, _ in TRACED])
@given(data=st.data())
def test_traced_path_computes_what_the_original_computes(fn, args, data):
    values = [data.draw(a) for a in args]
    expected = numbers(fn(*values))
    got = numbers(nx.defn(fn)(*(nx.tensor(v) for v in values)))
    assert type(got) is type(expected) and len(str(got)) > 0
    if isinstance(expected, tuple):
        assert all(math.isclose(g, e, rel_tol=1e-6) for g, e in zip(got, expected)), (got, expected)
    else:
        assert math.isclose(got, expected, rel_tol=1e-6), (got, expected)


def test_traced_control_flow_builds_cond_and_while_nodes():
    text = nx.debug_expr(nx.defn(nested_traced))(nx.tensor(1), nx.tensor(3))
    assert "while" in str(text) and "cond" in str(text)


def test_after_a_traced_loop_with_traced_bounds_the_variable_is_counter_minus_step():
    def last_index(n):
        acc = n * 0
        for i in range(n):
            acc = acc + 1
        return acc, i
    f = nx.defn(last_index)
    assert numbers(f(nx.tensor(4))) == (4, 3)        # as Python
    assert numbers(f(nx.tensor(0))) == (0, -1)       # Python: UnboundLocalError
    assert numbers(f(nx.tensor(-2))) == (0, -1)


def test_traced_range_arguments_must_be_integer_scalars():
    with pytest.raises(TypeError_, match=r"the for at \S*test_rewrite\.py:\d+: range\(\) arguments "
                                         r"must be integer scalars, got a f32 tensor of shape \(\)"):
        nx.defn(sum_range)(nx.tensor(2.5))


def test_traced_and_or_not_are_logical_ops():
    g = nx.defn(bool_not)
    assert numbers(nx.defn(logic_ops)(nx.tensor(2), nx.tensor(0))) == (0, 1, 0)
    assert numbers(g(nx.tensor(0))) == 1 and numbers(g(nx.tensor(3))) == 0


def logic_ops(x, y):
    if x > 100:  # gives the function control flow
        x = x - 1
    return x and y, x or y, not x


def bool_not(x):
    return not x


# --- variables without a value ---------------------------------------------------

def unused_one_branch(x):
    if x > 0:
        tmp = x * 3
        x = tmp - 1
    return x


def temp_in_loop(x):
    while x < 10:  # L:temp-in-loop
        t = x * 2
        x = t
    return t


def test_a_variable_assigned_in_one_traced_branch_has_no_value_after_the_if():
    assert numbers(nx.defn(unused_one_branch)(nx.tensor(2))) == 5
    with pytest.raises(UndefinedVariableError) as info:
        nx.defn(assigned_in_one_branch)(nx.tensor(2))
    message = str(info.value)
    assert "variable 'y' is assigned only in one branch of the if" in message
    assert f"{FILE}:{line_of('one-branch')}" in message
    assert isinstance(info.value, NameError) and isinstance(info.value, ArgumentError)


def test_a_variable_first_assigned_in_a_traced_loop_has_no_value_after_it():
    with pytest.raises(UndefinedVariableError,
                       match=rf"variable 't' is first assigned inside the traced while loop "
                             rf"at \S*{FILE}:{line_of('temp-in-loop')}"):
        nx.defn(temp_in_loop)(nx.tensor(1))


def test_every_use_of_an_undefined_variable_raises_its_message():
    y = Undefined("y", "is assigned only in one branch of the if", ("f.py", 12))
    uses = [lambda: y + 1, lambda: 1 - y, lambda: -y, lambda: y < 2, lambda: y == 2,
            lambda: bool(y), lambda: len(y), lambda: y[0], lambda: y(), lambda: y.shape,
            lambda: float(y), lambda: list(y), lambda: range(y), lambda: y @ y]
    for use in uses:
        with pytest.raises(UndefinedVariableError, match=r"variable 'y' .* at f\.py:12, so"):
            use()
    with pytest.raises(UndefinedVariableError, match=r"variable 'y' is assigned only in one "
                                                     r"branch of the if at f\.py:12"):
        nx.exp(y)
    assert not hasattr(y, "__array_interface__") and {y: 1}[y] == 1


# --- constructs the graph cannot express: errors at the construct's line ----------

def if_with_break(x):
    for v in [1, 2, 3]:
        if x > v:  # L:if-break
            break
    return x


def while_with_break(x):
    while x < 10:  # L:while-break
        x = x + 1
        if x == 5:
            break
    return x


def for_with_continue(x, n):
    for i in range(n):  # L:for-continue
        if i == 2:
            continue
        x = x + i
    return x


def traced_assert(x):
    assert x > 0  # L:assert
    return x


def return_inside_loop(x):
    for v in [1, 2]:
        if x > v:  # L:return-in-loop
            return x
    return x * 0


def while_else(x):
    while x < 10:  # L:while-else
        x = x + 1
    else:
        x = x * 2
    return x


def walrus_test(x):
    while (y := x * 2) < 10:  # L:walrus
        x = x + 1
    return x + y


def with_in_branch(x):
    if x > 0:  # L:with
        with open(os.devnull):
            x = x + 1
    return x


UNSUPPORTED = [
    (if_with_break, "if-break", "if", "nx.cond", "its branch contains `break`"),
    (while_with_break, "while-break", "while", "nx.while_loop", "its body contains `break`"),
    (for_with_continue, "for-continue", "for", "nx.while_loop", "its body contains `continue`"),
    (return_inside_loop, "return-in-loop", "if", "nx.cond",
     "its branch contains a `return` that does not end the function"),
    (with_try_and_with, "try", "if", "nx.cond", "its branch contains `try`"),
    (with_in_branch, "with", "if", "nx.cond", "its branch contains `with`"),
    (with_del, "del", "if", "nx.cond", "its branch contains `del`"),
    (with_raise, "raise", "if", "nx.cond", "its branch contains `raise`"),
    (with_global, "global", "if", "nx.cond",
     "its branch assigns 'COUNTER', which is declared global or nonlocal"),
    (while_else, "while-else", "while", "nx.while_loop", "it has an `else:` block"),
    (walrus_test, "walrus", "while", "nx.while_loop", "its test assigns a variable with `:=`"),
]


@pytest.mark.parametrize("fn, marker, construct, target, reason", UNSUPPORTED,
                         ids=[m for _, m, *_ in UNSUPPORTED])
def test_unsupported_constructs_name_themselves_their_line_and_why(fn, marker, construct,
                                                                   target, reason):
    args = [nx.tensor(3)] * (fn.__code__.co_argcount)
    with pytest.raises(ArgumentError) as info:
        nx.defn(fn)(*args)
    message = str(info.value)
    assert f"the {construct} at " in message and f"{FILE}:{line_of(marker)} " in message
    assert f"cannot become {target} because {reason}; use " in message


def test_a_traced_assert_names_its_line():
    with pytest.raises(ArgumentError, match=rf"the assert at \S*{FILE}:{line_of('assert')} "
                                            rf"needs a Python value"):
        nx.defn(traced_assert)(nx.tensor(1))
    assert numbers(rewrite.transform(traced_assert)(2)) == 2


# --- carried state of traced loops ---------------------------------------------------

def appends_in_loop(x):
    items = [x]
    while x < 10:  # L:appends
        x = x + 1
        items = items + [x]
    return items


def holds_a_string(x):
    label = "start"
    while x < 10:  # L:string-state
        x = x + 1
        label = "looping"
    return x, label


def changes_type(x):
    acc = 0
    for i in range(x):  # L:changes-type
        acc = acc + 0.5
    return acc


def carries_containers(x):
    state = {"a": x, "b": (x, x * 0.0)}
    while state["a"] < 10:
        state = {"a": state["a"] + 3, "b": (state["b"][0] * 2, state["b"][1] + 1.0)}
    return state["a"], state["b"][0], state["b"][1]


@pytest.mark.parametrize("fn, marker, words", [
    (appends_in_loop, "appends", "variable 'items' changes from a list of 1 to a list of 2"),
    (holds_a_string, "string-state", "variable 'label' cannot be carried through the while"),
    (changes_type, "changes-type", "variable 'acc' changes from a s32 tensor of shape () to "
                                   "a f32 tensor of shape ()"),
])
def test_traced_loop_state_errors_name_the_variable(fn, marker, words):
    with pytest.raises(ArgumentError) as info:
        nx.defn(fn)(nx.tensor(3))
    assert words in str(info.value) and f"{FILE}:{line_of(marker)}," in str(info.value)


def test_containers_are_carried_through_traced_loops():
    assert numbers(nx.defn(carries_containers)(nx.tensor(2))) == carries_containers(2)


# --- flow with stand-ins for the traced world -----------------------------------------

class Traced:
    """A stand-in for a traced tensor: flow must hand it to cond/while_loop."""


def test_flow_hands_traced_tests_to_cond_and_while_loop(monkeypatch):
    calls = []
    monkeypatch.setattr(flow, "is_traced", lambda v: isinstance(v, Traced))
    monkeypatch.setattr(flow, "cond", lambda p, t, f: calls.append("cond") or (t(), f()))
    then_fn = lambda y: (1,)  # noqa: E731
    else_fn = lambda y: (y,)  # noqa: E731
    both = flow.if_stmt(Traced(), then_fn, else_fn, (UNBOUND,), ("y",), ("f.py", 3))
    assert calls == ["cond"] and both[0] == (1,)
    assert isinstance(both[1][0], Undefined) and "f.py:3" in both[1][0].message()
    assert flow.if_stmt(0, then_fn, else_fn, (5,), ("y",), ("f.py", 3)) == (5,)
    with pytest.raises(ArgumentError, match=r"the while at f\.py:7 cannot become "
                                            r"nx\.while_loop because R; use nx\.while_loop"):
        flow.truth(Traced(), "while", ("f.py", 7), "R")
