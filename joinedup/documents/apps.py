from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "joinedup.documents"
    label = "documents"
