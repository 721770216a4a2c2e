"""A stored document's page images and raw bytes."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from orderflow.review import render
from orderflow.review.web import RowId, Web
from orderflow.store import repository as repo
from orderflow.store.models import Document

router = APIRouter()


def content_disposition(filename: str | None, doc_id: int) -> str:
    """``inline`` with an ASCII ``filename`` for old clients and the real name as RFC 5987
    ``filename*`` (UTF-8, percent-encoded): HTTP headers are Latin-1, a file name is not."""
    name = filename or f"document-{doc_id}"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[\x00-\x1f\x7f"\\;]', "", ascii_name).strip() or f"document-{doc_id}"
    if ascii_name == name:
        return f'inline; filename="{ascii_name}"'
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def load_document(s: Session, doc_id: int) -> Document:
    doc = repo.get_document(s, doc_id)
    if doc is None:
        raise HTTPException(404, f"Document {doc_id} does not exist.")
    return doc


@router.get("/documents/{doc_id}/pages/{number}.png")
def page_image(request: Request, web: Web, doc_id: RowId, number: int) -> Response:
    web.current_user(request)
    with web.session_factory() as s:
        doc = load_document(s, doc_id)
        kind = render.document_kind(doc.data, doc.filename, doc.format)
        if kind not in ("pdf", "image"):
            raise HTTPException(404, "This document has no pages.")
        try:
            png = render.page_png(doc.sha256, doc.data, kind, number)
        except (IndexError, ValueError, OSError, RuntimeError) as exc:
            raise HTTPException(404, f"Page {number} cannot be drawn: {exc}") from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{doc_id}/raw")
def raw_document(request: Request, web: Web, doc_id: RowId) -> Response:
    web.current_user(request)
    with web.session_factory() as s:
        doc = load_document(s, doc_id)
        kind = render.document_kind(doc.data, doc.filename, doc.format)
        media = {"pdf": "application/pdf"}.get(kind, "application/octet-stream")
        return Response(doc.data, media_type=media,
                        headers={"Content-Disposition": content_disposition(doc.filename, doc.id)})
