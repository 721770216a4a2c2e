"""Review fixtures: every test runs on SQLite and on a real PostgreSQL 15 (one server per session)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parents[1])  # so `fixtures.postgres` imports without a tests package
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from fixtures.postgres import make_postgres_fixture  # noqa: E402

from orderflow.store.db import make_engine, migrate, session_factory  # noqa: E402

postgres_server = make_postgres_fixture()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def engine(backend, request, tmp_path):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    eng = make_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def Session(engine):  # noqa: N802 - reads like the sessionmaker it is
    return session_factory(engine)


@pytest.fixture
def s(Session):
    with Session() as session:
        yield session
