"""Split one email into order documents, kept non-orders and ignored furniture.

Standard library only (email.policy.default). Tolerant by design: a damaged mail never
raises out of ``split_message``; what cannot be used is reported with a reason.
"""

from __future__ import annotations

import datetime as dt
import email
import mimetypes
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath, PureWindowsPath

from orderflow.intake.names import clean_name
from orderflow.intake.sniff import Kind, classify, looks_like_edi


@dataclass
class Attachment:
    filename: str
    data: bytes
    content_type: str
    reason: str = ""  # why it is not an order (only for MailSplit.not_orders)
    original_name: str | None = None  # the sender's name when cleaning changed it (NUL, bidi, length)


@dataclass
class MailSplit:
    sender: str | None = None
    subject: str | None = None
    message_id: str | None = None
    date: dt.datetime | None = None
    orders: list[Attachment] = field(default_factory=list)
    not_orders: list[Attachment] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def failure_reason(self) -> str | None:
        """Why the mail as a whole is not an order, or None when it carries at least one."""
        if self.orders:
            return None
        if self.defects:
            extra = "".join(f"; {a.reason}" for a in self.not_orders)
            return "malformed MIME: " + "; ".join(dict.fromkeys(self.defects)) + extra
        if self.not_orders:
            return "no order attachment; " + "; ".join(a.reason for a in self.not_orders)
        extra = f" (ignored: {', '.join(self.ignored)})" if self.ignored else ""
        return "no order attachment and no EDI text in the body" + extra


def _header(msg: Message, name: str) -> str | None:
    try:
        value = msg.get(name)
    except Exception:  # a broken header must not lose the mail
        raw = msg.get_all(name, failobj=[None]) if hasattr(msg, "get_all") else [None]
        value = raw[0]
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _date(msg: Message) -> dt.datetime | None:
    raw = _header(msg, "Date")
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def safe_filename(name: str | None, content_type: str, index: int) -> str:
    """The base name only (no directories from the sender), cleaned (``intake/names.py``: no control,
    NUL or bidi characters, capped length), with a fallback from the type."""
    if name:
        base = clean_name(PureWindowsPath(PurePosixPath(name.strip()).name).name)
        if base and base not in {".", ".."}:
            return base
    ext = mimetypes.guess_extension(content_type) or ".bin"
    return f"attachment-{index}{ext}"


def _defect_names(part: Message) -> list[str]:
    return [d.__class__.__name__ for d in getattr(part, "defects", [])]


def split_message(raw: bytes) -> MailSplit:
    """Parse raw RFC 5322 bytes; never raises."""
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # pragma: no cover - the parser is very tolerant
        return MailSplit(defects=[f"unparseable message ({exc.__class__.__name__})"])
    out = MailSplit(
        sender=_header(msg, "From"),
        subject=_header(msg, "Subject"),
        message_id=_header(msg, "Message-ID"),
        date=_date(msg),
    )
    try:
        parts = list(msg.walk())
    except Exception as exc:
        out.defects.append(f"cannot walk MIME tree ({exc.__class__.__name__})")
        return out
    for index, part in enumerate(parts):
        out.defects.extend(_defect_names(part))
        if part.is_multipart():
            continue
        try:
            _take_part(part, index, out)
        except Exception as exc:  # one bad part must not hide the others
            out.defects.append(f"part {index} ({part.get_content_type()}): {exc.__class__.__name__}")
    return out


def _take_part(part: Message, index: int, out: MailSplit) -> None:
    ctype = part.get_content_type()
    disposition = part.get_content_disposition()
    raw_name = part.get_filename()
    is_body = raw_name is None and disposition != "attachment"
    if part.get_content_maintype() in ("multipart", "message"):
        out.defects.append(f"{ctype} part whose structure cannot be read")
        return
    if ctype.startswith("image/") and (disposition == "inline" or part.get("Content-ID") or raw_name is None):
        out.ignored.append(raw_name or f"inline {ctype}")
        return
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):  # decode=True gives the bytes, or None
        out.defects.append(f"part {index} ({ctype}) has no decodable payload")
        return
    if is_body and ctype.startswith("text/"):
        if ctype == "text/plain" and looks_like_edi(data):
            out.orders.append(Attachment("message-body.edi", data, "application/edi"))
        return  # an ordinary body text: not a document
    name = safe_filename(raw_name, ctype, index)
    original = raw_name if raw_name is not None and raw_name != name else None
    kind, reason = classify(name, data, ctype)
    if kind is Kind.IGNORE:
        out.ignored.append(name)
    elif kind is Kind.ORDER:
        out.orders.append(Attachment(name, data, ctype, original_name=original))
    else:
        out.not_orders.append(Attachment(name, data, ctype, reason, original_name=original))


def build_message(
    sender: str,
    to: str,
    subject: str,
    body: str,
    attachments: list[tuple[str, bytes, str]] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A plain mail with attachments (filename, data, maintype/subtype): for tests and notices."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = message_id or email.utils.make_msgid(domain="orderflow.invalid")
    msg.set_content(body)
    for name, data, ctype in attachments or []:
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=name)
    return msg
