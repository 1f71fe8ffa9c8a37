"""The settings module in production mode, checked the way it runs: in a new process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Qm2vR9pL4kT8sW1nB6cY3hJ5fD0gA-ZuE_iO-p9aXqLrMt2KwYvBn",
    "ALLOWED_HOSTS": "learners.example.org",
    "SITE_URL": "https://learners.example.org",
    "DATABASE_URL": "postgres://user:pass@db.example.org:5432/learners",
    "REDIS_URL": "redis://redis.example.org:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A bare environment, as a production host would have: nothing from the test run.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_production_needs_a_database_url() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_URL is required" in result.stderr


def test_deploy_check_is_clean_with_production_variables() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_settings_are_strict() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.PASSWORD_HASHERS[0], s.SESSION_ENGINE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_REFERRER_POLICY,"
        " \"'unsafe-inline'\" in str(s.SECURE_CSP), s.CACHES['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER, s.ALLOW_DEMO_DATA)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.sessions.backends.cached_db",
        "31536000",
        "True",
        "True",
        "True",
        "same-origin",
        "False",
        "community.cache.RedisCache",
        "False",
        "False",
    ]


def test_csp_header_has_no_unsafe_inline(client: object, db: None) -> None:
    response = client.get("/")  # type: ignore[attr-defined]
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_docker_compose_file_is_valid() -> None:
    tool = shutil.which("docker-compose")
    assert tool, "docker-compose (Debian package) validates docker-compose.yml; .ci/run installs it"
    result = subprocess.run(
        [tool, "config", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_every_setting_read_is_documented_in_env_example() -> None:
    import re

    source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "no settings found: the pattern is wrong"
    assert read - documented == set()
    assert documented - read == set()
