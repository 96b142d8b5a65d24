"""The product's URLs plus the baseline view the benchmark compares against."""

from django.urls import path

from bench.views import insert_one, insert_payload
from netralitas.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/insert/", insert_one),
    path("bench/insert-payload/", insert_payload),
    *product_urlpatterns,
]
