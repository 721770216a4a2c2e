"""EDI plumbing shared by the X12 and EDIFACT extractors: tolerant tokenizers, envelope checks,
trading-partner configuration and a strict lint. Our own code reads; pyx12/pydifact only lint and write."""
