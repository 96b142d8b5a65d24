# Django's "id" formats, but every date-time carries its zone's label (WIB,
# WITA, WIT) and hours have two digits, as pledges.core.dates writes them.
from django.conf.locale.id.formats import *  # noqa: F403

DATETIME_FORMAT = "j M Y H.i T"
SHORT_DATETIME_FORMAT = "d-m-Y H.i T"
TIME_FORMAT = "H.i"
