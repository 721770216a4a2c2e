"""Issue 21, the ``table_layout`` hint on real purchase orders: a sender whose line table the template-free
reader cuts wrong (item text above and below the quantity row, one item over several delivery rows,
subtotal rows) is read right on its next document after one saved version — through the real CLI
(``process --sender`` → ``queue fix --from`` → ``extract --sender``), for that sender only; the layout the
other way round (learned from a document without prices) still reads the next one's prices; a value the
hint produced that the CSR corrects retires it."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.real_cli import cli, doc, gold

from orderflow.bench.accuracy import LINE_KEYS, same, score_document
from orderflow.bench.learning_real import gold_version

FIRST, NEXT = "unico_HDM-UB-11-2025-0291", "unico_HDM-UB-12-2025-0227"
SENDER, STRANGER = "orders@unico.example", "orders@other.example"


def run_json(home: Path, *args: str) -> object:
    res = cli(home, *args)
    assert res.returncode in (0, 1), res.stderr
    return json.loads(res.stdout)


def wrong_line_fields(want: dict, got: dict) -> list[str]:
    glines, plines = want["lines"], got["lines"]
    out = [f"count {len(plines)} != {len(glines)}"] if len(plines) != len(glines) else []
    for i, (gl, pl) in enumerate(zip(glines, plines, strict=False)):
        out += [f"lines[{i}].{k}: {pl.get(k)!r} != {gl.get(k)!r}" for k in LINE_KEYS if not same(k, gl.get(k), pl.get(k))]
    return out


def test_a_saved_version_teaches_the_line_table_layout(tmp_path: Path) -> None:
    home = tmp_path / "home"
    want = gold(NEXT)
    before = run_json(home, "extract", str(doc(NEXT)), "--json", "--sender", SENDER)[0]
    assert wrong_line_fields(want, before)  # item text above/below the numbers: the reader cuts records wrong

    [first] = run_json(home, "process", str(doc(FIRST)), "--sender", SENDER, "--json", "--no-push")[0]["orders"]
    version = tmp_path / "final.json"
    version.write_text(json.dumps(gold_version(gold(FIRST))))
    res = cli(home, "queue", "fix", str(first["id"]), "--from", str(version), "--user", "csr1")
    assert res.returncode == 0, res.stderr
    assert "line table" in res.stdout  # the save says what it taught

    hints = run_json(home, "hints", "list", "--json")
    [layout] = [h for h in hints if h["kind"] == "table_layout"]
    assert layout["scope"] == "@unico.example" and layout["created_by"] == "csr1"
    taught = layout["hint"]
    assert taught["skip"] == "subtotal" and set(taught["carry"]) >= {"sku", "description"}
    assert {"qty", "sku", "customer_part", "description", "uom"} <= set(taught["fields"])

    after = run_json(home, "extract", str(doc(NEXT)), "--json", "--sender", SENDER)[0]
    assert wrong_line_fields(want, after) == []  # every line field of the next document right
    assert after["provenance"]["lines[1].sku"]["hint"] == layout["hint_id"]  # carried down from the row above

    # the party blocks: the ship-to name over its address rows, the buyer named only in the letterhead
    regions = {h["hint"]["field"]: h["hint_id"] for h in hints if h["kind"] == "region"}
    assert after["buyer"]["name"] == want["buyer"] and after["provenance"]["buyer.name"]["hint"] == regions["buyer"]
    assert after["ship_to"]["name"] == want["ship_to"]["name"]
    assert after["ship_to"]["address"]["text"] == want["ship_to"]["address"]
    assert after["provenance"]["ship_to.address"]["hint"] == regions["ship_to_address"]

    # no leak: the same file from another sender is read as before
    stranger = run_json(home, "extract", str(doc(NEXT)), "--json", "--sender", STRANGER)[0]
    assert stranger["lines"] == before["lines"]


def test_a_layout_learned_without_prices_keeps_the_next_documents_prices() -> None:
    """Learned from the document without prices (the other way round): subtotal rows are still skipped
    and prices, which the first document never printed, come from the template-free reader."""
    from orderflow.extractors import ExtractContext, extract  # noqa: PLC0415
    from orderflow.review.learn_table import derive_table_layout  # noqa: PLC0415
    from orderflow.review.learning import pdf_words  # noqa: PLC0415

    hint = derive_table_layout(pdf_words(doc(NEXT).read_bytes()), gold_version(gold(NEXT))["lines"])
    assert hint is not None and hint["skip"] == "subtotal" and "unit_price" not in hint["fields"]
    result = extract(doc(FIRST).read_bytes(), ExtractContext(filename=f"{FIRST}.pdf", sender=SENDER,
                                                             hints=[{**hint, "id": "learned-7"}]))
    got = result.orders[0].to_json_dict()
    assert wrong_line_fields(gold(FIRST), got) == []
    assert got["provenance"]["lines[0].qty"]["hint"] == "learned-7"


def test_a_corrected_layout_value_retires_the_hint(tmp_path: Path) -> None:
    """A wrong hint does not stay: the next document's value it produced is corrected once → retired."""
    home = tmp_path / "home"
    [first] = run_json(home, "process", str(doc(FIRST)), "--sender", SENDER, "--json", "--no-push")[0]["orders"]
    version = tmp_path / "final.json"
    version.write_text(json.dumps(gold_version(gold(FIRST))))
    assert cli(home, "queue", "fix", str(first["id"]), "--from", str(version)).returncode == 0
    [nxt] = run_json(home, "process", str(doc(NEXT)), "--sender", SENDER, "--json", "--no-push")[0]["orders"]
    res = cli(home, "queue", "fix", str(nxt["id"]), "lines[0].description", "NON WOVEN FABRIC 15 GSM")
    assert res.returncode == 0, res.stderr
    [layout] = [h for h in run_json(home, "hints", "list", "--all", "--json") if h["kind"] == "table_layout"]
    assert layout["retired"] and "lines[0].description" in layout["retired_reason"]


def test_a_code_column_that_prints_item_text_is_read_as_the_description(tmp_path: Path) -> None:
    """sigma the other way round: the saved version puts a part number ('ITMX016') under 'Código' and the
    quoted item text on the row below. The sender's next document prints an item without a part number,
    its text in the code column ('Consultoría - FR 21924 -' over 'Scrum Master'): the learned code column
    takes codes only, so that text is the description and the part number stays empty — every field of the
    next document right."""
    first, nxt, sender = "sigma_4519750544", "sigma_4518596136", "orders@sigma.example"
    home = tmp_path / "home"
    want = gold(nxt)
    # the template-free reader now reads this one right alone (a name that runs on into an unread column
    # stops at the first word with a digit); the learned code column must keep it right, and reads it

    [row] = run_json(home, "process", str(doc(first)), "--sender", sender, "--json", "--no-push")[0]["orders"]
    version = tmp_path / "final.json"
    version.write_text(json.dumps(gold_version(gold(first))))
    res = cli(home, "queue", "fix", str(row["id"]), "--from", str(version), "--user", "csr1")
    assert res.returncode == 0, res.stderr
    [layout] = [h for h in run_json(home, "hints", "list", "--json") if h["kind"] == "table_layout"]
    assert layout["hint"]["fields"]["customer_part"]["shape"] == "code"
    assert "only codes as the customer's part number" in layout["description"]  # readable in `hints list/show`

    after = run_json(home, "extract", str(doc(nxt)), "--json", "--sender", sender)[0]
    assert score_document(want, after)["perfect"], score_document(want, after)["errors"]
    assert after["lines"][0]["description"] == "Consultoría - FR 21924 - Scrum Master"
    assert after["lines"][0]["customer_part"] is None
    assert after["provenance"]["lines[0].description"]["hint"] == layout["hint_id"]
