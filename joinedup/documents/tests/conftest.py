import pytest


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path):
    """Each test keeps its documents in a folder of its own, never in the project's var/."""
    root = tmp_path / "documents"
    settings.DOCUMENTS_ROOT = str(root)
    return root
