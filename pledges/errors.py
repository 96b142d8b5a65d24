"""The one exception every domain rule raises, and the catalogue of its codes.

A refusal carries a stable `code` from `Code` (for programs, the kiosk's
script and tests) and an Indonesian `message` for the person who caused it.
Views, the kiosk API, the admin and commands show the message; nothing
else decides what a refusal means.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Code(models.TextChoices):
    """Every reason a domain operation can refuse, with what it means in Indonesian."""

    # Events and their life
    NOT_DRAFT = "not_draft", _("Kegiatan bukan draf")
    NOT_OPEN = "not_open", _("Kegiatan tidak sedang dibuka")
    CLOSED = "closed", _("Kegiatan sudah ditutup")
    EVENT_HAS_SIGNATURES = "event_has_signatures", _("Kegiatan sudah memiliki tanda tangan")
    EVENT_HAS_DOCUMENTS = "event_has_documents", _("Kegiatan sudah memiliki dokumen")
    TEMPLATE_FROZEN = "template_frozen", _("Templat kegiatan yang dibuka tidak dapat diganti")
    PLEDGE_FROZEN = "pledge_frozen", _("Teks ikrar yang dibekukan tidak dapat diubah")
    EVIDENCE_IMMUTABLE = "evidence_immutable", _("Bukti tidak dapat diubah")
    FIELD_LOCKED = "field_locked", _("Isian ini tidak dapat diubah pada status kegiatan ini")
    RETENTION = "retention", _("Masa simpan data pribadi belum berakhir")
    # Who may change what
    FORBIDDEN = "forbidden", _("Tidak berwenang")
    UNIT_HIERARCHY = "unit_hierarchy", _("Susunan unit Bawaslu tidak sah")
    OUTSIDE_JURISDICTION = "outside_jurisdiction", _("Wilayah di luar wilayah kerja unit")
    # Signatories and registration
    SIGNATORY_SIGNED = "signatory_signed", _("Penanda tangan sudah menandatangani")
    SIGNATORY_UNKNOWN = "signatory_unknown", _("Penanda tangan tidak dikenal")
    NIP_REQUIRED = "nip_required", _("NIP wajib diisi")
    NIP_INVALID = "nip_invalid", _("NIP tidak sah")
    NIP_NOT_DIGITS = "nip_not_digits", _("NIP bukan angka")
    NIP_LENGTH = "nip_length", _("Panjang NIP salah")
    NIP_BIRTH_DATE = "nip_birth_date", _("Tanggal lahir pada NIP tidak sah")
    NIP_TMT = "nip_tmt", _("TMT pada NIP tidak sah")
    NIP_TMT_TOO_EARLY = "nip_tmt_too_early", _("TMT pada NIP terlalu awal")
    NIP_TMT_FUTURE = "nip_tmt_future", _("TMT pada NIP di masa depan")
    NIP_GENDER = "nip_gender", _("Digit jenis kelamin pada NIP salah")
    NIP_DUPLICATE = "nip_duplicate", _("NIP sudah terdaftar")
    REGION_NOT_ALLOWED = "region_not_allowed", _("Wilayah tidak boleh diisi")
    REGION_OUTSIDE = "region_outside", _("Wilayah di luar kegiatan")
    REGION_KIND = "region_kind", _("Jenis wilayah tidak cocok")
    REGION_UNKNOWN = "region_unknown", _("Wilayah tidak dikenal")
    REGION_AMBIGUOUS = "region_ambiguous", _("Nama wilayah ganda")
    FIELD_REQUIRED = "field_required", _("Isian wajib kosong")
    FIELD_TOO_LONG = "field_too_long", _("Isian terlalu panjang")
    TEXT_INVALID = "text_invalid", _("Teks berisi karakter yang tidak diizinkan")
    CATEGORY_INVALID = "category_invalid", _("Kategori tidak dikenal")
    POSITION_INVALID = "position_invalid", _("Nomor urut tidak sah")
    # Imports and files
    FILE_TOO_LARGE = "file_too_large", _("Berkas terlalu besar")
    FILE_EMPTY = "file_empty", _("Berkas kosong")
    FILE_OLD_EXCEL = "file_old_excel", _("Berkas Excel lama")
    FILE_NOT_SPREADSHEET = "file_not_spreadsheet", _("Bukan lembar kerja")
    FILE_DAMAGED = "file_damaged", _("Berkas lembar kerja rusak")
    FILE_TOO_MANY_ROWS = "file_too_many_rows", _("Terlalu banyak baris")
    FILE_BAD_HEADERS = "file_bad_headers", _("Judul kolom salah")
    IMPORT_CONFLICT = "import_conflict", _("Bentrok dengan pendaftaran lain")
    IMPORT_HAS_ERRORS = "import_has_errors", _("Ada baris bermasalah")
    IMPORT_NOTHING_VALID = "import_nothing_valid", _("Tidak ada baris yang sah")
    # Stations and the kiosk
    NO_STATION = "no_station", _("Tablet belum terhubung ke meja")
    STATION_UNKNOWN = "station_unknown", _("Meja tidak dikenal")
    STATION_REVOKED = "station_revoked", _("Meja sudah dicabut")
    EVENT_CLOSED = "event_closed", _("Kegiatan sudah ditutup")
    EVENT_NOT_OPEN = "event_not_open", _("Kegiatan belum dibuka")
    LABEL_REQUIRED = "label_required", _("Nama meja kosong")
    LABEL_TOO_LONG = "label_too_long", _("Nama meja terlalu panjang")
    DISPLAY_UNKNOWN = "display_unknown", _("Layar acara tidak dikenal")
    DISPLAY_REVOKED = "display_revoked", _("Layar acara sudah dicabut")
    COPY_UNKNOWN = "copy_unknown", _("Kode salinan tidak dikenal")
    COPY_EXPIRED = "copy_expired", _("Tautan salinan kedaluwarsa")
    COPY_USED = "copy_used", _("Tautan salinan sudah dipakai")
    COPY_NOT_ISSUABLE = "copy_not_issuable", _("Salinan tidak dapat diberikan")
    WALK_IN_NOT_ALLOWED = "walk_in_not_allowed", _("Pendaftaran di tempat tidak diizinkan")
    TOO_LARGE = "too_large", _("Data terlalu besar")
    BAD_JSON = "bad_json", _("Data tidak dikenali")
    BAD_REQUEST = "bad_request", _("Permintaan tidak sah")
    CSRF_FAILED = "csrf_failed", _("Sesi halaman kedaluwarsa")
    RATE_LIMITED = "rate_limited", _("Terlalu banyak permintaan")
    DATABASE_UNAVAILABLE = "database_unavailable", _("Basis data tidak terhubung")
    # Signatures and strokes
    ALREADY_SIGNED = "already_signed", _("Sudah menandatangani")
    IDEMPOTENCY_CONFLICT = "idempotency_conflict", _("Kunci pengiriman sudah dipakai")
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid", _("Kunci pengiriman tidak sah")
    PLEDGE_CHANGED = "pledge_changed", _("Teks ikrar di layar berbeda")
    SIGNATURE_IMMUTABLE = "signature_immutable", _("Tanda tangan tidak dapat diubah")
    STROKES_EMPTY = "strokes_empty", _("Tanda tangan kosong")
    STROKES_INVALID = "strokes_invalid", _("Goresan tidak sah")
    TOO_MANY_STROKES = "too_many_strokes", _("Terlalu banyak goresan")
    TOO_MANY_POINTS = "too_many_points", _("Terlalu banyak titik")
    TOO_LITTLE_INK = "too_little_ink", _("Tanda tangan terlalu kecil")
    OUT_OF_RANGE = "out_of_range", _("Titik di luar bidang tanda tangan")
    CANVAS_SIZE = "canvas_size", _("Ukuran bidang tanda tangan tidak sah")
    SCAN_NOT_IMAGE = "scan_not_image", _("Pindaian bukan gambar JPG atau PNG")
    SCAN_TOO_LARGE = "scan_too_large", _("Pindaian terlalu besar")
    REPRESENTATION_NOT_ALLOWED = "representation_not_allowed", _("Perwakilan tidak diizinkan")
    # Templates
    TEMPLATE_SIGNED = "template_signed", _("Templat sudah ditandatangani")
    TEMPLATE_NOT_CURRENT = "template_not_current", _("Bukan versi templat terbaru")
    TEMPLATE_WORDING = "template_wording", _("Bentuk perorangan atau bersama tidak sesuai")
    # Backups
    BACKUP = "backup", _("Bukan folder cadangan")
    BACKUP_DAMAGED = "backup_damaged", _("Berkas cadangan rusak")
    BACKUP_VENDOR = "backup_vendor", _("Cadangan dari basis data lain")
    RESTORE_NOT_EMPTY = "restore_not_empty", _("Basis data tujuan tidak kosong")
    # Documents and seals
    UNKNOWN_KIND = "unknown_kind", _("Jenis dokumen tidak dikenal")
    NO_SIGNER = "no_signer", _("Dokumen perorangan perlu penanda tangan")
    NO_SIGNATORIES = "no_signatories", _("Belum ada penanda tangan")
    NO_SIGNATURES = "no_signatures", _("Belum ada tanda tangan")
    NOT_SIGNED = "not_signed", _("Belum menandatangani")
    NO_PLEDGES_FOR_NIP = "no_pledges_for_nip", _("Tidak ada ikrar untuk NIP ini")
    NO_ISSUING_UNIT = "no_issuing_unit", _("Akun tanpa unit penerbit")
    PHOTO_TOO_LARGE = "photo_too_large", _("Foto terlalu besar")
    NO_READY_DOCUMENTS = "no_ready_documents", _("Belum ada PDF perorangan yang siap")
    PADES_NOT_CONFIGURED = "pades_not_configured", _("Sertifikat segel belum diatur")
    PADES_BAD_CERTIFICATE = "pades_bad_certificate", _("Sertifikat segel tidak sah")
    PADES_TIMESTAMP_FAILED = "pades_timestamp_failed", _("Cap waktu atau data validasi gagal")


class PledgeError(Exception):
    """A domain rule was broken.

    `code` is a `Code` (stable, for programs and tests); `message` is the
    Indonesian sentence shown to the person who caused it. An unknown code
    is a programming error and fails at once.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = str(message)
        self.code = Code(code)

    def __str__(self):
        return self.message
