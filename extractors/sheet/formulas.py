"""Values for formula cells a workbook stores without a cached result.

Files written by libraries (openpyxl, some ERP exports) keep ``=E5*F5`` or ``=SUM(G2:G9)`` but
no computed value, so a values-only read sees an empty amount. This evaluates the arithmetic
subset order sheets use (numbers, same-sheet refs, + - * / ^, parentheses, SUM/MIN/MAX/AVERAGE/
ROUND/ABS) in Decimal; anything else stays empty rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils.cell import column_index_from_string, range_boundaries

from orderflow.canonical import bounded_or_none, parse_bounded_decimal

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+)|(?P<fn>[A-Z][A-Z0-9.]*)\s*\(|(?P<op>[-+*/^(),%]))"
)
_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
FUNCS = {"SUM", "MIN", "MAX", "AVERAGE", "ROUND", "ABS", "PRODUCT"}


class Unsupported(Exception):
    """The formula uses something outside the subset."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(text[pos:])
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], get: Callable[[int, int], Decimal | None]):
        self.t = tokens
        self.i = 0
        self.get = get

    def peek(self) -> tuple[str, str] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise Unsupported(f"expected {value}")
        self.i += 1
        return tok

    def expr(self) -> Decimal:
        v = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            v = v + self.term() if tok[1] == "+" else v - self.term()
        return v

    def term(self) -> Decimal:
        v = self.power()
        while (tok := self.peek()) and tok[1] in "*/" and tok[0] == "op":
            self.take()
            rhs = self.power()
            if tok[1] == "*":
                v = v * rhs
            else:
                if rhs == 0:
                    raise Unsupported("division by zero")
                v = v / rhs
        return v

    def power(self) -> Decimal:
        v = self.unary()
        if (tok := self.peek()) and tok == ("op", "^"):
            self.take()
            exp = self.unary()
            if exp != exp.to_integral_value() or abs(exp) > 10:
                raise Unsupported("power")
            v = v ** int(exp)
        return v

    def unary(self) -> Decimal:
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in "+-":
            self.take()
            v = self.unary()
            return -v if tok[1] == "-" else v
        v = self.atom()
        if (t2 := self.peek()) and t2 == ("op", "%"):
            self.take()
            v = v / 100
        return v

    def atom(self) -> Decimal:
        kind, text = self.take()
        if kind == "num":
            return parse_bounded_decimal(text)  # a ValueError for 1E999999999: the formula is not computed
        if kind == "ref":
            col, row = _REF.match(text).groups()  # type: ignore[union-attr]
            v = self.get(int(row) - 1, column_index_from_string(col) - 1)
            return v if v is not None else Decimal(0)
        if kind == "op" and text == "(":
            v = self.expr()
            self.take(")")
            return v
        if kind == "fn":
            return self.call(text.upper())
        raise Unsupported(text)

    def args(self) -> list[list[Decimal]]:
        out: list[list[Decimal]] = []
        if self.peek() == ("op", ")"):
            self.take()
            return out
        while True:
            tok = self.peek()
            if tok and tok[0] == "range":
                self.take()
                c0, r0, c1, r1 = range_boundaries(tok[1].replace("$", ""))
                vals = [self.get(r - 1, c - 1) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
                out.append([v for v in vals if v is not None])
            else:
                out.append([self.expr()])
            tok = self.take()
            if tok[1] == ")":
                return out
            if tok[1] != ",":
                raise Unsupported(tok[1])

    def call(self, name: str) -> Decimal:
        if name not in FUNCS:
            raise Unsupported(name)
        args = self.args()
        flat = [v for a in args for v in a]
        if name == "SUM":
            return sum(flat, Decimal(0))
        if name == "PRODUCT":
            p = Decimal(1)
            for v in flat:
                p *= v
            return p
        if name in ("MIN", "MAX"):
            return (min if name == "MIN" else max)(flat) if flat else Decimal(0)
        if name == "AVERAGE":
            if not flat:
                raise Unsupported("average of nothing")
            return sum(flat, Decimal(0)) / len(flat)
        if name == "ABS":
            return abs(flat[0])
        # ROUND(x, n)
        digits = int(args[1][0]) if len(args) > 1 else 0
        return flat[0].quantize(Decimal(1).scaleb(-digits)) if digits >= 0 else round(flat[0], digits)


def evaluate_missing(formulas: dict[tuple[int, int], str], values: dict[tuple[int, int], Any]) -> dict:
    """(row, col) → Decimal for every formula whose value can be computed; cells in ``values`` win."""
    done: dict[tuple[int, int], Decimal | None] = {}
    busy: set[tuple[int, int]] = set()

    def get(r: int, c: int) -> Decimal | None:
        v = values.get((r, c))
        if v is not None:
            if isinstance(v, bool):
                return None
            if isinstance(v, (int, float, Decimal)):
                try:
                    return bounded_or_none(Decimal(repr(v)) if isinstance(v, float) else Decimal(v))
                except InvalidOperation:
                    return None
            return None
        if (r, c) in formulas:
            return calc((r, c))
        return None

    def calc(key: tuple[int, int]) -> Decimal | None:
        if key in done:
            return done[key]
        if key in busy:
            raise Unsupported("circular reference")
        busy.add(key)
        try:
            parser = _Parser(_tokens(formulas[key].lstrip("=")), get)
            v: Decimal | None = bounded_or_none(parser.expr())
            if parser.peek() is not None:
                v = None
        except (Unsupported, InvalidOperation, ArithmeticError, ValueError, RecursionError):
            v = None
        busy.discard(key)
        done[key] = v
        return v

    out: dict[tuple[int, int], Decimal] = {}
    for key in formulas:
        if values.get(key) is None:
            v = calc(key)
            if v is not None:
                out[key] = v.normalize() if v == v.to_integral_value() else v
    return out


__all__ = ["evaluate_missing"]
