"""Forums at scale: the pages people read most, served by gunicorn, against the cheapest
Django view of the same project (the ceiling).

    python -m bench forums                      # 100,000 posts in bench_forums_100000
    python -m bench forums --posts 1000000      # the full size
    python -m bench forums --db learners_scale  # a database seeded already (seed_scale)

The database ``bench_forums_<posts>`` is created, migrated and filled by ``seed_scale``
the first time, then reused (``--fresh`` rebuilds it). gunicorn runs with DEBUG off, a few
sync workers, whitenoise and the real Redis cache; a load generator (processes × threads,
http.client) measures requests/s and latencies for an anonymous visitor of the public
community and for a logged-in member (with read state and reactions). Query counts come
from one in-process request of each page under ``CaptureQueriesContext``.
Options: ``--seconds`` per page (default 6), ``--workers`` (3), ``--clients`` (8).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765


def _options() -> dict[str, object]:
    args = sys.argv[1:]
    opts: dict[str, object] = {
        "posts": 100_000,
        "db": "",
        "seconds": 6.0,
        "workers": 3,
        "clients": 8,
        "fresh": False,
    }
    for i, arg in enumerate(args):
        name = arg.lstrip("-")
        if arg.startswith("--") and name in opts:
            if isinstance(opts[name], bool):
                opts[name] = True
            else:
                opts[name] = type(opts[name])(args[i + 1])  # type: ignore[call-arg]
    return opts


# The member's session is made here and used by gunicorn: both must sign with the same
# key, or Django finds the session's hash wrong, ends it, and the "member" is anonymous.
_SECRET = secrets.token_urlsafe(50)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["SECRET_KEY"] = _SECRET
    import django

    django.setup()


def _prepare_database(opts: dict[str, object]) -> str:
    """Name of a database holding the seeded community (created and seeded if needed)."""
    from django.core.management import call_command
    from django.db import connection

    if opts["db"]:
        return str(opts["db"])
    name = f"bench_forums_{opts['posts']}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=not opts["fresh"])
    from forums.management.commands.seed_scale import SLUG

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM forums_post p JOIN community_community c "
            "ON c.id = p.community_id WHERE c.slug = %s",
            [SLUG],
        )
        have = cur.fetchone()[0]
    if have != opts["posts"]:
        started = time.perf_counter()
        call_command("seed_scale", posts=opts["posts"], reset=True, verbosity=0)
        print(f"seed_scale --posts {opts['posts']}: {time.perf_counter() - started:.1f} s")
    return name


@dataclass
class Page:
    label: str
    path: str
    member: bool
    clients: int = 0  # 0: the run's --clients; 1: one request at a time (latency alone)


def _pages(member_cookie: str) -> tuple[list[Page], dict[str, object]]:
    from forums.management.commands.seed_scale import SLUG
    from forums.models import Topic

    topics = Topic.objects.filter(community__slug=SLUG)
    big = topics.order_by("-post_count").values("pk", "last_number").first()
    if big is None:
        raise SystemExit("No seeded community: run seed_scale first.")
    base = f"/c/{SLUG}/forums/"
    topic = f"{base}t/{big['pk']}/"
    last = f"{topic}?after={big['last_number'] - 20}"
    search = f"{base}search/?q=apprenants+tableur"
    pages = [Page("bare view", "/bench/bare/", False)]
    for member in (False, True):
        who = "member" if member else "anonymous"
        pages += [
            Page(f"{who}: topic list", base, member),
            Page(f"{who}: topic page 1 (20 posts)", topic, member),
            Page(f"{who}: last page of 5,000", last, member),
            Page(f"{who}: search", search, member),
        ]
    pages += [
        Page(f"{who}: search, 1 client", search, who == "member", clients=1)
        for who in ("anonymous", "member")
    ]
    return pages, {"topic": topic, "count": topics.count()}


def _member_session() -> tuple[str, object]:
    """A session cookie for member 2 of the seeded community (read state on the long
    topic, reactions of their own)."""
    from django.conf import settings
    from django.test import Client

    from community.models import Membership
    from forums.management.commands.seed_scale import SLUG

    membership = (
        Membership.objects.filter(community__slug=SLUG, role="member")
        .select_related("member__user")
        .order_by("member_id")
        .first()
    )
    if membership is None:
        raise SystemExit("No member in the seeded community.")
    client = Client()
    client.force_login(membership.member.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return client.cookies[settings.SESSION_COOKIE_NAME].value, client


def _query_counts(pages: list[Page], member_client: object) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forums.cache import cache

    counts = {}
    for page in pages:
        if page.path.startswith("/bench/"):
            counts[page.label] = 0  # served only by the bench's gunicorn (BENCH_VIEWS=1)
            continue
        client = member_client if page.member else Client()
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)  # type: ignore[attr-defined]
        if response.status_code != 200:
            raise SystemExit(f"{page.path} answered {response.status_code}")
        counts[page.label] = len(ctx.captured_queries)
    return counts


def _serve(database: str, opts: dict[str, object]) -> subprocess.Popen[bytes]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=_SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        BENCH_VIEWS="1",
        CONN_MAX_AGE="600",
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            str(opts["workers"]),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", PORT), 0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    return process


def _get(
    conn: http.client.HTTPConnection | None, path: str, cookie: str, timeout: float = 30
) -> tuple[object, int]:
    if conn is None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    headers = {"Accept-Language": "fr", "Accept-Encoding": "identity"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close" or response.will_close:
        conn.close()
        conn = None
    return conn, response.status


def _load_process(path: str, cookie: str, threads: int, seconds: float, out: object) -> None:
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run() -> None:
        conn: Any = None
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                conn, status = _get(conn, path, cookie)
            except (OSError, http.client.HTTPException):
                conn, status = None, 0
            mine.append(time.perf_counter() - start)
            bad += status != 200
        with lock:
            samples.extend(mine)
            errors[0] += bad

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    out.put((samples, errors[0]))  # type: ignore[attr-defined]


def _check_member(path: str, cookie: str) -> None:
    """The member's pages must be a member's (their menu in the header), or the figures
    would be an anonymous visitor's."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=180)
    conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "fr"})
    body = conn.getresponse().read().decode()
    conn.close()
    if 'class="menu__panel"' not in body:
        raise SystemExit(f"{path}: the member is not logged in under gunicorn")


def _measure(page: Page, cookie: str, opts: dict[str, object]) -> dict[str, float]:
    # Warm up (caches, connections), then measure with 2 processes of clients.
    if page.member:
        _check_member(page.path, cookie)
    for _ in range(20):
        _get(None, page.path, cookie if page.member else "", timeout=180)
    queue: multiprocessing.Queue[tuple[list[float], int]] = multiprocessing.Queue()
    clients = page.clients or int(opts["clients"])  # type: ignore[call-overload]
    seconds = float(opts["seconds"])  # type: ignore[arg-type]
    spread = [clients] if clients == 1 else [clients // 2, clients - clients // 2]
    procs = [
        multiprocessing.Process(
            target=_load_process,
            args=(page.path, cookie if page.member else "", threads, seconds, queue),
        )
        for threads in spread
    ]
    for p in procs:
        p.start()
    samples: list[float] = []
    errors = 0
    for _ in procs:
        got, bad = queue.get()
        samples += got
        errors += bad
    for p in procs:
        p.join()
    samples.sort()

    def pct(q: float) -> float:
        return samples[min(len(samples) - 1, int(len(samples) * q))] * 1000

    return {
        "rps": len(samples) / seconds,
        "p50": statistics.median(samples) * 1000,
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": errors,
    }


def main() -> None:
    _setup()
    opts = _options()
    database = _prepare_database(opts)
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = database
    cookie_value, member_client = _member_session()
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={cookie_value}"
    pages, info = _pages(cookie)
    queries = _query_counts(pages, member_client)
    from forums.models import Post

    posts = Post.objects.filter(community__slug="scale").count()
    print(
        f"dataset: {posts:,} posts, {info['count']:,} topics, database {database}; "
        f"gunicorn {opts['workers']} sync workers, {opts['clients']} clients, "
        f"{opts['seconds']} s per page, {os.cpu_count()} cores"
    )
    server = _serve(database, opts)
    results: dict[str, dict[str, float]] = {}
    bares: dict[str, float] = {}
    try:
        # The bare view is measured again before each page and each page is compared with
        # the bare view measured just before it: the load of a shared machine moves.
        for page in pages:
            if page.label != "bare view":
                bares[page.label] = _measure(pages[0], cookie, opts)["rps"]
            results[page.label] = _measure(page, cookie, opts)
    finally:
        server.terminate()
        server.wait(60)
    bares["bare view"] = results["bare view"]["rps"]
    print(
        f"\n{'page':<36}{'req/s':>8}{'ratio':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'queries':>9}{'errors':>8}{'bare':>7}"
    )
    for page in pages:
        r = results[page.label]
        print(
            f"{page.label:<36}{r['rps']:>8.0f}{r['rps'] / bares[page.label]:>8.3f}{r['p50']:>9.1f}"
            f"{r['p95']:>9.1f}{r['p99']:>9.1f}{queries[page.label]:>9}{r['errors']:>8.0f}"
            f"{bares[page.label]:>7.0f}"
        )
    print("\nTargets:")

    def check(label: str, ok: bool, detail: str) -> None:
        print(f"  {'OK  ' if ok else 'MISS'} {label}: {detail}")

    label = "anonymous: topic page 1 (20 posts)"
    anon_topic = results[label]["rps"] / bares[label]
    check("anonymous topic page >= 0.25 of bare", anon_topic >= 0.25, f"{anon_topic:.3f}")
    for label in ("member: topic page 1 (20 posts)", "member: topic list"):
        ratio = results[label]["rps"] / bares[label]
        check(f"{label} >= 0.10 of bare", ratio >= 0.10, f"{ratio:.3f}")
    for who in ("anonymous", "member"):
        first = results[f"{who}: topic page 1 (20 posts)"]["p50"]
        last = results[f"{who}: last page of 5,000"]["p50"]
        check(
            f"{who} last page within 1.5x of page 1 (p50)",
            last <= 1.5 * first,
            f"{last:.1f} ms vs {first:.1f} ms",
        )
        p95 = results[f"{who}: search"]["p95"]
        alone = results[f"{who}: search, 1 client"]["p95"]
        check(
            f"{who} search p95 <= 150 ms ({opts['clients']} clients)",
            p95 <= 150,
            f"{p95:.1f} ms (one client at a time: {alone:.1f} ms)",
        )
