from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "cultivation"
    verbose_name = "培育管理"

    def ready(self):
        from branches.views import HOME_PANELS

        from .views.home import PANELS

        for panel in PANELS:
            if panel not in HOME_PANELS:
                HOME_PANELS.append(panel)
