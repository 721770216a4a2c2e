"""Run ``orderflow ARGS...`` in this process, then write its peak RSS (VmHWM, kB) to $PEAK_FILE.

ru_maxrss from wait4 carries the forking parent's peak over fork + exec (a long pytest run is
hundreds of MB), so the child measures itself. Usage: python peak_cli.py extract FILE --json
"""

import atexit
import os
import runpy
import sys


def _write_peak() -> None:
    with open("/proc/self/status") as fh:
        hwm = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(hwm)


atexit.register(_write_peak)
sys.argv = ["orderflow", *sys.argv[1:]]
runpy.run_module("orderflow.flows.cli", run_name="__main__")
