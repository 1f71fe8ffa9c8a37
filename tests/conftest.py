"""Fixtures shared by every app's tests: real PostgreSQL, real Redis (a key space per
xdist worker), uploads in a temporary folder, factories, logged-in clients, and a real
Celery worker when a test asks for one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from community.models import Community, Member
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "var" / "artifacts"


@pytest.fixture(autouse=True)
def _isolated_cache() -> Iterator[None]:
    """Every test starts with an empty cache (only this worker's keys are removed)."""
    _clear_cache()
    yield
    _clear_cache()


def _clear_cache() -> None:
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{settings.CACHE_KEY_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _media_root(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # type: ignore[attr-defined]


@pytest.fixture
def community(db: None) -> Community:
    return CommunityFactory()


@pytest.fixture
def member(db: None) -> Member:
    return MemberFactory()


@pytest.fixture
def make_member(db: None) -> Callable[..., Member]:
    """A member of ``community`` with ``role`` (active, charter accepted)."""

    def make(community: Community | None = None, role: str = "member", **kwargs: object) -> Member:
        person = MemberFactory(
            **{
                k: v
                for k, v in kwargs.items()
                if k in {"display_name", "team", "site", "languages", "handle"}
            }
        )
        if community is not None:
            MembershipFactory(
                member=person,
                community=community,
                role=role,
                **{k: v for k, v in kwargs.items() if k in {"status", "accepted_charter_version"}},
            )
        return person

    return make


@pytest.fixture
def client_for(db: None) -> Callable[[Member | None], Client]:
    """A test client logged in as ``member`` (anonymous for None)."""

    def make(member: Member | None) -> Client:
        client = Client()
        if member is not None:
            client.force_login(member.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return client

    return make


@pytest.fixture
def celery_worker_process(
    transactional_db: None, settings: object
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker (separate process, real Redis broker) working on the test
    database. Tests using it commit their data (transactional_db) so the worker sees it."""
    from config.celery import app

    db = settings.DATABASES["default"]  # type: ignore[attr-defined]
    queue = f"learners-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    env = {
        **os.environ,
        "DEBUG": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE": queue,
        "DATABASE_URL": _database_url(db),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # type: ignore[attr-defined]
    }
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / f"celery-{queue}.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_worker(app, queue, proc)
        yield proc
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


class CeleryWorkers:
    """Real Celery workers on one queue of their own, which a test may SIGKILL and start
    again (``restartable_celery_worker``)."""

    def __init__(self, queue: str, env: dict[str, str]) -> None:
        self.queue = queue
        self.env = env
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[object] = []

    def start(self, **extra_env: str) -> subprocess.Popen[bytes]:
        from config.celery import app

        n = len(self.procs)
        log = (ARTIFACTS / f"celery-{self.queue}-{n}.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}-{n}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        self.logs.append(log)
        # Generous: on a loaded machine a worker may take more than a minute to start.
        _wait_for_worker(app, f"{self.queue}-{n}", proc, timeout=240)
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no clean shutdown, no ack, open transactions and sockets cut."""
        proc.kill()
        proc.wait(timeout=15)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for log in self.logs:
            log.close()  # type: ignore[attr-defined]


@pytest.fixture
def restartable_celery_worker(transactional_db: None, settings: object) -> Iterator[CeleryWorkers]:
    """Like ``celery_worker_process``, but the test starts the workers (with extra
    environment) and may kill them with SIGKILL and start new ones on the same queue."""
    from config.celery import app

    db = settings.DATABASES["default"]  # type: ignore[attr-defined]
    queue = f"learners-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}-r"
    env = {
        **os.environ,
        "DEBUG": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE": queue,
        "DATABASE_URL": _database_url(db),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # type: ignore[attr-defined]
    }
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    workers = CeleryWorkers(queue, env)
    try:
        yield workers
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        workers.stop_all()
        # Messages a killed worker held stay unacknowledged in Redis: drop the queue.
        try:
            with app.connection_for_write() as conn:
                conn.default_channel.queue_purge(queue)
        except Exception:  # noqa: S110 - the queue may not exist
            pass


def _database_url(db: dict[str, object]) -> str:
    host = str(db.get("HOST") or "")
    port = str(db.get("PORT") or "")
    user = str(db.get("USER") or "")
    password = str(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else f"{user}@"
    if host.startswith("/"):  # a unix socket (the embedded server)
        return f"postgres://{auth}/{db['NAME']}?host={host}"
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


def _wait_for_worker(
    app: object, queue: str, proc: subprocess.Popen[bytes], timeout: float = 180
) -> None:
    import socket

    name = f"{queue}@{socket.gethostname()}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"The Celery worker exited with {proc.returncode}; see var/artifacts."
            )
        if app.control.ping(destination=[name], timeout=0.5):  # type: ignore[attr-defined]
            return
    raise RuntimeError("The Celery worker did not answer within three minutes.")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Browser journeys share one browser per xdist worker: keep them on the same one.
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))
