"""A PostgreSQL cluster and a Redis server of our own, on spare loopback ports, in a temporary
directory: started, stopped, killed and restarted at will without touching the machine's
shared ones. PostgreSQL refuses to run as root: as root, it runs as the ``postgres`` user."""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class ServiceUnavailable(Exception):
    """The service cannot be started here (no binaries, no user to run it as)."""


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, up: bool, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return True
        except OSError:
            if not up:
                return True
        time.sleep(0.1)
    return False


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise ServiceUnavailable(f"no PostgreSQL {name} on this machine")
    return path


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


class OwnPostgres:
    def __init__(self, root: Path, port: int | None = None):
        self.port = port or spare_port()
        self.data = root / "pg"
        self.socket_dir = root / "pgsock"
        self.log = root / "pg.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise ServiceUnavailable("running as root and no postgres user") from None
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *command], check=check, capture_output=True, text=True, timeout=120
        )

    def init(self) -> None:
        for path in (self.data, self.socket_dir):
            path.mkdir(parents=True, exist_ok=True)
            if self.as_user:
                shutil.chown(path, "postgres", "postgres")
        if self.as_user:
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
            shutil.chown(self.data.parent, "postgres", "postgres")
        result = self._run(
            _pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8", check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise ServiceUnavailable(f"initdb failed: {result.stderr.strip()[-300:]}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60"
        )
        result = self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start", check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise ServiceUnavailable(f"PostgreSQL did not start: {result.stderr.strip()[-300:]}")

    def stop(self, mode: str = "fast") -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def createdb(self, name: str) -> None:
        self._run(
            _pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


class OwnRedis:
    def __init__(self, root: Path, port: int | None = None):
        if shutil.which("redis-server") is None:
            raise ServiceUnavailable("no redis-server on this machine")
        self.port = port or spare_port()
        self.dir = root / "redis"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not wait_for_port(self.port, up=True, timeout=15):
            raise ServiceUnavailable("redis-server did not start")

    def stop(self) -> None:
        """Gone at once, as a crash or a network cut looks to its clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        wait_for_port(self.port, up=False, timeout=10)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class OwnServices:
    """Both, in one temporary directory, removed at the end."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="weft-faults-"))
        # The postgres user (PostgreSQL as root runs as it) must reach its directory inside.
        os.chmod(self.root, 0o755)  # noqa: S103
        self.postgres = OwnPostgres(self.root)
        self.redis = OwnRedis(self.root)

    def start(self, database: str = "weft_faults") -> None:
        self.postgres.init()
        self.postgres.start()
        self.postgres.createdb(database)
        self.redis.start()

    def close(self) -> None:
        self.redis.stop()
        self.postgres.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
