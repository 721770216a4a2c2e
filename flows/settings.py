"""Settings: environment variables (``ORDERFLOW_*``) over ``orderflow.toml`` over defaults.

``flows/`` is the only room that reads configuration; every other package takes plain
parameters. Secrets (passwords, tokens) are named by environment variable or secret file,
never stored in the TOML.
"""

from __future__ import annotations

import os
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent.parent
SAMPLES_DIR = PACKAGE_DIR / "samples"


class ValidationSettings(BaseModel):
    price_tolerance_abs: Decimal = Decimal("0.01")
    price_tolerance_pct: Decimal = Decimal("0.5")
    fuzzy_accept_score: float = 92
    fuzzy_accept_margin: float = 8
    case_pack_severity: str = "warning"
    moq_severity: str = "warning"
    availability_severity: str = "warning"  # "error" routes short orders to review
    lead_time_severity: str = "warning"
    availability_warehouses: list[str] | None = None
    quote_severity: str = "error"
    approval_thresholds: list[tuple[Decimal, str]] = Field(
        default_factory=lambda: [(Decimal("25000"), "lead"), (Decimal("100000"), "finance")]
    )


class ImapMailbox(BaseModel):
    name: str
    host: str = "127.0.0.1"
    port: int = 993
    tls: str = "ssl"  # none | ssl | starttls
    user: str
    password_env: str | None = None
    password_file: str | None = None
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    failed_folder: str = "Failed"
    ca_file: str | None = None  # extra CA (PEM) for a server certificate from a private CA
    interval_seconds: int = 60
    cron: str | None = None
    customer: str | None = None  # a partner's own mailbox: every order in it is this customer's (trust rules)


class SftpDrop(BaseModel):
    name: str
    host: str = "127.0.0.1"
    port: int = 22
    user: str
    key_file: str | None = None
    password_env: str | None = None
    host_key: str | None = None  # "ssh-ed25519 AAAA…"
    inbound: str = "inbound"
    archive: str = "archive"
    failed: str = "failed"
    outbox: str = "outbox"
    settle_seconds: float = Field(default=2.0, ge=0)  # pause between two looks at a file's size and mtime
    interval_seconds: int = 60
    cron: str | None = None
    customer: str | None = None  # a partner's own drop: its envelopes must name this customer (trust rules)


#: A folder file is taken once unchanged across two looks this far apart *and* last written this long ago.
DEFAULT_FOLDER_SETTLE_SECONDS = 5.0


class WatchedFolder(BaseModel):
    name: str
    inbound: str
    archive: str | None = None
    failed: str | None = None
    settle_seconds: float | None = Field(default=None, ge=0)  # None: the global folder_settle_seconds
    interval_seconds: int = 30
    cron: str | None = None


class TrytonSettings(BaseModel):
    database: str = "orderflow"
    config_file: str | None = None  # in-process mode (embedded SQLite)
    url: str | None = None  # remote mode: http://user:password@host:8000/database/
    data_dir: str | None = None
    sale_state: str = "quotation"  # draft | quotation | confirmed


class SmtpSettings(BaseModel):
    """Mail back to buyers (flows/notify.py): confirmations with promise dates, exception notices."""

    host: str
    port: int = 587
    tls: str = "starttls"  # none | ssl | starttls
    user: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    ca_file: str | None = None  # extra CA (PEM) for a server certificate from a private CA
    from_addr: str = "orders@localhost"
    confirmations: bool = True  # after the ERP push, to email and portal buyers
    exception_notices: bool = True  # order in review or document failed, to email buyers
    timeout_seconds: float = 30.0


class Settings(BaseSettings):
    """Everything orderflow can be told. ``orderflow.toml`` in the working directory, or
    ``ORDERFLOW_CONFIG=path``; each key can be overridden by ``ORDERFLOW_<KEY>``."""

    model_config = SettingsConfigDict(env_prefix="ORDERFLOW_", env_nested_delimiter="__", extra="ignore")

    home: Path = Path("var")
    database_url: str | None = None
    reference_dir: Path = SAMPLES_DIR / "reference"
    partners_file: Path | None = None
    hints_dir: Path | None = None
    erp: str = "file"  # file | tryton | rest
    outbox_dir: Path | None = None  # file adapter outbox
    replies_dir: Path | None = None  # EDI acknowledgements for channels without an outbox
    rest_url: str | None = None
    rest_token_env: str | None = None
    tryton: TrytonSettings = Field(default_factory=TrytonSettings)
    engine: str = "local"  # local | prefect: how `process` runs
    auto_approve: bool = True
    live_credit: bool = False  # ask the ERP for exposure at validation time (when reference data comes from it)  # a valid order with no approval step goes straight to the push
    push_attempts: int = 5
    # The `orderflow users` name the CLI's queue commands act as (their role applies); "" = the OS login.
    operator: str = ""
    # Claims (documents in processing, orders being pushed) are leases a live process renews; a dead
    # process's work is retaken this long after its last renewal.
    claim_stale_after_seconds: float = Field(default=300, gt=0)
    # Documents (and order pushes) per Prefect task run. A Prefect task run costs ~17 ms of its own, as
    # much as a document: a run per document doubled a 10,000-document batch (+155%), 25 per run is
    # within noise of plain calls (issue 22). 1 gives the finest run log; each document's state and
    # audit trail are in the store either way.
    prefect_task_batch: int = Field(default=25, ge=1, le=500)
    push_backoff_seconds: float = 2.0
    validation: ValidationSettings = Field(default_factory=ValidationSettings)
    # Extracted values the engine is less sure of than this go to a person (issue 20; README "Confidence").
    review_confidence: float = Field(default=0.8, ge=0.0, le=1.0)
    imap: list[ImapMailbox] = Field(default_factory=list)
    sftp: list[SftpDrop] = Field(default_factory=list)
    folders: list[WatchedFolder] = Field(default_factory=list)
    folder_settle_seconds: float = Field(default=DEFAULT_FOLDER_SETTLE_SECONDS, ge=0)
    push_interval_seconds: int = 60
    sync_interval_seconds: int = 3600
    status_interval_seconds: int = 300  # ERP sale states/shipments into the timeline; learned xrefs to the ERP
    erp_status_acks: bool = True  # 855/ORDRSP when the ERP confirms or cancels an EDI order
    change_wait_hours: float = 24  # a change whose original has not come after this goes to review
    change_expiry_interval_seconds: int = 900
    portal_tokens_file: Path | None = None
    ui_secret_env: str = "ORDERFLOW_UI_SECRET"
    smtp: SmtpSettings | None = None  # None: no mail to buyers

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls), file_secret_settings)

    @model_validator(mode="after")
    def _folder_settle(self) -> Settings:
        """Each watched folder without its own ``settle_seconds`` takes ``folder_settle_seconds``."""
        for folder in self.folders:
            if folder.settle_seconds is None:
                folder.settle_seconds = self.folder_settle_seconds
        return self

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.home.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.home / 'orderflow.db').resolve()}"

    @property
    def outbox(self) -> Path:
        return self.outbox_dir or self.home / "outbox"

    @property
    def replies(self) -> Path:
        return self.replies_dir or self.home / "replies"


def config_path() -> Path:
    """The configuration file every command reads: ``ORDERFLOW_CONFIG``, else ``./orderflow.toml``."""
    return Path(os.environ.get("ORDERFLOW_CONFIG", "orderflow.toml"))


class _TomlSource(PydanticBaseSettingsSource):
    """Reads ``orderflow.toml`` (or the file named by ``ORDERFLOW_CONFIG``)."""

    def __call__(self) -> dict[str, Any]:
        path = config_path()
        if not path.is_file():
            return {}
        try:
            with path.open("rb") as fh:
                return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover - unused
        return None, field_name, False


class ConfigError(Exception):
    """Configuration is unusable: the CLI prints the message and exits 2."""


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ConfigError:
        raise
    except Exception as exc:  # pydantic validation of env/TOML values
        raise ConfigError(f"Configuration is invalid: {exc}") from None


def secret(env_name: str | None, file_name: str | None = None) -> str | None:
    """A secret from an environment variable or a secret file; never logged."""
    if env_name and os.environ.get(env_name):
        return os.environ[env_name]
    if file_name and Path(file_name).is_file():
        return Path(file_name).read_text().strip()
    return None
