from axes.apps import AppConfig as AxesAppConfig
from django_cas_ng.apps import CASConfig
from django_tasks_db.apps import TasksAppConfig as DatabaseTasksAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin index (it has none of its own: "Axes").

    Its model and field names come from locale/zh_Hans, since axes ships no Chinese catalogue.
    """

    verbose_name = "登录防护"


class TasksDatabaseConfig(DatabaseTasksAppConfig):
    """django-tasks-db's queue under Chinese names in the admin (it ships no Chinese catalogue)."""

    verbose_name = "后台任务"

    def ready(self):
        super().ready()
        meta = self.get_model("DBTaskResult")._meta
        meta.verbose_name = meta.verbose_name_plural = "任务队列"


class CasConfig(CASConfig):
    """django-cas-ng's ticket records under Chinese names in the admin."""

    verbose_name = "统一身份认证"
