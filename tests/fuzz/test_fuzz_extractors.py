"""Mutated EDI, CSV, XLSX, JSON and PDF through every extractor: no exception escapes, each input ends
as orders or a readable PARSE_ERROR. make test: ~1,500 inputs; ORDERFLOW_STRESS=1: 12,000 more."""

from __future__ import annotations

import os

import mutate
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

STRESS = os.environ.get("ORDERFLOW_STRESS") == "1"
PER_FORMAT = 300
SEEDS = mutate.load_seeds()


@pytest.mark.parametrize("fmt", mutate.FORMATS)
def test_seeds_cover_every_format(fmt):
    assert SEEDS[fmt], f"no seed documents for {fmt}"


@pytest.mark.parametrize("fmt", mutate.FORMATS)
def test_fuzz_format(fmt):
    report = mutate.FuzzReport()

    @settings(max_examples=PER_FORMAT, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(rng=st.randoms(use_true_random=False), pick=st.integers(0, 1000))
    def one(rng, pick):
        name, data = SEEDS[fmt][pick % len(SEEDS[fmt])]
        _, other = SEEDS[mutate.FORMATS[pick % 5]][pick % len(SEEDS[mutate.FORMATS[pick % 5]])]
        before = len(report.crashes)
        mutate.check_one(mutate.mutate(rng, fmt, data, other), name, report, fmt, f"pick={pick}")
        assert len(report.crashes) == before, report.crashes[-1]

    one()
    assert report.inputs >= PER_FORMAT
    assert sum(report.outcomes.values()) == report.inputs
    assert report.crashes == []


def test_unmutated_seeds_give_orders():
    """The oracle can tell success from failure: the seeds themselves end as orders."""
    report = mutate.FuzzReport()
    for fmt, docs in SEEDS.items():
        for name, data in docs:
            if name != "portal-truncated.json":
                mutate.check_one(data, name, report, fmt, name)
    assert report.crashes == [] and report.outcomes == {"orders": report.inputs}


def test_fuzz_plain_loop():
    """The nightly-size run (12,000 inputs) under ORDERFLOW_STRESS=1; 500 in make test."""
    count = 12_000 if STRESS else 500
    report = mutate.run(count, seed=20261117)
    assert report.inputs == count and report.crashes == []
    assert set(report.by_format) == set(mutate.FORMATS)
