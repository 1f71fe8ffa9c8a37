"""An embedded PostgreSQL for machines that have only Python.

`make run` and `make test` use it when no ``DATABASE_URL`` is given, so a newcomer gets
the same engine as production (one SQL dialect everywhere) without installing a server.
The server keeps running between commands; its data lives under ``var/postgres``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from pathlib import Path
from typing import Any

DATABASE_NAME = "learners"


def ensure_embedded_postgres(data_dir: Path) -> dict[str, Any]:
    """Start (or reuse) the embedded server and return a Django ``DATABASES`` entry."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI): harmless here.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver  # a dev dependency: production always sets DATABASE_URL

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 - a constant
    if "1 row" not in exists:
        with contextlib.suppress(Exception):  # created meanwhile by another process
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(data_dir),  # a unix socket directory
        "PORT": "",
    }
