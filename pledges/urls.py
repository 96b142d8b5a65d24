from django.urls import include, path

from pledges.views import documents, public, staff

staff_patterns = [
    path("", staff.home, name="home"),
    path("kegiatan/<int:pk>/", staff.event_detail, name="event"),
    path("kegiatan/<int:pk>/dokumen/", documents.event_documents, name="event_documents"),
    path("kegiatan/<int:pk>/dokumen/status/", documents.documents_status, name="documents_status"),
    path(
        "kegiatan/<int:pk>/dokumen/buat/<str:kind>/",
        documents.generate_document,
        name="generate_document",
    ),
    path(
        "kegiatan/<int:pk>/penanda-tangan/<int:signatory_pk>/pakta-integritas/",
        documents.signatory_document,
        name="signatory_document",
    ),
    path(
        "kegiatan/<int:pk>/dokumen/<int:document_pk>/unduh/",
        documents.download_document,
        name="download_document",
    ),
    path(
        "kegiatan/<int:pk>/dokumen/semua-pakta-integritas.zip",
        documents.download_document,
        {"document_pk": "zip"},
        name="download_zip",
    ),
]

public_patterns = [
    path("verifikasi/<str:code>/", public.verify, name="verify"),
]

urlpatterns = [
    path("", include((public_patterns, "public"))),
    path("", include((staff_patterns, "staff"))),
]
