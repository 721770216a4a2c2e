"""``python -m orderflow``: the console script (``flows.cli_start.main``)."""

from orderflow.flows.cli_start import main

main()
