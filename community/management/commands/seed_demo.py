"""Fill the database with the demo: each app contributes its part (`<app>/demo.py`)."""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the bilingual demo data (idempotent). Refused where ALLOW_DEMO_DATA is off."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("Demo data is disabled here (ALLOW_DEMO_DATA is off: production?).")
        for app in settings.LOCAL_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name == f"{app}.demo":
                    continue
                raise
            module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
