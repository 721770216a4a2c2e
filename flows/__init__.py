"""orderflow.flows — see design.md."""
