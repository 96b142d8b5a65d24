from django.urls import include, path, register_converter

from pledges.web.views import (
    copies,
    documents,
    kiosk,
    national,
    person_records,
    public,
    reports,
    staff,
    staff_reports,
    staff_signatories,
    stand_ins,
    stations,
    venue,
)


class SpreadsheetFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SpreadsheetFormat, "sheet")

staff_patterns = [
    path("", staff.home, name="home"),
    path("kegiatan/baru/", staff.event_create, name="event_create"),
    path("kegiatan/<int:pk>/", staff.event_detail, name="event"),
    path("kegiatan/<int:pk>/ubah/", staff.event_edit, name="event_edit"),
    path("kegiatan/<int:pk>/buka/", staff.event_open, name="event_open"),
    path("kegiatan/<int:pk>/tutup/", staff.event_close, name="event_close"),
    path("kegiatan/<int:pk>/hapus/", staff.event_delete, name="event_delete"),
    path("wilayah/cari/", staff.region_search, name="region_search"),
    path("templat/pratinjau/", staff.template_preview, name="template_preview"),
    # Signatories and imports
    path(
        "kegiatan/<int:pk>/penanda-tangan/tambah/",
        staff_signatories.signatory_add,
        name="signatory_add",
    ),
    path(
        "kegiatan/<int:pk>/penanda-tangan/<int:signatory_pk>/ubah/",
        staff_signatories.signatory_edit,
        name="signatory_edit",
    ),
    path(
        "kegiatan/<int:pk>/penanda-tangan/<int:signatory_pk>/urutan/",
        staff_signatories.signatory_order,
        name="signatory_order",
    ),
    path(
        "kegiatan/<int:pk>/penanda-tangan/<int:signatory_pk>/hapus/",
        staff_signatories.signatory_delete,
        name="signatory_delete",
    ),
    path(
        "kegiatan/<int:pk>/penanda-tangan/<int:signatory_pk>/wakil/",
        stand_ins.signatory_representative,
        name="signatory_representative",
    ),
    path(
        "kegiatan/<int:pk>/penanda-tangan/<int:signatory_pk>/tanda-tangan-basah/",
        stand_ins.paper_signature,
        name="paper_signature",
    ),
    path(
        "kegiatan/<int:pk>/penanda-tangan/<int:signatory_pk>/tanda-tangan-basah/pindaian/",
        stand_ins.paper_scan,
        name="paper_scan",
    ),
    path("kegiatan/<int:pk>/impor/", staff_signatories.import_upload, name="import_upload"),
    path("kegiatan/<int:pk>/impor/simpan/", staff_signatories.import_commit, name="import_commit"),
    path(
        "kegiatan/<int:pk>/impor/<int:run_pk>/",
        staff_signatories.import_result,
        name="import_result",
    ),
    path(
        "kegiatan/<int:pk>/impor/templat.<sheet:fmt>",
        staff_signatories.import_template,
        name="import_template",
    ),
    # Reports
    path("kegiatan/<int:pk>/cakupan/", staff_reports.coverage, name="coverage"),
    path("kegiatan/<int:pk>/progres/", staff_reports.progress, name="progress"),
    path("kegiatan/<int:pk>/progres/langsung/", staff_reports.progress_live, name="progress_live"),
    path("kegiatan/<int:pk>/ekspor.<sheet:fmt>", staff_reports.export, name="export"),
    path("rekap/", national.national_page, name="national"),
    path("rekap/ekspor.<sheet:fmt>", national.national_export, name="national_export"),
    # A person's record across events (the NIP is POSTed, never in a URL)
    path("rekam-jejak/", person_records.search, name="person_search"),
    path("rekam-jejak/buat/", person_records.make, name="person_record_make"),
    path("rekam-jejak/<int:pk>/", person_records.record, name="person_record"),
    path("rekam-jejak/<int:pk>/unduh/", person_records.download, name="person_record_download"),
    # The report after the event
    path("kegiatan/<int:pk>/laporan/", reports.laporan, name="laporan"),
    path("kegiatan/<int:pk>/laporan/teks.txt", reports.laporan_text, name="laporan_text"),
    path("kegiatan/<int:pk>/laporan/foto/<int:photo_pk>/", reports.photo, name="laporan_photo"),
    path(
        "kegiatan/<int:pk>/laporan/foto/<int:photo_pk>/hapus/",
        reports.photo_delete,
        name="laporan_photo_delete",
    ),
    # Signing stations
    path("kegiatan/<int:pk>/meja/", stations.stations, name="stations"),
    path("kegiatan/<int:pk>/meja/buka/", stations.station_open, name="station_open"),
    path(
        "kegiatan/<int:pk>/meja/<int:station_pk>/cabut/",
        stations.station_revoke,
        name="station_revoke",
    ),
    # Venue screens
    path("kegiatan/<int:pk>/layar/buka/", venue.display_open, name="display_open"),
    path(
        "kegiatan/<int:pk>/layar/<int:display_pk>/langkah/",
        venue.display_move,
        name="display_move",
    ),
    path(
        "kegiatan/<int:pk>/layar/<int:display_pk>/cabut/",
        venue.display_revoke,
        name="display_revoke",
    ),
    # Documents
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
    path("kegiatan/<int:pk>/dokumen/zip/buat/", documents.build_zip, name="build_zip"),
    path(
        "kegiatan/<int:pk>/dokumen/zip/<int:archive_pk>/unduh/",
        documents.download_zip,
        name="download_zip",
    ),
]

# The tablet's URLs carry no event id: the station its cookie is bound to decides.
kiosk_patterns = [
    path("", kiosk.home, name="home"),
    path("sw.js", kiosk.service_worker, name="service_worker"),
    path("api/penanda-tangan/", kiosk.signatories, name="signatories"),
    path("api/daftar/", kiosk.walk_in, name="walk_in"),
    path("api/wilayah/", kiosk.regions, name="regions"),
    path("logo/", kiosk.logo, name="logo"),
    path("api/tanda-tangan/", kiosk.sign, name="sign"),
    path("api/status/", kiosk.status, name="status"),
    path("api/salinan/", copies.issue, name="copy"),
    # The token comes in the POSTed body, never in the path (access logs keep paths).
    path("hubungkan/", kiosk.bind, name="bind"),
    path("<slug:token>/", kiosk.old_link, name="old_link"),
]

public_patterns = [
    path("verifikasi/<str:code>/", public.verify, name="verify"),
]

# The projector's screen: its token is sent in a header, never in a path.
venue_patterns = [
    path("", venue.display, name="display"),
    path("api/keadaan/", venue.display_state, name="state"),
    path("api/langkah/", venue.display_step, name="step"),
]

# What a signer's phone opens from the thank-you screen's QR code.
copy_patterns = [
    path("<str:code>/", copies.copy, name="copy"),
    path("<str:code>/unduh/", copies.download, name="download"),
]

urlpatterns = [
    path("meja/", include((kiosk_patterns, "kiosk"))),
    path("layar/", include((venue_patterns, "venue"))),
    path("salinan/", include((copy_patterns, "copies"))),
    path("", include((public_patterns, "public"))),
    path("", include((staff_patterns, "staff"))),
]
