from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "joinedup.assessments"
    label = "assessments"
