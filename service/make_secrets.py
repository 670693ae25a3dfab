"""Write the try-it compose setup's secrets into a folder once (``docker-compose.yml``'s ``secrets`` service).

    python -m service.make_secrets FOLDER

Random values for the database password and the review UI's cookie key; the development mail server's
password is the one its compose service sets. Files that exist are left alone, so restarts keep them.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

DEV_MAIL_PASSWORD = "intake-dev"  # GreenMail's account in docker-compose.yml: development only


def write_once(folder: Path, name: str, value: str) -> None:
    """``folder/name`` holding ``value``, readable by the service user only, unless it exists already."""
    path = folder / name
    if path.exists():
        return
    path.write_text(value + "\n", encoding="utf-8")
    os.chmod(path, 0o644 if name == "postgres_password" else 0o640)


def main(folder: Path) -> None:
    """Write whatever secret is missing."""
    folder.mkdir(parents=True, exist_ok=True)
    write_once(folder, "postgres_password", secrets.token_urlsafe(24))
    password = (folder / "postgres_password").read_text(encoding="utf-8").strip()
    write_once(folder, "database_url", f"postgresql+psycopg://intake:{password}@db/intake")
    write_once(folder, "web_secret", secrets.token_urlsafe(48))
    write_once(folder, "imap_password", DEV_MAIL_PASSWORD)
    if os.geteuid() == 0:
        for path in folder.iterdir():
            os.chown(path, 0, 999)  # the image's `intake` group reads them
    print(f"secrets in {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
