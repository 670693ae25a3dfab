"""Peak memory for hostile messages, each through ``import`` and through IMAP: stored, flagged, and bounded.

    .venv/bin/python bench/hostile_memory.py [--only NAME]

Builds four messages — a 60 MB message (one large attachment), a 10,000-part multipart, a DOCX whose
document decompresses to 1 GB, and a multipart nested 2,000 deep — then, for each, runs
``frontier-intake import FILE`` and ``frontier-intake poll --once`` against a throwaway Dovecot holding only
that message, each into a fresh SQLite database, sampling the memory of the whole process tree every 20 ms
(PSS: shared pages counted once; and RSS). Prints the peak, how long it took, and the stored message's status
and flags. A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.ingest_benchmark import tree_memory_kib  # noqa: E402
from tests.support.dovecot import DovecotServer  # noqa: E402

MIB = 1024 * 1024
HEADER = (
    b"From: Hostile Sender <hostile@sender.example>\r\nTo: frontier.tech@wipo.int\r\n"
    b"Date: Wed, 01 Oct 2025 09:00:00 +0200\r\nMIME-Version: 1.0\r\n"
)


def large_message() -> bytes:
    """About 60 MB: a short request with one 44 MB attachment (base64 makes it 60 MB on the wire)."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Big Sender <big@sender.example>", "frontier.tech@wipo.int", "Big"
    msg["Message-ID"] = "<hostile-large@sender.example>"
    msg.set_content("Please find our statement attached.")
    msg.add_attachment(os.urandom(44 * MIB), maintype="application", subtype="octet-stream", filename="data.bin")
    return bytes(msg)


def many_parts(parts: int = 10_000) -> bytes:
    """A multipart/mixed of ``parts`` small text parts."""
    boundary = b"many-parts-boundary"
    body = b"".join(
        b"--" + boundary + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPart %d of the message.\r\n" % n
        for n in range(parts)
    )
    return (
        HEADER + b"Subject: Many parts\r\nMessage-ID: <hostile-parts@sender.example>\r\n"
        b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n' + body + b"--" + boundary + b"--\r\n"
    )


def docx_bomb(unpacked: int = 1024 * MIB) -> bytes:
    """A message with a DOCX whose word/document.xml decompresses to ``unpacked`` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as docx:
        docx.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with docx.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>')
            chunk = b"A" * MIB
            for _ in range(unpacked // MIB):
                member.write(chunk)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Bomb Sender <bomb@sender.example>", "frontier.tech@wipo.int", "Docx"
    msg["Message-ID"] = "<hostile-docx@sender.example>"
    msg.set_content("Our nomination is in the attached document.")
    mime = "vnd.openxmlformats-officedocument.wordprocessingml.document"
    msg.add_attachment(buffer.getvalue(), maintype="application", subtype=mime, filename="nomination.docx")
    return bytes(msg)


def deep_nesting(depth: int = 2_000) -> bytes:
    """A multipart nested ``depth`` deep, a text part at the bottom."""
    opening = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n) for n in range(depth))
    closing = b"".join(b"\r\n--b%d--\r\n" % n for n in reversed(range(depth)))
    bottom = b"Content-Type: text/plain\r\n\r\nThe bottom of the message.\r\n"
    return HEADER + b"Subject: Deep\r\nMessage-ID: <hostile-deep@sender.example>\r\n" + opening + bottom + closing


CASES = {"60 MB message": large_message, "10,000 parts": many_parts, "1 GB DOCX": docx_bomb,
         "2,000 deep": deep_nesting}  # fmt: skip


def _measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run ``command``; (peak PSS MiB, peak RSS MiB, seconds, last line of output)."""
    peak = [0, 0]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = tree_memory_kib(proc.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    lines = [line for line in out.strip().splitlines() if line.strip()]
    return peak[0] / 1024, peak[1] / 1024, time.perf_counter() - started, lines[-1] if lines else ""


def _stored(data: Path) -> str:
    with sqlite3.connect(data / "intake.db") as con:
        found = con.execute("SELECT status, error FROM message").fetchall()
    if len(found) != 1:
        return f"{len(found)} messages stored"
    status, error = found[0]
    with sqlite3.connect(data / "intake.db") as con:
        notes = [n for (n,) in con.execute("SELECT text_note FROM attachment WHERE text_note IS NOT NULL")]
    said = f"; {error.splitlines()[0][:90]}" if error else ""
    return f"status {status}{said}" + (f"; attachment: {notes[0][:90]}" if notes else "")


def main() -> None:
    """Build each case and run it through import and IMAP."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=list(CASES), help="run one case")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="intake-hostile-", dir="/tmp"))
    base = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    base["INTAKE_LOG_LEVEL"] = "WARNING"
    print(f"{'case':16} {'path':7} {'PSS':>8} {'RSS':>8} {'time':>7}  stored")
    try:
        for name, build in CASES.items():
            if args.only and name != args.only:
                continue
            raw = build()
            folder = root / name.replace(" ", "-").replace(",", "")
            folder.mkdir()
            eml = folder / "message.eml"
            eml.write_bytes(raw)
            env = {**base, "INTAKE_DATA_DIR": str(folder / "import")}
            pss, rss, seconds, _ = _measure([sys.executable, "-m", "service", "import", str(eml)], env)
            stored = _stored(folder / "import")
            print(f"{name:16} {'import':7} {pss:6.0f} MiB {rss:5.0f} MiB {seconds:6.1f} s  {stored}")
            server = DovecotServer(folder / "dovecot", password="bench-password-1")
            server.start()
            try:
                server.append(raw)
                env = {**base, "INTAKE_DATA_DIR": str(folder / "imap"), "INTAKE_IMAP_HOST": "127.0.0.1",
                       "INTAKE_IMAP_PORT": str(server.port), "INTAKE_IMAP_USER": server.user,
                       "INTAKE_IMAP_PASSWORD": server.password, "INTAKE_IMAP_SECURITY": "none"}  # fmt: skip
                pss, rss, seconds, _ = _measure([sys.executable, "-m", "service", "poll", "--once"], env)
                print(f"{'':16} {'IMAP':7} {pss:6.0f} MiB {rss:5.0f} MiB {seconds:6.1f} s  {_stored(folder / 'imap')}")
            finally:
                server.stop()
            print(f"{'':16} ({len(raw) / MIB:.1f} MiB on the wire)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
