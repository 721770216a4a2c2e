"""orderflow.samples — see design.md."""
