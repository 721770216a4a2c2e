import datetime as dt
from decimal import Decimal

import pytest

from orderflow.extractors.values import (
    detect_currency,
    guess_day_first,
    parse_date,
    parse_decimal,
    parse_price_per,
    parse_qty_uom,
)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("1,234.56", "1234.56"), ("1.234,56", "1234.56"), ("1 234,56", "1234.56"), ("8 885", "8885"),
        ("1,53,592.32", "153592.32"), ("$5.05", "5.05"), ("5.05 USD", "5.05"), ("USD 5.05", "5.05"),
        ("(12.00)", "-12.00"), ("219.20000000000002 INR", "219.20000000000002"), ("12.00-", "-12.00"),
        ("1,200", "1200"), ("20,00", "20.00"), ("0.1234", "0.1234"), ("€ 1.561,18", "1561.18"),
    ],
)
def test_parse_decimal(text, want):
    assert parse_decimal(text) == Decimal(want)


@pytest.mark.parametrize("text", ["abc", "", "12-34", "1,2,3.4.5", "PO-28491"])
def test_parse_decimal_rejects(text):
    assert parse_decimal(text) is None


def test_decimal_comma_hint():
    assert parse_decimal("1,234", decimal_comma=True) == Decimal("1.234")
    assert parse_decimal("1.234", decimal_comma=True) == Decimal("1234")


def test_qty_uom_and_price_per():
    assert parse_qty_uom("510/EA") == (Decimal(510), "EA")
    assert parse_qty_uom("12 CS") == (Decimal(12), "CA")
    assert parse_qty_uom("4.61/Ea") == (Decimal("4.61"), "EA")
    assert parse_price_per("7,190.00/1,000") == Decimal("7.19")
    assert parse_price_per("20,00 per 2") == Decimal("10.00")


@pytest.mark.parametrize(
    ("text", "day_first", "want"),
    [
        ("2025-08-05", None, dt.date(2025, 8, 5)), ("05-08-25", True, dt.date(2025, 8, 5)),
        ("05-08-25", False, dt.date(2025, 5, 8)), ("08/Aug/2025", None, dt.date(2025, 8, 8)),
        ("15-Jul-26", None, dt.date(2026, 7, 15)), ("2026年07月01日", None, dt.date(2026, 7, 1)),
        ("April 18, 2026", None, dt.date(2026, 4, 18)), ("18.04.2026", None, dt.date(2026, 4, 18)),
        ("3 mars 2026", None, dt.date(2026, 3, 3)), ("12. Januar 2026", None, dt.date(2026, 1, 12)),
        ("5 de mayo de 2026", None, dt.date(2026, 5, 5)), ("1 oktober 2025", None, dt.date(2025, 10, 1)),
        ("04/19/2026", None, dt.date(2026, 4, 19)),
    ],
)
def test_parse_date(text, day_first, want):
    assert parse_date(text, day_first=day_first) == want


def test_guess_day_first_and_currency():
    assert guess_day_first(["05/06/2026", "13/02/2026"]) is True
    assert guess_day_first(["04/19/2026"]) is False
    assert guess_day_first(["01/02/2026"], country="US") is False
    assert guess_day_first(["01/02/2026"], language="de") is True
    assert guess_day_first(["01/02/2026"]) is None
    assert [detect_currency(t) for t in ["Total $5", "€ 3", "Rs. 40", "Amount (INR)", "£1", "USED", ""]] == [
        "USD", "EUR", "INR", "INR", "GBP", None, None]
