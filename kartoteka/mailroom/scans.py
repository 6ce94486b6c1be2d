"""Scans of mail items: checked by their content, stored outside the static files, served to staff only.

A scan is accepted when its bytes are a PDF, a JPEG or a PNG — the magic bytes at its start and
a real parse (Pillow's `verify()` for images; for a PDF the `%PDF-` header, the `%%EOF` trailer
and pypdf reading its pages). The file's name and the content type the browser sent are never
trusted. Accepted files are stored under KARTOTEKA_MAIL_SCAN_DIR (under var/, readable by this
account only: 0600) with a random name, and served only by views that check the permission.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from kartoteka.core.errors import ValidationError

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from kartoteka.mailroom.models import MailItem

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_TRAILER_WINDOW = 2048  # %%EOF must be this close to the end (trailing line breaks and padding allowed)
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ScanUpload:
    """A file someone attaches: its content (a readable, seekable binary file) and the name it came with."""

    file: IO[Any]
    name: str


@dataclass(frozen=True)
class CheckedScan:
    content_type: str
    size: int
    name: str  # the name to offer on download: the uploaded name's stem with the right extension


def max_bytes() -> int:
    return int(settings.KARTOTEKA_MAIL_SCAN_MAX_BYTES)


def _refuse(message: str) -> ValidationError:
    return ValidationError({"scan": [message]})


def _size(file: IO[Any]) -> int:
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def scan_check(upload: ScanUpload) -> CheckedScan:
    """What the file is, judged by its content; ValidationError on `scan` when it is not an accepted scan."""
    size = _size(upload.file)
    if size == 0:
        raise _refuse(_("The file is empty."))
    if size > max_bytes():
        raise _refuse(
            _("The file is too large: a scan may have at most %(limit)s MB.") % {"limit": _megabytes(max_bytes())}
        )
    head = upload.file.read(16)
    upload.file.seek(0)
    content_type = next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)
    if content_type is None:
        raise _refuse(_("Attach a PDF, JPEG or PNG file: the content of this file is none of them."))
    readable = _pdf_readable(upload.file, size) if content_type == PDF else _image_readable(upload.file, content_type)
    upload.file.seek(0)
    if not readable:
        raise _refuse(
            _("This file starts like a %(kind)s but cannot be read: it is damaged or not really one.")
            % {"kind": EXTENSIONS[content_type].lstrip(".").upper()}
        )
    return CheckedScan(content_type=content_type, size=size, name=download_name(upload.name, content_type))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _image_readable(file: IO[Any], content_type: str) -> bool:
    expected = {JPEG: "JPEG", PNG: "PNG"}[content_type]
    try:
        with Image.open(file) as image:
            found = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return found == expected


def _pdf_readable(file: IO[Any], size: int) -> bool:
    file.seek(max(0, size - _TRAILER_WINDOW))
    if b"%%EOF" not in file.read():
        return False
    file.seek(0)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            return True  # a password-protected scan: its structure was read, its pages can't be
        return len(reader.pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        return False


def download_name(name: str, content_type: str) -> str:
    """The uploaded name's stem (without path or odd characters) with the extension of its real type."""
    stem = Path(str(name or "").replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in " -_()").strip()[:100] or "scan"
    return stem + EXTENSIONS[content_type]


# --- storage ----------------------------------------------------------------------------------


def scans_dir() -> Path:
    path = Path(settings.KARTOTEKA_MAIL_SCAN_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def scan_path(stored: str) -> Path:
    """Where a stored scan is (only the name part counts: a stored name never leads elsewhere)."""
    return Path(settings.KARTOTEKA_MAIL_SCAN_DIR) / Path(stored).name


def scan_store(upload: ScanUpload) -> str:
    """Copy the checked file under a new random name (0600); the stored name."""
    stored = secrets.token_urlsafe(32)
    path = scans_dir() / stored
    upload.file.seek(0)
    try:
        with path.open("xb") as handle:
            path.chmod(0o600)
            shutil.copyfileobj(upload.file, handle, _CHUNK)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return stored


def scan_discard(stored: str) -> None:
    """Remove a stored scan now (a write that stored it failed)."""
    if stored:
        scan_path(stored).unlink(missing_ok=True)


def scans_delete_after_commit(stored: Iterable[str]) -> None:
    """Remove these stored scans once the transaction that let go of them commits (never before:
    a rolled-back deletion keeps its file)."""
    names = [name for name in stored if name]
    if names:
        transaction.on_commit(lambda: _discard_all(names))


def _discard_all(names: list[str]) -> None:
    for name in names:
        scan_discard(name)


def scans_release(rows: QuerySet[MailItem] | Any) -> None:
    """ClientRelation.release: the rows are about to be deleted or scrubbed; their scans go after the commit."""
    scans_delete_after_commit(rows.exclude(scan_file="").values_list("scan_file", flat=True))
