"""ERP test fixtures: a real Tryton (SQLite template copied per test, trytond server, PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.postgres import make_postgres_fixture  # noqa: E402
from fixtures.tryton import TrytonTemplate, build_template, demo_reference, start_trytond  # noqa: E402

from orderflow.erp_push.tryton import TrytonAdapter  # noqa: E402
from orderflow.erp_push.tryton_config import TrytonConfig  # noqa: E402


@pytest.fixture(scope="session")
def tryton_template(tmp_path_factory: pytest.TempPathFactory) -> TrytonTemplate:
    """trytond-admin + demo data once per test run (shared by the xdist workers)."""
    return build_template(tmp_path_factory)


@pytest.fixture
def tryton_config(tryton_template: TrytonTemplate):
    cfg = tryton_template.copy()
    yield cfg
    tryton_template.drop(cfg)


@pytest.fixture
def tryton(tryton_config: TrytonConfig) -> TrytonAdapter:
    """The in-process adapter on a fresh copy of the demo database."""
    return TrytonAdapter(tryton_config)


@pytest.fixture
def remote_config(tryton_template: TrytonTemplate, tmp_path: Path):
    """A fresh database copy served by its own trytond process (HTTP on 127.0.0.1)."""
    cfg = tryton_template.copy()
    server = start_trytond(tmp_path / "trytond", [cfg.database], db_dir=tryton_template.db_dir)
    yield cfg.with_url(server.url)
    server.stop()
    (tryton_template.db_dir / f"{cfg.database}.sqlite").unlink(missing_ok=True)


postgres_server = make_postgres_fixture()

_PG_INIT = """
import sys, pathlib
from orderflow.canonical import ReferenceData
from orderflow.erp_push.tryton_setup import init_demo_database
ref = ReferenceData.model_validate_json(pathlib.Path(sys.argv[2]).read_text())
init_demo_database(pathlib.Path(sys.argv[1]), ref, database=sys.argv[3], database_uri=sys.argv[4])
"""


@dataclass
class PgTryton:
    """A demo Tryton database being created on PostgreSQL by a background process."""

    database: str
    uri: str
    work_dir: Path
    proc: subprocess.Popen | None
    log: Path
    ref_file: Path

    def start(self) -> None:
        """``init_demo_database`` in its own process (trytond chooses its backend once per process)."""
        if self.proc is None:
            with open(self.log, "wb") as logf:
                self.proc = subprocess.Popen(
                    [sys.executable, "-c", _PG_INIT, str(self.work_dir / "erp"), str(self.ref_file), self.database,
                     self.uri], stdout=logf, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 600) -> None:
        self.start()
        assert self.proc is not None
        code = self.proc.wait(timeout)
        if code != 0:
            raise RuntimeError(f"init-demo on PostgreSQL failed ({code}): {self.log.read_text()[-3000:]}")


@pytest.fixture(scope="session", autouse=True)
def tryton_on_postgres(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Start creating the PostgreSQL demo database at session start (it takes a minute) so it
    overlaps the other tests; only when the PostgreSQL test is selected. Under pytest-xdist every
    worker collects every test, so there it starts when the test asks (``wait``), on its worker only."""
    if not any(Path(str(item.fspath)).name == "test_tryton_postgres.py" for item in request.session.items):
        yield None
        return
    pg = request.getfixturevalue("postgres_server")
    name = pg.create_database().rsplit("/", 1)[1]
    uri = f"postgresql://postgres@127.0.0.1:{pg.port}/"
    work = tmp_path_factory.mktemp("tryton-pg")
    ref_file = work / "ref.json"
    ref_file.write_text(demo_reference().model_dump_json())
    pg_tryton = PgTryton(database=name, uri=uri, work_dir=work, proc=None, log=work / "init.log", ref_file=ref_file)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        pg_tryton.start()
    yield pg_tryton
    if pg_tryton.proc is not None and pg_tryton.proc.poll() is None:
        pg_tryton.proc.kill()
        pg_tryton.proc.wait(10)
