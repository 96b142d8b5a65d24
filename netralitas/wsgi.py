import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netralitas.settings")
application = get_wsgi_application()

# The cyclic garbage collector, tuned for requests. Parsing one signature
# makes over a thousand small lists, all freed by reference counting when the
# request ends; with the default threshold (700) each signature set off
# collections that walked them while still in use, and every hundredth a full
# collection of the whole program. Collect young objects less often, and move
# everything loaded at start (Django, the app, every view: it lives as long as
# the process) out of the collector's reach.
import_module(settings.ROOT_URLCONF)
gc.freeze()
gc.set_threshold(20_000, 10, 10)
