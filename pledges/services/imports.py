"""Importing an event's signatories from a CSV or XLSX list.

Two steps: `read_import_file` + `check_rows` give a preview with every row's
problems and save nothing; `import_signatories` checks the same rows again
against the database as it is now and saves all of them, or only the valid
ones if asked, in one transaction.

From the staff pages the second step is a background task: `start_import`
records an `ImportRun` holding the checked rows (queued by
`pledges.services.tasks.enqueue_import`), and `run_import` carries it out,
recording the outcome on the run for the page that polls it.
"""

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pledges.errors import Code, PledgeError
from pledges.models import Event, ImportRun, Region, Signatory
from pledges.rendering.spreadsheets import EXACT_DIGITS, read_table, write_table
from pledges.services import audit
from pledges.services.rulebook import check_can_register
from pledges.services.signatories import (
    TEXT_FIELDS,
    check_led_region,
    clean_signatory_nip,
    clean_signatory_text,
)

logger = logging.getLogger(__name__)

# Column name in the file -> Signatory field. The order is the template's.
COLUMNS = {
    "nama_lengkap": "full_name",
    "nip": "nip",
    "jabatan": "position",
    "kategori": "category",
    "instansi": "agency",
    "wilayah": "led_region",
}
REQUIRED_COLUMNS = ("nama_lengkap", "jabatan", "kategori")
ALIASES = {
    "nama": "nama_lengkap",
    "instansi_opd": "instansi",
    "opd": "instansi",
    "wilayah_yang_dipimpin": "wilayah",
    "kode_wilayah": "wilayah",
}
# Columns of an export that belong to the old event; an export can be imported
# into the next event as it is.
EXPORT_ONLY_COLUMNS = {
    "cara_pendaftaran",
    "waktu_tanda_tangan",
    "meja_tanda_tangan",
    "cara_tanda_tangan",
    "diwakili_oleh",
}
REGION_PREFIXES = re.compile(r"^(kecamatan|kelurahan|desa|kec\.?|kel\.?|ds\.?)\s+")


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    fields: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # What the typed category and region were matched to, as the preview shows them.
    matched: dict[str, str] = field(default_factory=dict)


def read_import_file(name: str, data: bytes) -> list[dict]:
    """The data rows of an upload as [{"line": n, "values": {...}, "numeric": [...]}].

    `line` is the row number Excel shows. The result is plain JSON, fit to keep
    in the session between preview and commit; only the template's columns are
    kept of each row as it is read. Raises PledgeError for a file that cannot be
    read (see `read_table`) and "file_bad_headers" for missing, unknown or
    repeated columns.
    """
    table = read_table(name, data)
    _line, header = next(table)
    columns = [_column_name(cell) for cell in header]
    _check_headers(columns)
    columns = ["" if column in EXPORT_ONLY_COLUMNS else column for column in columns]
    rows = []
    for number, cells in table:
        values = dict.fromkeys(COLUMNS, "")
        numeric = []
        for column, cell in zip(columns, cells, strict=False):
            if column:
                values[column] = cell.strip()
                if getattr(cell, "numeric", False):
                    numeric.append(column)
        rows.append({"line": number, "values": values, "numeric": numeric})
    if not rows:
        raise PledgeError(_("Berkas hanya berisi judul kolom, tanpa data."), code=Code.FILE_EMPTY)
    return rows


def _column_name(header: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")
    return ALIASES.get(name, name)


def _check_headers(columns: list[str]) -> None:
    expected = ", ".join(COLUMNS)
    named = [column for column in columns if column]
    missing = [column for column in REQUIRED_COLUMNS if column not in named]
    unknown = [c for c in named if c not in COLUMNS and c not in EXPORT_ONLY_COLUMNS]
    # Counted once: a header row may be 16,384 cells wide.
    repeated = sorted(column for column, count in Counter(named).items() if count > 1)
    problems = []
    if missing:
        problems.append(_("kolom wajib tidak ada: %s") % ", ".join(missing))
    if unknown:
        problems.append(_("kolom tidak dikenal: %s") % _first_names(unknown))
    if repeated:
        problems.append(_("kolom ganda: %s") % _first_names(repeated))
    if problems:
        raise PledgeError(
            _("Judul kolom tidak sesuai templat (%(problems)s). Kolom yang dipakai: %(expected)s.")
            % {"problems": "; ".join(problems), "expected": expected},
            code=Code.FILE_BAD_HEADERS,
        )


def _first_names(names: list[str], shown: int = 10) -> str:
    listed = ", ".join(names[:shown])
    if len(names) > shown:
        listed += " " + _("dan %(count)d lainnya") % {"count": len(names) - shown}
    return listed


def check_rows(event: Event, raw_rows: list[dict]) -> list[ImportRow]:
    """Every row with its cleaned fields and its problems, against the database now.

    Runs a fixed number of queries whatever the number of rows.
    """
    regions = _RegionIndex(event.region)
    registered = dict(
        Signatory.objects.filter(event=event).exclude(nip="").values_list("nip", "full_name")
    )
    first_line_of_nip: dict[str, int] = {}
    rows = []
    for raw in raw_rows:
        row = ImportRow(line=raw["line"], values=raw["values"])
        _check_row(event, row, raw.get("numeric", []), regions)
        nip = row.fields.get("nip")
        if nip:
            if nip in registered:
                row.errors.append(
                    _("NIP %(nip)s sudah terdaftar pada kegiatan ini (%(name)s).")
                    % {"nip": nip, "name": registered[nip]}
                )
            elif nip in first_line_of_nip:
                row.errors.append(
                    _("NIP %(nip)s sama dengan baris %(line)d.")
                    % {"nip": nip, "line": first_line_of_nip[nip]}
                )
            else:
                first_line_of_nip[nip] = row.line
        rows.append(row)
    return rows


def _check_row(event, row, numeric, regions):
    values = row.values
    fields = {"registration": Signatory.Registration.IMPORT}
    for column, name in COLUMNS.items():
        if name in TEXT_FIELDS:
            try:
                fields.update(clean_signatory_text({name: values[column]}))
            except PledgeError as error:
                fields[name] = values[column]
                row.errors.append(error.message)
    if not fields["full_name"]:
        row.errors.append(_("Nama lengkap kosong."))
    if not fields["position"]:
        row.errors.append(_("Jabatan kosong."))
    if "nip" in numeric and len(values["nip"]) > EXACT_DIGITS:
        row.errors.append(
            _(
                "NIP tersimpan sebagai angka di Excel sehingga digit terakhirnya hilang; "
                "format kolom NIP sebagai Teks lalu ketik ulang."
            )
        )
    else:
        try:
            fields["nip"] = clean_signatory_nip(values["nip"])
        except PledgeError as error:
            row.errors.append(error.message)
    category = _category(values["kategori"])
    if category is None:
        row.errors.append(
            _("Kategori “%(value)s” tidak dikenal; gunakan salah satu: %(choices)s.")
            % {"value": values["kategori"], "choices": ", ".join(Signatory.Category.values)}
            if values["kategori"]
            else _("Kategori kosong.")
        )
    else:
        fields["category"] = category
        row.matched["category"] = str(Signatory.Category(category).label)
        _check_region(event, row, fields, category, regions)
    row.fields = fields


def _check_region(event, row, fields, category, regions):
    value = row.values["wilayah"]
    level = Signatory.REGION_LEVEL_FOR_CATEGORY.get(category)
    if level is None:
        if value:
            row.errors.append(_("Kolom wilayah hanya diisi untuk camat, lurah, dan kepala desa."))
        return
    if not value:
        row.errors.append(
            _("Wilayah yang dipimpin wajib diisi untuk %(category)s (nama atau kode).")
            % {"category": Signatory.Category(category).label.lower()}
        )
        return
    try:
        region = regions.find(value, level)
        check_led_region(event, category, region)
    except PledgeError as error:
        row.errors.append(error.message)
        return
    fields["led_region"] = region.code
    kind = _("Kec.") if region.level == Region.Level.DISTRICT else _("Kel.")
    if region.level == Region.Level.VILLAGE and not region.is_kelurahan:
        kind = _("Desa")
    row.matched["region"] = f"{kind} {region.name} ({region.code})"


def _category(value: str) -> str | None:
    wanted = re.sub(r"[^a-z]+", " ", value.lower()).strip()
    for choice in Signatory.Category:
        if wanted in (choice.value.replace("_", " "), str(choice.label).lower()):
            return choice.value
    return {
        "sekretaris daerah": "sekda",
        "kades": "kepala_desa",
        "asn": "asn_lainnya",
        "wakil": "wakil_kepala_daerah",
        "wakil bupati": "wakil_kepala_daerah",
        "wakil wali kota": "wakil_kepala_daerah",
    }.get(wanted)


def _region_key(name: str) -> str:
    return REGION_PREFIXES.sub("", " ".join(name.lower().split()))


class _RegionIndex:
    """The kecamatan and desa/kelurahan of one kab/kota, by code and by name (one query)."""

    def __init__(self, regency: Region):
        self.regency = regency
        self.by_code = {}
        self.by_name: dict[tuple[str, str], list[Region]] = {}
        for region in Region.objects.filter(code__startswith=regency.code + "."):
            self.by_code[region.code] = region
            self.by_name.setdefault((region.level, _region_key(region.name)), []).append(region)

    def find(self, value: str, level: str) -> Region:
        if re.fullmatch(r"[\d.]+", value):
            region = self.by_code.get(value) or self.by_code.get(f"{self.regency.code}.{value}")
            if region is None:
                raise PledgeError(
                    _("Kode wilayah %(code)s tidak ada di %(regency)s.")
                    % {"code": value, "regency": self.regency.name},
                    code=Code.REGION_UNKNOWN,
                )
            return region
        found = self.by_name.get((level, _region_key(value)), [])
        kind = _("kecamatan") if level == Region.Level.DISTRICT else _("desa/kelurahan")
        if not found:
            raise PledgeError(
                _("Tidak ada %(kind)s bernama “%(name)s” di %(regency)s.")
                % {"kind": kind, "name": value, "regency": self.regency.name},
                code=Code.REGION_UNKNOWN,
            )
        if len(found) > 1:
            raise PledgeError(
                _("Ada %(count)d %(kind)s bernama “%(name)s”; tulis kodenya: %(codes)s.")
                % {
                    "count": len(found),
                    "kind": kind,
                    "name": value,
                    "codes": ", ".join(region.code for region in found),
                },
                code=Code.REGION_AMBIGUOUS,
            )
        return found[0]


@dataclass
class ImportResult:
    created: list[Signatory]
    skipped: list[ImportRow]


def import_signatories(event: Event, raw_rows: list[dict], only_valid: bool = False):
    """Check `raw_rows` again and save them as signatories of `event`, in one transaction.

    With `only_valid` the rows that have problems now are skipped; otherwise
    any problem saves nothing. Returns an ImportResult. Raises PledgeError:
    "closed", "import_has_errors", "import_nothing_valid", "import_conflict"
    (a NIP was registered by someone else at the same moment).
    """
    try:
        with transaction.atomic():
            return _import(event, raw_rows, only_valid)
    except IntegrityError:
        raise PledgeError(
            _(
                "Sebagian NIP baru saja didaftarkan oleh pengguna atau meja lain; "
                "tidak ada yang disimpan. Unggah ulang berkas untuk memeriksanya lagi."
            ),
            code=Code.IMPORT_CONFLICT,
        ) from None


def _import(event, raw_rows, only_valid):
    # Locking the event makes two imports into it take turns.
    event = Event.objects.select_for_update().select_related("region").get(pk=event.pk)
    check_can_register(event)
    rows = check_rows(event, raw_rows)
    bad = [row for row in rows if row.errors]
    if bad and not only_valid:
        raise PledgeError(
            ngettext(
                "%(count)d baris bermasalah; tidak ada yang disimpan.",
                "%(count)d baris bermasalah; tidak ada yang disimpan.",
                len(bad),
            )
            % {"count": len(bad)},
            code=Code.IMPORT_HAS_ERRORS,
        )
    good = [row for row in rows if not row.errors]
    if not good:
        raise PledgeError(
            _("Tidak ada baris yang sah untuk disimpan."), code=Code.IMPORT_NOTHING_VALID
        )
    signatories = Signatory.objects.bulk_create(
        [_signatory(event, row.fields) for row in good], batch_size=500
    )
    audit.record_many("create", signatories, event=event)
    return ImportResult(created=signatories, skipped=bad)


def start_import(event: Event, token: str, filename: str, raw_rows: list[dict], only_valid, user):
    """The run of the preview `token`: the one under way or done, else a new pending one.

    Returns (run, whether it still has to be queued). A preview is imported
    once: committing it again returns its successful run; after a refusal
    (rows with problems) a new run may try again, e.g. with only the valid rows.
    """
    earlier = (
        ImportRun.objects.filter(event=event, token=token)
        .exclude(status=ImportRun.Status.FAILED)
        .first()
    )
    if earlier is not None:
        return earlier, False
    run = ImportRun.objects.create(
        event=event,
        token=token,
        filename=filename[:255],
        only_valid=only_valid,
        rows=raw_rows,
        total=len(raw_rows),
        requested_by=user,
    )
    return run, True


def run_import(run: ImportRun) -> ImportRun:
    """Carry out a pending import run; returns it done or failed (never raises PledgeError).

    All or nothing as `import_signatories`. A run found done already (a task
    requeued while its first run finished) is left as it is.
    """
    updated = ImportRun.objects.filter(
        pk=run.pk, status__in=[ImportRun.Status.PENDING, ImportRun.Status.RUNNING]
    ).update(status=ImportRun.Status.RUNNING)
    if not updated:
        run.refresh_from_db()
        return run
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().select_related("event").get(pk=run.pk)
        if run.is_finished:
            return run
        try:
            result = import_signatories(run.event, run.rows, only_valid=run.only_valid)
        except PledgeError as error:
            run.status = ImportRun.Status.FAILED
            run.error = error.message
            run.error_code = error.code
        except Exception:
            logger.exception("Import run %s failed", run.pk)
            run.status = ImportRun.Status.FAILED
            run.error = _(
                "Impor gagal karena galat di server; tidak ada yang disimpan. Coba lagi, "
                "atau hubungi pengelola server bila terulang."
            )
        else:
            run.status = ImportRun.Status.DONE
            run.created_count = len(result.created)
            run.skipped_lines = [row.line for row in result.skipped]
        run.rows = []
        run.finished_at = timezone.now()
        run.save()
    return run


def _signatory(event, fields):
    fields = dict(fields)
    region_code = fields.pop("led_region", None)
    return Signatory(event=event, led_region_id=region_code, **fields)


def import_template(event: Event, fmt: str) -> tuple[str, str, bytes]:
    """An empty import file for `event`, with the categories and its regions as a guide."""
    regions = Region.objects.filter(code__startswith=event.region_id + ".").order_by("code")
    guide = [[choice.value, str(choice.label)] for choice in Signatory.Category]
    sheets = {
        "Kategori": (["kategori", "keterangan"], guide),
        "Wilayah": (
            ["kode", "nama", "tingkat"],
            [[region.code, region.name, region.get_level_display()] for region in regions],
        ),
    }
    return write_table("templat-impor-penanda-tangan", fmt, list(COLUMNS), [], sheets)
