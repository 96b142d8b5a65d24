from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


# The libraries' own sections of the admin, named in Indonesian (their models'
# names come from locale/id: "Task Results" → "hasil tugas latar").
class TasksDatabaseConfig(TasksAppConfig):
    default = False
    verbose_name = _("Antrean tugas latar")


class AxesConfig(AxesAppConfig):
    default = False
    verbose_name = _("Percobaan masuk")


class PledgesConfig(AppConfig):
    default = True  # this module holds three configs: "pledges" is this one
    name = "pledges"
    verbose_name = _("Ikrar netralitas")

    def ready(self):
        from pledges.services import audit
        from pledges.web import checks  # noqa: F401  (registers the deploy checks)

        audit.connect_signals()
