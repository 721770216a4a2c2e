"""How to reach a Tryton database: in-process (trytond config file) or remote (HTTP URL).

Kept apart from the adapter so the CLI and the tests can build and pass it around without
importing trytond. Conventions shared by the set-up, the adapter and the pull live here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

TARGET_STATES = ("draft", "quotation", "confirmed")

# The idempotency key is written on the sale's ``comment`` as one line ``orderflow-key: KEY``;
# ``reference`` carries the customer's PO number. The push looks a sale up by party +
# reference, then checks the key (and by the key alone when there is no PO number).
KEY_PREFIX = "orderflow-key: "

# Canonical UOM code → symbol of the UOM Tryton ships with. Codes not listed here (CA, BX, PK …)
# are created by the demo set-up, named ``CODE:SKU`` (one item's unit, e.g. its case of 12) or
# ``CODE:*`` (a conversion for every item); Tryton limits symbols to 10 characters, names are free.
CANONICAL_TO_TRYTON_UOM: dict[str, str] = {
    "EA": "u",
    "KG": "kg",
    "GR": "g",
    "LB": "lb",
    "OZ": "oz",
    "LT": "l",
    "GA": "gal",
    "MR": "m",
    "FT": "ft",
    "IN": "in",
    "YD": "yd",
    "HR": "h",
    "SM": "m²",
    "SF": "ft²",
}
TRYTON_TO_CANONICAL_UOM = {v: k for k, v in CANONICAL_TO_TRYTON_UOM.items()}

# Price lists carry no dates in Tryton without extra modules: the demo set-up makes one price
# list per customer and validity window, named ``orderflow:CUSTOMER:FROM:TO`` (empty = open).
PRICE_LIST_RE = re.compile(r"^orderflow:(?P<customer>[^:]+):(?P<start>[0-9-]*):(?P<end>[0-9-]*)$")


def key_line(key: str) -> str:
    return f"{KEY_PREFIX}{key}"


def key_from_comment(comment: str | None) -> str | None:
    """The idempotency key written on a sale, or None for sales orderflow did not create."""
    for line in (comment or "").splitlines():
        if line.startswith(KEY_PREFIX):
            return line[len(KEY_PREFIX):].strip()
    return None


@dataclass(frozen=True)
class TrytonConfig:
    """``config_file`` set: in-process through trytond; ``url`` set: remote over XML-RPC."""

    database: str = "orderflow"
    config_file: Path | None = None
    url: str | None = None  # e.g. http://127.0.0.1:8000/ (the database name is appended)
    user: str = "admin"
    password: str | None = None
    target_state: str = "quotation"  # draft | quotation | confirmed
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if (self.config_file is None) == (self.url is None):
            raise ValueError("TrytonConfig needs exactly one of config_file (in-process) or url (remote)")
        if self.target_state not in TARGET_STATES:
            raise ValueError(f"target_state must be one of {TARGET_STATES}, not {self.target_state!r}")

    @property
    def remote(self) -> bool:
        return self.url is not None

    def with_url(self, url: str) -> TrytonConfig:
        """The same database reached over HTTP (e.g. once a trytond server serves it)."""
        return TrytonConfig(database=self.database, url=url, user=self.user, password=self.password,
                            target_state=self.target_state, timeout=self.timeout)


def write_trytond_conf(path: Path, *, db_dir: Path | None = None, database_uri: str | None = None,
                       listen: str | None = None) -> Path:
    """A trytond config file for SQLite (``db_dir``) or another backend (``database_uri``)."""
    lines = ["[database]"]
    if database_uri:
        lines.append(f"uri = {database_uri}")
    else:
        if db_dir is None:
            raise ValueError("db_dir or database_uri is required")
        lines += ["uri = sqlite://", f"path = {db_dir}"]
    if listen:
        lines += ["", "[web]", f"listen = {listen}"]
    lines += ["", "[session]", "authentications = password", ""]
    path.write_text("\n".join(lines))
    return path


def tryton_quantity(qty: Decimal) -> float:
    """The one place a quantity leaves Decimal: Tryton's ``sale.line.quantity`` is a Float field.

    Checked exactly: a quantity that a float cannot carry unchanged is refused, not rounded."""
    value = float(qty)
    if Decimal(repr(value)) != qty:
        raise ValueError(f"quantity {qty} cannot be sent to Tryton without rounding")
    return value
