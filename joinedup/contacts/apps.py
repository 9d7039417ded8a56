from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "joinedup.contacts"
    label = "contacts"
    verbose_name = "Contact with the child"
