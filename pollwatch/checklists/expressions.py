"""A safe evaluator for the subset of XLSForm (XPath) expressions that forms use in
``relevant`` (skip logic) and ``constraint`` columns.

Nothing is passed to ``eval``: a tokenizer and a Pratt (precedence-climbing) parser build a
small tree of tuples, which :func:`evaluate` walks. The grammar, from lowest to highest
precedence::

    expr        := or
    or          := and ("or" and)*
    and         := equality ("and" equality)*
    equality    := relational (("=" | "!=") relational)*
    relational  := additive (("<" | "<=" | ">" | ">=") additive)*
    additive    := multiplicative (("+" | "-") multiplicative)*
    multiplicative := unary (("*" | "div" | "mod") unary)*
    unary       := "-" unary | primary
    primary     := NUMBER | STRING | "${" NAME "}" | "." | "(" expr ")" | FUNCTION "(" args ")"

Functions: ``selected(${f}, 'x')``, ``count-selected(${f})``, ``string-length(x)``,
``if(cond, a, b)``, ``not(x)``, ``true()``, ``false()``, ``number(x)``, ``string(x)``,
``int(x)``, ``sum(${field_in_repeat})``, ``count(${repeat})``, ``coalesce(a, b)``,
``concat(a, ...)``. Anything else is an :class:`ExpressionError` when the expression is
parsed, i.e. when a form is imported, never while an observer's answers are checked.

Values follow XPath 1.0: an unanswered field is the empty string; ``=`` compares numbers
when either side is a number and strings otherwise; ``<``, ``<=``, ``>``, ``>=`` compare numbers
when both sides read as numbers and strings otherwise (so ``"07:30" < "08:00"`` and ISO dates
order as expected, as in ODK Collect); a comparison with an empty or non-numeric value and a
number is false. ``1 div 0`` is infinity and ``0 div 0`` is NaN (XPath), so a constraint
dividing by an unanswered field fails rather than raising. A select-multiple answer is its
chosen names separated by spaces, as XForms stores it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_LENGTH",
    "Expression",
    "ExpressionError",
    "evaluate",
    "is_true",
    "parse",
    "references",
]

MAX_LENGTH = 2000
"""Longest expression accepted (characters)."""

MAX_DEPTH = 64
"""Deepest nesting of parentheses, function calls and unary minus accepted."""


class ExpressionError(ValueError):
    """An expression that cannot be read (or evaluated), naming the expression and position."""

    def __init__(self, message: str, expression: str = "", position: int | None = None):
        self.reason = message
        self.expression = expression
        self.position = position
        where = f" at position {position}" if position is not None else ""
        shown = expression if len(expression) <= 120 else expression[:117] + "..."
        text = f"{message}{where} in {shown!r}" if expression else message
        super().__init__(text)


# --- tokens ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<field>\$\{\s*(?P<fieldname>[A-Za-z_][A-Za-z0-9_.\-]*)\s*\})
  | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)
  | (?P<dot>\.)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
    """,
    re.VERBOSE,
)

_WORD_OPERATORS = {"and", "or", "div", "mod"}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number, string, field, op, dot, name, end
    text: str
    position: int
    value: Any = None


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            if text.startswith("${", position):
                raise ExpressionError("a ${...} reference is not closed or names no field",
                                      text, position)
            if char in "'\"":
                raise ExpressionError("a string is not closed", text, position)
            raise ExpressionError(f"unexpected character {char!r}", text, position)
        kind = match.lastgroup or ""
        start, position = position, match.end()
        if kind == "space":
            continue
        if match.group("field"):
            tokens.append(_Token("field", match.group(0), start, match.group("fieldname")))
        elif kind == "number":
            tokens.append(_Token("number", match.group(0), start, float(match.group(0))))
        elif kind == "string":
            tokens.append(_Token("string", match.group(0), start, match.group(0)[1:-1]))
        elif kind == "name" and match.group(0) in _WORD_OPERATORS:
            tokens.append(_Token("op", match.group(0), start))
        else:
            tokens.append(_Token(kind, match.group(0), start))
    tokens.append(_Token("end", "", len(text)))
    return tokens


# --- parser ---------------------------------------------------------------------------------
# The tree is made of tuples: ("num", float), ("str", text), ("field", name), ("dot",),
# ("neg", node), ("bin", op, left, right), ("call", name, (args...)).

_BINARY_POWER = {
    "or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5, "*": 6, "div": 6, "mod": 6,
}
_UNARY_POWER = 7

#: function name -> (minimum arguments, maximum arguments or None for any number)
_ARITY: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2), "count-selected": (1, 1), "string-length": (1, 1), "if": (3, 3),
    "not": (1, 1), "true": (0, 0), "false": (0, 0), "number": (1, 1), "string": (1, 1),
    "int": (1, 1), "sum": (1, 1), "count": (1, 1), "coalesce": (2, 2), "concat": (1, None),
}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def fail(self, message: str, token: _Token) -> ExpressionError:
        return ExpressionError(message, self.text, token.position)

    def expect(self, text: str) -> _Token:
        token = self.advance()
        if token.kind != "op" or token.text != text:
            found = f"{token.text!r}" if token.kind != "end" else "the end"
            raise self.fail(f"expected {text!r} but found {found}", token)
        return token

    def parse(self) -> tuple:
        if not self.text.strip():
            raise ExpressionError("the expression is empty", self.text, 0)
        node = self.expression(0)
        token = self.peek()
        if token.kind != "end":
            raise self.fail(f"unexpected {token.text!r}; an operator or the end was expected",
                            token)
        return node

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep", self.peek())

    def expression(self, min_power: int) -> tuple:
        self.nested()
        left = self.prefix()
        while True:
            token = self.peek()
            power = _BINARY_POWER.get(token.text) if token.kind == "op" else None
            if power is None or power <= min_power:
                break
            self.advance()
            right = self.expression(power)  # left-associative: the right side binds tighter
            left = ("bin", token.text, left, right)
        self.depth -= 1
        return left

    def prefix(self) -> tuple:
        token = self.advance()
        if token.kind == "number":
            return ("num", token.value)
        if token.kind == "string":
            return ("str", token.value)
        if token.kind == "field":
            return ("field", token.value)
        if token.kind == "dot":
            return ("dot",)
        if token.kind == "op" and token.text == "-":
            return ("neg", self.expression(_UNARY_POWER - 1))
        if token.kind == "op" and token.text == "(":
            node = self.expression(0)
            self.expect(")")
            return node
        if token.kind == "name":
            return self.call(token)
        if token.kind == "end":
            raise self.fail("the expression ends where a value was expected", token)
        raise self.fail(f"unexpected {token.text!r} where a value was expected", token)

    def call(self, token: _Token) -> tuple:
        name = token.text
        if self.peek().text != "(":
            raise self.fail(f"{name!r} is not a value: write a field as ${{{name}}}, a text "
                            f"in quotes, or call a function with ()", token)
        if name not in _ARITY:
            known = ", ".join(sorted(_ARITY))
            raise self.fail(f"unknown function {name}() (known: {known})", token)
        self.advance()
        args: list[tuple] = []
        if self.peek().text != ")":
            while True:
                args.append(self.expression(0))
                if self.peek().text != ",":
                    break
                self.advance()
        self.expect(")")
        low, high = _ARITY[name]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = f"{low}" if low == high else f"at least {low}" if high is None else f"{low}-{high}"
            raise self.fail(f"{name}() takes {wanted} argument(s), not {len(args)}", token)
        if name in {"selected", "count-selected", "sum", "count"} and args[0][0] not in {"field", "dot"}:
            raise self.fail(f"the first argument of {name}() must be a field, e.g. ${{name}}", token)
        return ("call", name, tuple(args))


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source text, tree and the fields it refers to."""

    text: str
    tree: tuple
    fields: frozenset[str]

    def evaluate(self, values: Mapping[str, Any], current: Any = None) -> Any:
        return evaluate(self, values, current)

    def is_true(self, values: Mapping[str, Any], current: Any = None) -> bool:
        return is_true(evaluate(self, values, current))


def _fields(node: tuple) -> set[str]:
    kind = node[0]
    if kind == "field":
        return {node[1]}
    if kind == "neg":
        return _fields(node[1])
    if kind == "bin":
        return _fields(node[2]) | _fields(node[3])
    if kind == "call":
        found: set[str] = set()
        for arg in node[2]:
            found |= _fields(arg)
        return found
    return set()


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Expression:
    """Parse an expression; raises :class:`ExpressionError` naming the position on failure."""
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters",
                              text, MAX_LENGTH)
    tree = _Parser(text).parse()
    return Expression(text, tree, frozenset(_fields(tree)))


def references(text: str) -> frozenset[str]:
    """The field names ``${...}`` an expression refers to."""
    return parse(text).fields


# --- evaluation -----------------------------------------------------------------------------


def _to_number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return _to_number(value[0]) if value else math.nan
    text = str(value).strip() if value is not None else ""
    if not text:
        return math.nan
    try:
        return float(text) if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text) else math.nan
    except ValueError:  # pragma: no cover - the pattern only lets floats through
        return math.nan


def _to_string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return " ".join(_to_string(item) for item in value)
    return str(value)


def is_true(value: Any) -> bool:
    """XPath ``boolean()``: non-zero numbers, non-empty texts and lists are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, list | tuple):
        return len(value) > 0
    return bool(_to_string(value))


def _reads_as_number(value: Any) -> bool:
    return isinstance(value, int | float) or not math.isnan(_to_number(value))


def _compare(op: str, left: Any, right: Any) -> bool:
    if op in {"=", "!="}:
        if isinstance(left, bool) or isinstance(right, bool):
            same = is_true(left) == is_true(right)
        elif isinstance(left, int | float) or isinstance(right, int | float):
            same = _to_number(left) == _to_number(right)
        else:
            same = _to_string(left) == _to_string(right)
        return same if op == "=" else not same
    numeric = isinstance(left, int | float) or isinstance(right, int | float)
    if numeric or (_reads_as_number(left) and _reads_as_number(right)):
        a: Any = _to_number(left)
        b: Any = _to_number(right)
    else:
        a, b = _to_string(left), _to_string(right)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _arithmetic(op: str, left: Any, right: Any) -> float:
    a, b = _to_number(left), _to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            if a == 0 or math.isnan(a):
                return math.nan
            return math.copysign(math.inf, a) * (math.copysign(1, b))
        return a / b
    # mod: XPath's remainder takes the sign of the dividend (like math.fmod)
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


def _choices(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_to_string(item) for item in value]
    return _to_string(value).split()


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _call(name: str, args: Sequence[tuple], values: Mapping[str, Any], current: Any) -> Any:
    def arg(i: int) -> Any:
        return _eval(args[i], values, current)

    if name == "if":
        return arg(1) if is_true(arg(0)) else arg(2)
    if name == "selected":
        return _to_string(arg(1)).strip() in _choices(arg(0))
    if name == "count-selected":
        return float(len(_choices(arg(0))))
    if name == "string-length":
        return float(len(_to_string(arg(0))))
    if name == "not":
        return not is_true(arg(0))
    if name == "true":
        return True
    if name == "false":
        return False
    if name == "number":
        return _to_number(arg(0))
    if name == "string":
        return _to_string(arg(0))
    if name == "int":
        number = _to_number(arg(0))
        return float(math.trunc(number)) if math.isfinite(number) else number
    if name == "sum":
        return float(sum(_to_number(item) for item in _as_list(arg(0))))
    if name == "count":
        return float(len(_as_list(arg(0))))
    if name == "coalesce":
        first = arg(0)
        return first if _to_string(first) != "" else arg(1)
    if name == "concat":
        return "".join(_to_string(arg(i)) for i in range(len(args)))
    raise ExpressionError(f"unknown function {name}()")  # pragma: no cover - parse refuses


def _eval(node: tuple, values: Mapping[str, Any], current: Any) -> Any:
    kind = node[0]
    if kind == "num" or kind == "str":
        return node[1]
    if kind == "field":
        value = values.get(node[1])
        return "" if value is None else value
    if kind == "dot":
        return "" if current is None else current
    if kind == "neg":
        return -_to_number(_eval(node[1], values, current))
    if kind == "bin":
        op = node[1]
        if op == "or":
            return is_true(_eval(node[2], values, current)) or is_true(_eval(node[3], values, current))
        if op == "and":
            return is_true(_eval(node[2], values, current)) and is_true(_eval(node[3], values, current))
        left, right = _eval(node[2], values, current), _eval(node[3], values, current)
        if op in {"=", "!=", "<", "<=", ">", ">="}:
            return _compare(op, left, right)
        return _arithmetic(op, left, right)
    if kind == "call":
        return _call(node[1], node[2], values, current)
    raise ExpressionError(f"cannot evaluate a {kind!r} node")  # pragma: no cover


def evaluate(expression: Expression | str, values: Mapping[str, Any], current: Any = None) -> Any:
    """The value of ``expression`` given the answers ``values`` (name -> value) and ``.``.

    Answers are plain Python values: numbers, strings, booleans (yes/no answers are best
    passed as ``"yes"``/``"no"``, as XLSForm compares them), lists for select-multiple
    answers (or for a field inside a repeat seen from outside, used by ``sum()``).
    """
    parsed = parse(expression) if isinstance(expression, str) else expression
    try:
        return _eval(parsed.tree, values, current)
    except (ArithmeticError, ValueError, TypeError) as exc:
        if isinstance(exc, ExpressionError):
            raise
        raise ExpressionError(f"cannot evaluate: {exc}", parsed.text)
