"""orderflow: multi-channel B2B purchase-order intake.

The repository root is the ``orderflow`` package; see ``design.md`` for the rooms.
"""

__version__ = "0.1.0"
