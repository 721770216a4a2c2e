"""orderflow.validators — see design.md."""
