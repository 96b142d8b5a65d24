from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Ikrar netralitas")

    def ready(self):
        from pledges.services import audit

        audit.connect_signals()
