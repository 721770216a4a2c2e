"""A real Tryton with stock *and* purchase activated (the shared template has no purchase module).

Built once per session in a subprocess (trytond-admin + company + the demo catalogue of
``tests/fixtures/tryton.py``); each test works on its own copy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.tryton import TrytonTemplate, demo_reference  # noqa: E402

from orderflow.erp_push.tryton_config import TrytonConfig  # noqa: E402

_BUILD = """
import sys, pathlib
from orderflow.canonical import ReferenceData
from orderflow.erp_push.tryton_config import TrytonConfig, write_trytond_conf
from orderflow.erp_push.tryton_conn import connect
from orderflow.erp_push.tryton_setup import MODULES, create_database, load_reference, setup_company
root = pathlib.Path(sys.argv[1])
conf = write_trytond_conf(root / "trytond.conf", db_dir=root)
create_database(conf, "template", admin_password="admin", sqlite_dir=root, modules=MODULES + ("purchase",),
                log_file=root / "trytond-admin.log")
conn = connect(TrytonConfig(database="template", config_file=conf, password="admin"))
setup_company(conn)
load_reference(conn, ReferenceData.model_validate_json(pathlib.Path(sys.argv[2]).read_text()))
"""


@pytest.fixture(scope="session")
def stock_template(tmp_path_factory: pytest.TempPathFactory) -> TrytonTemplate:
    root = tmp_path_factory.mktemp("tryton_stock")
    ref_file = root / "reference.json"
    ref_file.write_text(demo_reference().model_dump_json())
    with open(root / "build.log", "wb") as log:
        proc = subprocess.run([sys.executable, "-c", _BUILD, str(root), str(ref_file)], stdout=log,
                              stderr=subprocess.STDOUT, timeout=900, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"building the Tryton stock template failed: {(root / 'build.log').read_text()[-3000:]}")
    return TrytonTemplate(db_dir=root, config_file=root / "trytond.conf", database="template")


@pytest.fixture
def stock_db(stock_template: TrytonTemplate):
    cfg: TrytonConfig = stock_template.copy()
    yield cfg
    stock_template.drop(cfg)
