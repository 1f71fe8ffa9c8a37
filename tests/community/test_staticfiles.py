"""The manifest storage remembers each static address it computed (production only)."""

from __future__ import annotations

import json
from pathlib import Path

from community.staticfiles import ManifestStaticFilesStorage


def test_addresses_come_from_the_manifest_and_are_remembered(tmp_path: Path) -> None:
    manifest = {"paths": {"css/base.css": "css/base.0123abcd.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = ManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("css/base.css") == "/static/css/base.0123abcd.css"
    assert storage._addresses == {"css/base.css": "/static/css/base.0123abcd.css"}
    storage.hashed_files["css/base.css"] = "css/base.changed.css"  # the memo answers now
    assert storage.url("css/base.css") == "/static/css/base.0123abcd.css"
    assert storage.url("css/base.css", force=True) == "/static/css/base.changed.css"
