"""Rebuild this raw archive (index.jsonl + bodies/) from the hand-composed pages listed in manifest.json.

Run from the project root: ``.venv/bin/python recordings/compose.py``. See README.md here for why the
pages are composed rather than captured, and how to replace them with live captures.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from registry.ingest.raw_archive import RawArchive

HERE = Path(__file__).resolve().parent


def main() -> None:
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    fetched_at = datetime.fromisoformat(manifest["fetched_at"])
    (HERE / "index.jsonl").unlink(missing_ok=True)
    shutil.rmtree(HERE / "bodies", ignore_errors=True)
    archive = RawArchive(HERE)
    for response in manifest["responses"]:
        headers = {"Content-Type": response["content_type"], **response.get("headers", {})}
        body = (HERE / response["file"]).read_bytes()
        # A response may carry its own time: a later capture of a page, for replaying the archive as of a date.
        moment = datetime.fromisoformat(response["fetched_at"]) if "fetched_at" in response else fetched_at
        archive.store(response["url"], response.get("status", 200), headers, body, moment)
    print(f"{len(manifest['responses'])} responses written to {HERE}")


if __name__ == "__main__":
    main()
