"""Fill the database with the demo: each app contributes its part (`<app>/demo.py`)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Create the bilingual demo data (idempotent). Refused where ALLOW_DEMO_DATA is off."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("Demo data is disabled here (ALLOW_DEMO_DATA is off: production?).")
        # Each app's demo.py, then its demo_*.py (e.g. community/demo_events.py), in app order.
        # Demo content is written in bulk: the posting rate limits do not apply.
        with override_settings(MODERATION_RATE_LIMITS=False):
            self._seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _seed(self) -> None:
        for app in settings.LOCAL_APPS:
            package = importlib.import_module(app)
            names = sorted(
                m.name
                for m in pkgutil.iter_modules(package.__path__)
                if m.name == "demo" or m.name.startswith("demo_")
            )
            for name in names:
                importlib.import_module(f"{app}.{name}").seed(self.stdout)
