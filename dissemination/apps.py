from django.apps import AppConfig


class DisseminationConfig(AppConfig):
    name = "dissemination"
    verbose_name = "宣传推广"
