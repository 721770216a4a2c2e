"""Learned cross-references written back to Tryton as customer product codes (``sale.product_customer``).

The ERP stays the system of record: a customer part a CSR mapped in review becomes the party's code
for that product (module sale_product_customer), so the next ``erp sync`` reads it back as an ERP
cross-reference. Idempotent: the same (party, code, product) again changes nothing; a code that
pointed at another product is moved (Tryton makes party/product read-only once saved, so the old
record is deleted and a new one created in the same call).
"""

from __future__ import annotations

from typing import Any

from orderflow.erp_push.base import PermanentERPError
from orderflow.erp_push.tryton_conn import translate_errors


def add_cross_reference(adapter: Any, customer_id: str, customer_part: str, sku: str) -> bool:
    """True when Tryton's customer codes changed, False when the mapping was already there."""
    if not (customer_id and customer_part and sku):
        raise PermanentERPError("a cross-reference needs a customer, a customer part and a SKU")
    with translate_errors():
        Party = adapter._model("party.party")
        parties = Party.find([("code", "=", customer_id), ("active", "in", [True, False])], limit=1)
        if not parties:
            raise PermanentERPError(f"customer {customer_id} does not exist in Tryton")
        Product = adapter._model("product.product")
        products = Product.find([("code", "=", sku), ("active", "in", [True, False])], limit=1)
        if not products:
            raise PermanentERPError(f"product {sku} does not exist in Tryton")
        party, product = parties[0], products[0]
        Code = adapter._model("sale.product_customer")
        existing = Code.find([("party", "=", party.id), ("code", "=", customer_part)])
        same = [c for c in existing if (c.product and c.product.id == product.id)
                or (c.product is None and c.template.id == product.template.id)]
        if same:
            return False
        if existing:
            Code.delete(existing)
        code = Code()
        code.party = party
        code.template = product.template
        code.product = product
        code.code = customer_part
        code.save()
        return True
