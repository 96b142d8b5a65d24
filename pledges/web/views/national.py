"""The national picture for RI and provinsi staff: coverage per province or kab/kota."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.text import slugify

from pledges.models import Region, Signatory
from pledges.rendering.spreadsheets import write_table
from pledges.services import national
from pledges.services.visibility import events_visible_to
from pledges.web.views.files import attachment

# The categories a reader looks for first, as columns.
COLUMNS = (
    Signatory.Category.KEPALA_OPD,
    Signatory.Category.CAMAT,
    Signatory.Category.LURAH,
    Signatory.Category.KEPALA_DESA,
)


def _query(request):
    events = events_visible_to(request.user)
    elections = national.elections(events)
    election = request.GET.get("pemilihan", elections[0] if elections else "")
    if election not in elections:
        election = ""
    province = request.GET.get("provinsi", "")
    if not Region.objects.filter(code=province, level=Region.Level.PROVINCE).exists():
        province = ""
    sort = request.GET.get("urut", "nama")
    sort = sort if sort in national.SORT_KEYS else "nama"
    descending = request.GET.get("arah") == "turun"
    picture = national.national_picture(events, election, province, sort, descending)
    return {
        "picture": picture,
        "elections": elections,
        "election": election,
        "province": Region.objects.filter(code=province).first() if province else None,
        "sort": sort,
        "descending": descending,
        "columns": [(value, Signatory.Category(value).label) for value in COLUMNS],
    }


@login_required
def national_page(request):
    context = _query(request)
    rows = context["picture"].rows
    context["chart"] = _chart(rows)
    for row in [*rows, context["picture"].total]:
        row.by_column = [row.signed_in(value) for value, _label in context["columns"]]
    context["sorting"] = _sort_links(context)
    context["query"] = urlencode(_params(context))
    return render(request, "pledges/staff/national.html", context)


def _params(context, **changes) -> dict:
    params = {
        "pemilihan": context["election"],
        "provinsi": context["province"].code if context["province"] else "",
        "urut": context["sort"],
        "arah": "turun" if context["descending"] else "naik",
        **changes,
    }
    return {key: value for key, value in params.items() if value}


def _sort_links(context) -> dict:
    """Per column: the link that sorts by it (again: the other way) and its aria-sort."""
    links = {}
    for key in national.SORT_KEYS:
        current = context["sort"] == key
        descending = not context["descending"] if current else key != "nama"
        links[key] = {
            "url": "?"
            + urlencode(_params(context, urut=key, arah="turun" if descending else "naik")),
            "aria": ("descending" if context["descending"] else "ascending") if current else "none",
        }
    return links


def _chart(rows) -> dict:
    """A horizontal bar per row: the share of regions whose leader signed (SVG, no script)."""
    bar_height, gap, label_width, width = 18, 6, 210, 640
    bars = []
    for number, row in enumerate(rows):
        value = row.coverage or 0
        bars.append(
            {
                "y": number * (bar_height + gap),
                # A string: the template would write a float the Indonesian way, "22,5".
                "width": f"{(width - label_width - 60) * value / 100:.1f}",
                "text_y": number * (bar_height + gap) + bar_height - 5,
                "label": row.name,
                "value": "—" if row.coverage is None else f"{row.coverage} %",
                "tone": "low" if value < 50 else "mid" if value < 80 else "high",
            }
        )
    return {
        "bars": bars,
        "height": max(1, len(rows)) * (bar_height + gap),
        "bar_height": bar_height,
        "label_width": label_width,
        "width": width,
        "value_x": width - 52,
    }


@login_required
def national_export(request, fmt):
    context = _query(request)
    picture, columns = context["picture"], context["columns"]
    header = [
        "Kode wilayah",
        "Provinsi" if picture.level == "province" else "Kabupaten/kota",
        "Kegiatan",
        "Terdaftar",
        "Bertanda tangan",
        "% bertanda tangan",
        *[f"{label} bertanda tangan" for _value, label in columns],
        "Kecamatan dengan camat bertanda tangan",
        "Jumlah kecamatan",
        "Desa/kelurahan dengan lurah/kepala desa bertanda tangan",
        "Jumlah desa/kelurahan",
        "% cakupan wilayah",
    ]
    rows = [
        [
            row.code,
            row.name,
            row.events,
            row.registered,
            row.signed,
            row.percent if row.percent is not None else "",
            *[row.signed_in(value) for value, _label in columns],
            row.districts_covered,
            row.districts_total,
            row.villages_covered,
            row.villages_total,
            row.coverage if row.coverage is not None else "",
        ]
        for row in picture.rows
    ]
    place = context["province"].name if context["province"] else "nasional"
    basename = slugify(f"rekap-{place}-{context['election'] or 'semua-pemilihan'}")[:80]
    filename, mimetype, content = write_table(basename, fmt, header, rows)
    return attachment(filename, mimetype, content)
