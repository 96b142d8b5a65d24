from django.urls import include, path

from pledges.views import kiosk, staff, stations

staff_patterns = [
    path("", staff.home, name="home"),
    path("kegiatan/<int:pk>/", staff.event_detail, name="event"),
    path("kegiatan/<int:pk>/meja/", stations.stations, name="stations"),
    path("kegiatan/<int:pk>/meja/buka/", stations.station_open, name="station_open"),
    path(
        "kegiatan/<int:pk>/meja/<int:station_pk>/cabut/",
        stations.station_revoke,
        name="station_revoke",
    ),
]

# The tablet's URLs carry no event id: the station bound to the session decides.
kiosk_patterns = [
    path("", kiosk.home, name="home"),
    path("sw.js", kiosk.service_worker, name="service_worker"),
    path("api/penanda-tangan/", kiosk.signatories, name="signatories"),
    path("api/daftar/", kiosk.walk_in, name="walk_in"),
    path("api/tanda-tangan/", kiosk.sign, name="sign"),
    path("api/status/", kiosk.status, name="status"),
    path("<slug:token>/", kiosk.bind, name="bind"),
]

urlpatterns = [
    path("meja/", include((kiosk_patterns, "kiosk"))),
    path("", include((staff_patterns, "staff"))),
]
