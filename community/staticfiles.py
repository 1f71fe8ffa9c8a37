"""Static files storage: whitenoise's compressed manifest, with addresses remembered.

``{% static %}`` asks the storage for a file's hashed address on every use (a manifest
lookup and a ``urljoin``); the layout uses about twenty per page. The manifest does not
change while a process runs, so each name's address is computed once.
"""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

_MAX_NAMES = 2_000  # names come from templates, not from visitors; a bound all the same


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        address = self._addresses.get(name)
        if address is None:
            address = super().url(name)
            if len(self._addresses) < _MAX_NAMES:
                self._addresses[name] = address
        return address
