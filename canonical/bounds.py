"""The bounds of every amount and quantity, without pydantic (the EDI wire path imports only this).

``Decimal("1E999999999")`` costs nothing to build, but formatting it, quantizing it or turning
it into an int writes a billion digits (2 GB, then MemoryError). So every money and quantity
value that enters from outside is checked here, on its digits and exponent only, before any
arithmetic touches it. ``canonical.bounded`` makes the pydantic type of these checks.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_INTEGER_DIGITS = 15  # values below 10**15: a quadrillion, in any currency or unit
MAX_DECIMAL_PLACES = 24  # significant digits after the point (trailing zeros do not count; a float
#                           printed as text, 219.20000000000002, has 14)
MAX_DIGITS = 40  # digits written, trailing zeros included (refuses "1.000…" 100,000 characters long)
MAX_TEXT_CHARS = 64  # a number's text before it is parsed at all

BOUNDS_TEXT = (
    f"at most {MAX_INTEGER_DIGITS} digits before the decimal point and {MAX_DECIMAL_PLACES} after it"
)
# What the JSON Schema promises for the serialised form ("1250.5", "-3", never an exponent).
JSON_PATTERN = rf"^-?\d{{1,{MAX_INTEGER_DIGITS}}}(\.\d{{1,{MAX_DIGITS - 1}}})?$"


class DecimalBoundsError(ValueError):
    """A number outside the bounds: the message names the value and the bound, for a person."""


def _show(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "…"


def check_bounded(value: Decimal, shown: str | None = None) -> Decimal:
    """``value`` itself when it is inside the bounds, else ``DecimalBoundsError``.

    Reads only the digit tuple and the exponent: no rounding, formatting or int() on a value
    that could be a billion digits long. A zero with an absurd exponent comes back as plain 0.
    """
    if not isinstance(value, Decimal):
        raise DecimalBoundsError(f"{_show(repr(value))} is not a decimal number")
    label = _show(shown if shown is not None else repr(value)[9:-2])
    if not value.is_finite():
        raise DecimalBoundsError(f"{label} is not a finite number")
    _sign, digits, exp = value.as_tuple()
    assert isinstance(exp, int)
    if not any(digits):
        return value if -MAX_DECIMAL_PLACES <= exp <= 0 else Decimal(0)
    if len(digits) > MAX_DIGITS:
        raise DecimalBoundsError(f"{label} has {len(digits):,} digits; amounts and quantities take {BOUNDS_TEXT}")
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise DecimalBoundsError(f"{label} is too large; amounts and quantities take {BOUNDS_TEXT}")
    if exp < 0:
        trailing = 0
        for d in reversed(digits):
            if d:
                break
            trailing += 1
        if -exp - trailing > MAX_DECIMAL_PLACES:
            raise DecimalBoundsError(
                f"{label} has too many decimal places; amounts and quantities take {BOUNDS_TEXT}"
            )
    return value


def parse_bounded_decimal(text: str | int | Decimal) -> Decimal:
    """A number's text (``"12.50"``, ``"-3"``, ``"1.5E3"``) as a bounded Decimal, else ``ValueError``.

    The text length is checked before ``Decimal()`` and the bounds before anything else is done
    with the value; the message is readable as is (it names the value and the bound).
    """
    if isinstance(text, Decimal):
        return check_bounded(text)
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise DecimalBoundsError(f"{_show(repr(text))} is not a number")
    raw = str(text).strip() if isinstance(text, str) else None
    if raw is not None:
        if len(raw) > MAX_TEXT_CHARS:
            raise DecimalBoundsError(
                f"{_show(raw)} is {len(raw):,} characters long; amounts and quantities take {BOUNDS_TEXT}"
            )
        if not raw or "_" in raw:
            raise DecimalBoundsError(f"{raw!r} is not a number")
        try:
            value = Decimal(raw)
        except (InvalidOperation, ValueError):
            raise DecimalBoundsError(f"{_show(raw)!r} is not a number") from None
        return check_bounded(value, raw)
    assert isinstance(text, int)  # what is left: str was handled above, other types refused
    if abs(text) >= 10**MAX_INTEGER_DIGITS:  # an int: compare before Decimal(int) of a huge one
        raise DecimalBoundsError(f"{_show(str(text))} is too large; amounts and quantities take {BOUNDS_TEXT}")
    return Decimal(text)


def bounded_or_none(value: Decimal | None) -> Decimal | None:
    """``value`` when inside the bounds, else None (for forgiving readers that treat it as "not a number")."""
    if value is None:
        return None
    try:
        return check_bounded(value)
    except DecimalBoundsError:
        return None
