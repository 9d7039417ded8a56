"""The type of a file comes from its content: a short list of kinds, each recognised by its signature."""

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.documents import filetypes
from joinedup.documents.filetypes import file_type_detect

from .factories import ELF_BYTES, HTML_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, filetypes.PDF),
        (PNG_BYTES, filetypes.PNG),
        (JPEG_BYTES, filetypes.JPEG),
        (docx_bytes(), filetypes.DOCX),
        ("Notes from the strategy meeting.\nNext review in two weeks, agreed at the café.\n".encode(), filetypes.TEXT),
    ],
)
def test_each_accepted_kind_is_recognised_by_its_content(content, expected):
    assert file_type_detect(content) == expected


def _zip_without_word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        HTML_BYTES,
        b"  \n<svg onload=alert(1)>",
        b"<?xml version='1.0'?><x/>",
        b"Looks like text <script>alert(1)</script>",
        b"#!/bin/sh\nrm -rf /\n",
        ELF_BYTES,
        b"MZ\x90\x00\x03\x00\x00\x00",
        b"\xfe\xff\x00h\x00i",  # UTF-16, with NUL bytes
        b"caf\xe9",  # Latin-1, not UTF-8
        b"a bell\x07",
        _zip_without_word_document(),
        b"PK\x03\x04 a broken zip",
        b"",
    ],
)
def test_anything_else_is_refused(content):
    assert file_type_detect(content) is None


@given(st.binary(max_size=512))
def test_any_bytes_are_judged_without_error_and_text_is_only_clean_utf8(data):
    detected = file_type_detect(data)
    if detected == filetypes.TEXT:
        text = data.decode("utf-8")
        assert "\x00" not in text
        assert "<script" not in text.lower()
