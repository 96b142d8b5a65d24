"""The product's URLs plus the baseline view the benchmark compares against."""

from django.urls import path

from bench.views import insert_one
from netralitas.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/insert/", insert_one), *product_urlpatterns]
