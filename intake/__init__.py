"""orderflow.intake — see design.md."""
