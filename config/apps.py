from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin index (it has none of its own: "Axes").

    Its model and field names come from locale/zh_Hans, since axes ships no Chinese catalogue.
    """

    verbose_name = "登录防护"
