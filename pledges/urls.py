from django.urls import include, path

from pledges.views import staff

staff_patterns = [
    path("", staff.home, name="home"),
    path("kegiatan/<int:pk>/", staff.event_detail, name="event"),
]

urlpatterns = [
    path("", include((staff_patterns, "staff"))),
]
