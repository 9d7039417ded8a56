"""Synthetic files of each kind, and documents attached through the service (so the file is really stored)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.documents.models import Document, DocumentKind
from joinedup.documents.services import document_add

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(content: bytes, name: str = "letter.pdf") -> SimpleUploadedFile:
    # The browser's stated type is deliberately wrong: only the content counts.
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def document_attach(
    *, user: User, child: Child, content: bytes = PDF_BYTES, name: str = "letter.pdf", **kwargs: str
) -> Document:
    fields = {"title": "Referral letter", "kind": DocumentKind.REFERRAL_LETTER, **kwargs}
    return document_add(user=user, child=child, upload=upload(content, name), **fields)
