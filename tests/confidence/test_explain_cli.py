"""`orderflow extract FILE --json --explain`: per order the canonical order, its issues and exactly the
fields routing would send to a person; plain --json stays the array of canonical orders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from confidence_docs import clean_po

from orderflow.flows.demo import INBOX
from orderflow.validators.confidence import ROUTING_EXEMPT

ORDERFLOW = [sys.executable, "-m", "orderflow.flows.cli"]


def run(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ORDERFLOW, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "ORDERFLOW_HOME": str(home), **env})


def test_explain_names_the_line_whose_arithmetic_disagrees(tmp_path: Path) -> None:
    pdf = tmp_path / "po.pdf"
    pdf.write_bytes(clean_po(bad_line=1))
    res = run(["extract", str(pdf), "--json", "--explain"], tmp_path / "home")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert isinstance(out, list) and len(out) == 1
    entry = out[0]
    assert set(entry) == {"order", "issues", "review_fields"}
    assert entry["order"]["po_number"] == "4500012345"
    arithmetic = [i for i in entry["issues"] if i["code"] == "ARITHMETIC"]
    assert [(i["severity"], i["field"]) for i in arithmetic] == [("error", "lines[1].amount")]
    assert {"lines[1].qty", "lines[1].unit_price", "lines[1].amount"} <= set(entry["review_fields"])
    assert not any(f.startswith("lines[0].") for f in entry["review_fields"])
    # every canonical field with a value has a provenance entry with a confidence
    prov = entry["order"]["provenance"]
    for i, line in enumerate(entry["order"]["lines"]):
        for key in ("line_no", "sku", "description", "qty", "uom", "unit_price", "amount"):
            if line.get(key) not in (None, ""):
                assert 0.0 <= prov[f"lines[{i}].{key}"]["confidence"] <= 1.0
    for path in ("po_number", "po_date", "currency", "payment_terms", "declared_total"):
        assert path in prov
    # review_fields is exactly: fields under review_confidence + what the arithmetic findings name
    low = {p for p, v in prov.items() if v["confidence"] < 0.8} - ROUTING_EXEMPT
    assert set(entry["review_fields"]) == low | {"lines[1].qty", "lines[1].unit_price", "lines[1].amount"} | (
        {"declared_total"} if any(i["code"] == "TOTAL_MISMATCH" for i in entry["issues"]) else set())


def test_explain_threshold_is_the_review_confidence_setting(tmp_path: Path) -> None:
    pdf = INBOX / "acme-po-5531.pdf"
    strict = run(["extract", str(pdf), "--json", "--explain"], tmp_path / "h1", ORDERFLOW_REVIEW_CONFIDENCE="1.0")
    default = run(["extract", str(pdf), "--json", "--explain"], tmp_path / "h2")
    assert strict.returncode == default.returncode == 0, strict.stderr + default.stderr
    strict_fields = json.loads(strict.stdout)[0]["review_fields"]
    default_fields = json.loads(default.stdout)[0]["review_fields"]
    assert set(default_fields) < set(strict_fields)
    assert not any(f.startswith("lines[") for f in default_fields)  # a clean PDF's lines all close
    issues = json.loads(strict.stdout)[0]["issues"]
    assert {i["field"] for i in issues if i["code"] == "LOW_CONFIDENCE"} == set(strict_fields)


def test_plain_json_is_still_the_array_of_canonical_orders(tmp_path: Path) -> None:
    res = run(["extract", str(INBOX / "acme-po-5531.pdf"), "--json"], tmp_path / "home")
    assert res.returncode == 0, res.stderr
    orders = json.loads(res.stdout)
    assert isinstance(orders, list) and orders[0]["po_number"] == "5531" and "review_fields" not in orders[0]
    assert all(0.0 <= p["confidence"] <= 1.0 for p in orders[0]["provenance"].values())


def test_edi_keeps_exact_value_confidence(tmp_path: Path) -> None:
    res = run(["extract", str(INBOX / "globex-850-GX-448120.edi"), "--json", "--explain"], tmp_path / "home")
    assert res.returncode == 0, res.stderr
    entry = json.loads(res.stdout)[0]
    assert entry["review_fields"] == []
    assert {p["confidence"] for p in entry["order"]["provenance"].values()} == {1.0}
