"""What a file is, judged by its content and never by its name.

Only a short list of kinds is accepted. Each is recognised by its own signature
(the "magic bytes" at its start), and the looser kinds are checked further: a
Word document must be a zip that holds ``word/document.xml``; plain text must
be UTF-8 with no control characters and nothing a browser would take for a page
or a script.
"""

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extension: str


PDF = FileType("application/pdf", "PDF", "pdf")
PNG = FileType("image/png", "PNG image", "png")
JPEG = FileType("image/jpeg", "JPEG image", "jpg")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document (.docx)", "docx"
)
TEXT = FileType("text/plain; charset=utf-8", "plain text", "txt")
ACCEPTED = (PDF, DOCX, TEXT, PNG, JPEG)
IMAGES = (PNG, JPEG)

_TEXT_CONTROLS_ALLOWED = {"\t", "\n", "\r", "\f"}
# Text that a browser, a mail client or a shell would treat as more than text.
_ACTIVE_TEXT_MARKERS = ("<!doctype", "<html", "<head", "<body", "<script", "<svg", "<iframe", "<object", "<?xml")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return {"[Content_Types].xml", "word/document.xml"} <= names


def _is_plain_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if any(ord(c) < 32 and c not in _TEXT_CONTROLS_ALLOWED for c in text) or "\x7f" in text:
        return False
    start = text.lstrip("\ufeff \t\r\n\f")
    if start.startswith(("<", "#!", "MZ")):
        return False
    lowered = text.lower()
    return not any(marker in lowered for marker in _ACTIVE_TEXT_MARKERS)


def file_type_detect(data: bytes) -> FileType | None:
    """The accepted kind this content is, or None when it is none of them."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return DOCX if _is_docx(data) else None
    return TEXT if _is_plain_text(data) else None
