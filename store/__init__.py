"""orderflow.store — see design.md."""
