"""Where documents' files are kept: a storage of their own, outside the web root and outside MEDIA and STATIC."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class DocumentStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise NotImplementedError("A document has no URL of its own: it is served only through documents:download.")


def documents_storage() -> DocumentStorage:
    """Read settings.DOCUMENTS_ROOT on each call, so that tests (and a change of settings) move it."""
    return DocumentStorage(
        location=settings.DOCUMENTS_ROOT, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )
