from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "评审评估"

    def ready(self):
        from branches.views import HOME_PANELS
        from cultivation.models.projects import EXTRA_READERS

        from . import panels, selectors, services  # noqa: F401 - services registers its action labels

        for panel in (panels.reviewer_queue, panels.staff_rounds, panels.branch_results):
            if panel not in HOME_PANELS:
                HOME_PANELS.append(panel)
        if selectors.readable_project_ids not in EXTRA_READERS:
            EXTRA_READERS.append(selectors.readable_project_ids)
