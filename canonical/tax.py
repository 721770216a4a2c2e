"""A printed total that is the net lines plus one tax rate is a reconciled gross total, not a mismatch.

The canonical order carries no tax lines (the ERP computes tax itself), but many purchase orders print
the gross total: Indian GST (5/12/18/28%), European VAT (19–25%), sales taxes. Σ lines × (1 + rate) ≈
the printed total, within the same tolerance as a plain sum, is the document's arithmetic closing.
"""

from __future__ import annotations

from decimal import Decimal

# standard VAT / GST / sales-tax rates (percent): common enough that a gross total lands on one of them
TAX_RATES = tuple(Decimal(r) for r in (5, 7, 8, 10, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28))


def total_tolerance(total: Decimal, tolerance: Decimal = Decimal("0.01")) -> Decimal:
    """How far a sum may be from a printed total and still close (half a per mille: rounding per line)."""
    return max(tolerance, abs(total) * Decimal("0.0005"))


def tax_rate_between(net: Decimal, total: Decimal, tolerance: Decimal = Decimal("0.01")) -> Decimal | None:
    """The standard tax rate r (percent) with net × (1 + r/100) ≈ total, or None."""
    if net <= 0 or total <= net:
        return None
    tol = total_tolerance(total, tolerance)
    return next((r for r in TAX_RATES if abs(net * (1 + r / 100) - total) <= tol), None)
