"""`make run`: the web server, plus a Celery worker and beat when Redis answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform on 127.0.0.1:8000 with Celery worker and beat (if Redis answers)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        self.print_logins()
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        procs: list[subprocess.Popen[bytes]] = []
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write(
                "Redis not reachable: no worker or beat; tasks run in the web process."
            )
        else:
            celery = [python, "-m", "celery", "-A", "config"]
            procs.append(
                subprocess.Popen([*celery, "worker", "--loglevel=INFO", "--concurrency=2"])
            )
            procs.append(subprocess.Popen([*celery, "beat", "--loglevel=INFO"]))
            self.stdout.write(f"Celery worker and beat started (Redis at {settings.REDIS_URL}).")
        web = subprocess.Popen(
            [python, manage, "runserver", options["addr"]], env=os.environ.copy()
        )
        procs.append(web)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()

    def print_logins(self) -> None:
        from community.demo import DOMAIN, LOGINS

        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"{settings.SITE_NAME} is starting on http://127.0.0.1:8000")
        )
        if settings.ALLOW_DEMO_DATA:
            self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
            for local, what in LOGINS:
                self.stdout.write(f"  {local + '@' + DOMAIN:<32} {what}")
        if not settings.ADMIN_REQUIRE_MFA:
            self.stdout.write(
                self.style.WARNING(
                    "ADMIN_REQUIRE_MFA is off for this demo: staff enter the back office "
                    "without a second factor. Never in production."
                )
            )
        self.stdout.write("")
