"""Writes of documents: check the right, check the file, store it, record the row and its audit together."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.concerns.models import HandlingCode

from . import filetypes
from .models import Document, DocumentKind, ItemType
from .permissions import can_add_document
from .selectors import item_find
from .storage import documents_storage


def _display_name(upload: UploadedFile) -> str:
    # Kept for display only; the stored file never has this name.
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:255] or "The file"


def document_content_check(*, data: bytes, name: str, kind: str) -> filetypes.FileType:
    """The file's type, judged by its content; refuse what is too large or not one of the accepted kinds."""
    limit = settings.DOCUMENT_MAX_BYTES
    if len(data) > limit:
        raise ValidationError({"file": f"{name} is larger than {filesizeformat(limit)}: attach a smaller file."})
    if not data:
        raise ValidationError({"file": f"{name} is empty."})
    detected = filetypes.file_type_detect(data)
    if detected is None:
        accepted = ", ".join(t.label for t in filetypes.ACCEPTED)
        raise ValidationError(
            {"file": f"{name} is not a file of a kind that can be attached. Attach one of: {accepted}."}
        )
    if kind == DocumentKind.PHOTO and detected not in filetypes.IMAGES:
        raise ValidationError({"file": f"{name} is not a photo: a photo must be a JPEG or PNG image."})
    return detected


def document_add(
    *,
    user: User,
    child: Child,
    upload: UploadedFile,
    title: str,
    kind: str,
    item_type: str = "",
    item_id: str = "",
    handling_code: str = "",
) -> Document:
    """Attach a file to a child's record, or to one item of it, as the user's agency's document.

    Nothing is written (no row, no file) unless the file passes every check. Attached to a concern that
    carries a handling code, the document carries the same code.
    """
    if not can_add_document(user, child) or user.agency is None:
        raise PermissionDenied
    name = _display_name(upload)
    if not title.strip():
        raise ValidationError({"title": "Enter a title for the document."})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Choose what kind of document this is."})
    if handling_code and handling_code not in HandlingCode.values:
        raise ValidationError({"handling_code": "The handling code is P or C."})
    if bool(item_type) != bool(item_id) or (item_type and item_type not in ItemType.values):
        raise ValidationError({"item": "Choose an item of the child's record, or the record as a whole."})
    if item_type:
        item = item_find(user=user, child=child, item_type=item_type, item_id=item_id)
        if item is None:
            raise ValidationError({"item": "Choose an item of the child's record, or the record as a whole."})
        if item.handling_code:
            if handling_code and handling_code != item.handling_code:
                message = f"A document attached to this concern carries its handling code, {item.handling_code}."
                raise ValidationError({"handling_code": message})
            handling_code = item.handling_code
    upload.seek(0)
    data = upload.read(settings.DOCUMENT_MAX_BYTES + 1)
    detected = document_content_check(data=data, name=name, kind=kind)

    storage = documents_storage()
    # A random name in a folder per child: nothing about the stored file comes from the upload.
    storage_name = storage.save(f"{child.pk}/{secrets.token_hex(16)}", ContentFile(data))
    try:
        with transaction.atomic():
            document = Document.objects.create(
                child=child,
                item_type=item_type,
                item_id=item_id,
                owning_agency=user.agency,
                uploaded_by=user,
                title=title.strip(),
                kind=kind,
                content_type=detected.content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                handling_code=handling_code,
                storage_name=storage_name,
                original_name=name,
            )
            audit_record(
                actor=user,
                kind=AuditKind.DOCUMENT_ADDED,
                child_id=child.pk,
                object_type="document",
                object_id=str(document.pk),
                reason=f"Attached {DocumentKind(kind).label.lower()}",
                payload={
                    "handling_code": handling_code,
                    "content_type": detected.content_type,
                    "size": len(data),
                    "sha256": document.sha256,
                    "item_type": item_type,
                    "item_id": item_id,
                },
            )
    except BaseException:
        # The row and its audit were not written, so the file must not stay behind either.
        storage.delete(storage_name)
        raise
    return document
