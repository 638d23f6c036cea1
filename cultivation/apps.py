from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "cultivation"
    verbose_name = "培育管理"
