"""SFTP drop poller (paramiko) and outbox writer. The server's host key is pinned."""

from __future__ import annotations

import base64
import io
import posixpath
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass

import paramiko

from orderflow.intake.base import ChannelError, Commit, PollReport, Secret, SizeTracker, describe_error
from orderflow.intake.drop import DropPlan, FileStat, poll_drop


@dataclass(frozen=True)
class SftpConfig:
    """One partner drop. ``known_host_key`` is the server key line: "ssh-ed25519 AAAA..."."""

    host: str
    user: str
    known_host_key: str
    port: int = 22
    key_file: str | None = None
    key_passphrase_env: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    inbound: str = "inbound"
    archive: str = "archive"
    failed: str = "failed"
    outbox: str = "outbox"
    name: str | None = None
    settle_seconds: float = 2.0
    empty_grace_seconds: float = 300.0
    max_files: int = 500
    timeout: float = 30.0

    @property
    def label(self) -> str:
        return self.name or f"{self.user}@{self.host}:{self.port}"


def _host_key(line: str) -> paramiko.PKey:
    parts = line.split()
    if len(parts) >= 3 and not parts[0].startswith(("ssh-", "ecdsa-", "sk-")):
        parts = parts[1:]  # a known_hosts line: "host type key"
    if len(parts) < 2:
        raise ValueError("known_host_key must be 'TYPE BASE64' (e.g. a line of the server's .pub file)")
    try:
        return paramiko.PKey.from_type_string(parts[0], base64.b64decode(parts[1]))
    except Exception as exc:
        raise ValueError(f"known_host_key is not a valid {parts[0]} key") from exc


def connect(config: SftpConfig) -> tuple[paramiko.SSHClient, paramiko.SFTPClient]:
    """Connect with the pinned host key (RejectPolicy: an unknown or changed key is refused)."""
    client = paramiko.SSHClient()
    key = _host_key(config.known_host_key)
    host_id = config.host if config.port == 22 else f"[{config.host}]:{config.port}"
    client.get_host_keys().add(host_id, key.get_name(), key)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    pkey = None
    if config.key_file:
        passphrase = Secret(env=config.key_passphrase_env).read() if config.key_passphrase_env else None
        pkey = paramiko.PKey.from_path(config.key_file, passphrase)
    password = Secret(config.password_env, config.password_file).read()
    if pkey is None and password is None:
        raise ValueError("no credentials configured (key_file or password_env/password_file)")
    try:
        client.connect(
            config.host,
            port=config.port,
            username=config.user,
            pkey=pkey,
            password=password,
            allow_agent=False,
            look_for_keys=False,
            timeout=config.timeout,
            banner_timeout=config.timeout,
            auth_timeout=config.timeout,
        )
        return client, client.open_sftp()
    except BaseException:
        client.close()
        raise


class SftpFS:
    def __init__(self, client: paramiko.SSHClient, sftp: paramiko.SFTPClient) -> None:
        self.client, self.sftp = client, sftp

    def list(self, directory: str) -> list[FileStat]:
        return [
            FileStat(a.filename, a.st_size or 0, float(a.st_mtime or 0))
            for a in self.sftp.listdir_attr(directory)
            if a.st_mode is not None and stat.S_ISREG(a.st_mode)
        ]

    def read(self, path: str) -> bytes:
        buf = io.BytesIO()
        self.sftp.getfo(path, buf, prefetch=True)
        return buf.getvalue()

    def rename(self, src: str, dst: str) -> None:
        self.sftp.posix_rename(src, dst)  # replaces dst; plain rename() refuses (SFTPv3)

    def join(self, directory: str, name: str) -> str:
        return posixpath.join(directory, name)

    def alive(self) -> bool:
        transport = self.client.get_transport()
        return bool(transport and transport.is_active())

    def exists(self, path: str) -> bool:
        try:
            self.sftp.lstat(path)
        except FileNotFoundError:
            return False
        return True


def _ensure_dir(sftp: paramiko.SFTPClient, path: str) -> None:
    try:
        sftp.stat(path)
    except FileNotFoundError:
        sftp.mkdir(path)


def poll_sftp(
    config: SftpConfig,
    commit: Commit,
    tracker: SizeTracker | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PollReport:
    """Take every finished file in the drop's inbound path. Never raises."""
    try:
        client, sftp = connect(config)
    except Exception as exc:
        report = PollReport(channel="sftp")
        report.errors.append(f"{config.label}: cannot connect: {describe_error(exc)}")
        return report
    try:
        for d in (config.archive, config.failed):
            _ensure_dir(sftp, d)
        plan = DropPlan.of("sftp", config)
        return poll_drop(SftpFS(client, sftp), plan, commit, tracker, sleep)
    except Exception as exc:
        report = PollReport(channel="sftp")
        report.errors.append(f"{config.label}: {describe_error(exc)}")
        return report
    finally:
        client.close()


def write_outbox(config: SftpConfig, name: str, data: bytes) -> str:
    """Upload a reply (997, 855, CONTRL...) atomically: to NAME.part, then rename. Returns the path.

    Raises ChannelError with a readable message when it cannot; the caller retries later.
    """
    if not name or "/" in name or name in {".", ".."}:
        raise ChannelError(f"invalid outbox file name {name!r}")
    final = posixpath.join(config.outbox, name)
    part = final + ".part"
    try:
        client, sftp = connect(config)
    except Exception as exc:
        raise ChannelError(f"{config.label}: cannot connect: {describe_error(exc)}") from exc
    try:
        _ensure_dir(sftp, config.outbox)
        sftp.putfo(io.BytesIO(data), part, file_size=len(data), confirm=True)
        sftp.posix_rename(part, final)
        return final
    except Exception as exc:
        try:
            sftp.remove(part)
        except Exception:
            pass
        raise ChannelError(f"{config.label}: cannot write {final}: {describe_error(exc)}") from exc
    finally:
        client.close()
