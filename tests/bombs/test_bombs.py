"""Bombs and traps, each extracted in a child process under RLIMIT_AS (2 GiB) and a timeout:
the child survives, finishes in bounded time and memory, and the reason is readable."""

from __future__ import annotations

import bombs
import pytest


@pytest.mark.parametrize("case", bombs.CASES, ids=[c.filename for c in bombs.CASES])
def test_bomb_is_bounded_with_a_clear_reason(case, tmp_path):
    out = bombs.run_case(case, tmp_path)
    assert out.returncode == 0, f"child died ({out.returncode}): {out.stderr_tail}"
    assert out.orders == 0
    assert case.expect.lower() in out.reason.lower(), out.issues
    assert "Traceback" not in out.reason
    assert out.seconds < case.max_seconds
    assert out.peak_rss_mb < case.max_rss_mb


def test_xxe_never_reads_the_file(tmp_path):
    case = next(c for c in bombs.CASES if c.filename == "xxe.xlsx")
    out = bombs.run_case(case, tmp_path)
    assert "root:" not in repr(out.issues) and "/bin/" not in repr(out.issues)


def test_memory_limit_is_real(tmp_path):
    """The harness can fail: a child that needs more than its limit dies instead of passing."""
    case = bombs.Case("control", "big.pdf", bombs.attachment_200mb, "byte limit")
    out = bombs.run_case(case, tmp_path, mem_mb=150)
    assert out.returncode != 0
