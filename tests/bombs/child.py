"""Extract one file under an address-space limit; print the outcome as one JSON line.

Usage: child.py PATH FILENAME MEM_MB. Run by bombs.run_case in its own process.
"""

import json
import logging
import resource
import sys
import time


def _peak_rss_mb() -> float:
    """VmHWM of this process (ru_maxrss would carry the parent's peak over fork + exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    path, filename, mem_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from orderflow.extractors import ExtractContext, extract  # imports before the limit: libraries map memory

    limit = mem_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    started = time.monotonic()
    with open(path, "rb") as fh:
        data = fh.read()
    result = extract(data, ExtractContext(filename=filename, sender="bomb@example.com"))
    seconds = time.monotonic() - started
    peak = _peak_rss_mb()
    print(json.dumps({
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak, 1),
        "orders": len(result.orders),
        "issues": [[str(i.code), i.message] for i in result.issues],
    }))


if __name__ == "__main__":
    main()
