from pathlib import PurePath
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_find, child_get
from joinedup.web.forms import form_save

from . import filetypes, selectors, services
from .forms import DocumentForm
from .permissions import can_add_document


@login_required
def document_list(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = child_find(user=request.user, child_id=child_id)
    can_add = can_add_document(request.user, child)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    child = child_get(user=request.user, child_id=child.pk, reason="Viewed the child's documents")
    items = selectors.items_for(user=request.user, child=child)
    form = DocumentForm(request.POST or None, request.FILES or None, items=items) if can_add else None
    if form is not None and request.method == "POST" and form.is_valid():
        item_type, item_id = form.item_reference()
        data = form.cleaned_data

        def add() -> None:
            services.document_add(
                user=request.user,
                child=child,
                upload=data["file"],
                title=data["title"],
                kind=data["kind"],
                item_type=item_type,
                item_id=item_id,
                handling_code=data["handling_code"],
            )

        if form_save(form, add):
            messages.success(request, f"{data['title']} is attached to {child.given_name}'s record.")
            return redirect("documents:list", child_id=child.pk)
    labels = {item.key: item.label for item in items}
    documents = [
        (document, labels.get(f"{document.item_type}:{document.item_id}", document.get_item_type_display()))
        for document in selectors.documents_for(user=request.user, child=child)
    ]
    return render(request, "documents/list.html", {"child": child, "documents": documents, "form": form})


def _download_name(original_name: str, content_type: str) -> str:
    # The extension follows the content, so a PNG uploaded as "letter.pdf" goes out as "letter.png".
    extension = next((t.extension for t in filetypes.ACCEPTED if t.content_type == content_type), "bin")
    return f"{PurePath(original_name).stem or 'document'}.{extension}"


@login_required
@require_GET
def document_download(request: AuthenticatedHttpRequest, document_id: UUID) -> FileResponse:
    document, handle = selectors.document_open(user=request.user, document_id=document_id)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_download_name(document.original_name, document.content_type),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Handling-Code"] = document.handling_code or "none"
    return response
