"""orderflow.review — see design.md."""
