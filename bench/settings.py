"""Settings for the load benchmark only: the product's, plus a bench-only URLconf."""

from netralitas.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
