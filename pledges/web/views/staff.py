"""Staff pages for events: the list, creating and editing, opening, closing, deleting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from pledges.errors import PledgeError
from pledges.models import Event, PledgeTemplate, Region
from pledges.services import events as event_ops
from pledges.services.stats import event_counts
from pledges.services.visibility import events_visible_to
from pledges.web.access import get_event_for, unit_for_new_events
from pledges.web.forms import EventFilterForm, EventForm, SignatoryFilterForm

EVENTS_PER_PAGE = 25
SIGNATORIES_PER_PAGE = 50
# What a row of the signatory list shows: never the signature's strokes or picture.
SIGNATORY_LIST_FIELDS = (
    "event_id",
    "full_name",
    "nip",
    "position",
    "category",
    "agency",
    "registration",
    "protocol_position",
    "led_region",
    "led_region__name",
    "signature__signed_at",
    "signature__paper__sha256",
    "representation__full_name",
    "representation__position",
    "representation__letter_number",
)


@login_required
def home(request):
    visible = events_visible_to(request.user)
    filters = EventFilterForm(request.GET or None, events=visible)
    events = filters.filter(visible).select_related("region", "unit").order_by("-starts_at", "-pk")
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    # Counts for this page's events only: closed events carry theirs (pledges.services.stats).
    counts = event_counts(page.object_list)
    for event in page.object_list:
        event.registered, event.signed = counts[event.pk]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pledges/staff/home.html",
        {"events": page.object_list, "page": page, "filters": filters, "query": query.urlencode()},
    )


@login_required
def event_detail(request, pk):
    """The event's signatories a page at a time, in protocol order, searched and filtered.

    Costs the same queries at 50 signatories as at 5,000. An htmx request
    (typing in the search box, a filter, a page link) gets only the list.
    """
    event = get_event_for(request.user, pk)
    filters = SignatoryFilterForm(request.GET)
    signatories = (
        filters.signatories(event)
        .select_related("signature__paper", "representation", "led_region")
        .only(*SIGNATORY_LIST_FIELDS)
    )
    registered, signed = event_counts([event])[event.pk]
    paginator = Paginator(signatories, SIGNATORIES_PER_PAGE)
    if not filters.active:
        paginator.count = registered  # counted already: no second COUNT of the same rows
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "event": event,
        "tab": "signatories",
        "filters": filters,
        "page": page,
        "registered": registered,
        "signed": signed,
        "query": query.urlencode(),
    }
    headers = request.headers
    partial = "hx-request" in headers and "hx-history-restore-request" not in headers
    template = "pledges/staff/_signatory_list.html" if partial else "pledges/staff/event.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def event_create(request):
    unit = unit_for_new_events(request.user)
    if unit is None:
        # A superuser without a unit manages events in the admin instead.
        messages.error(request, _("Akun Anda tidak terhubung ke unit Bawaslu mana pun."))
        return redirect("staff:home")
    # A kabupaten/kota unit usually holds its events in its own region.
    region = unit.region_id if unit.level == unit.Level.KABKOTA else None
    form = EventForm(request.POST or None, instance=Event(unit=unit, region_id=region))
    if form.is_valid():
        try:
            event = event_ops.save_event(form.instance, user=request.user)
        except PledgeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Kegiatan dibuat sebagai draf."))
            return redirect(event)
    return render(request, "pledges/staff/event_form.html", {"form": form})


@login_required
def event_edit(request, pk):
    event = get_event_for(request.user, pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_ops.save_event(form.instance)
        except PledgeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Perubahan kegiatan disimpan."))
            return redirect(event)
    return render(request, "pledges/staff/event_form.html", {"form": form, "event": event})


# action -> (domain operation, question, button, done message)
TRANSITIONS = {
    "open": (
        event_ops.open_event,
        _lazy(
            "Buka kegiatan ini untuk penandatanganan? Teks ikrar akan dibekukan dan "
            "tidak dapat diganti lagi."
        ),
        _lazy("Ya, buka kegiatan"),
        _lazy("Kegiatan dibuka; teks ikrar dibekukan."),
    ),
    "close": (
        event_ops.close_event,
        _lazy(
            "Tutup kegiatan ini? Setelah ditutup tidak ada pendaftaran atau tanda tangan "
            "yang diterima lagi."
        ),
        _lazy("Ya, tutup kegiatan"),
        _lazy("Kegiatan ditutup."),
    ),
    "delete": (
        event_ops.delete_event,
        _lazy(
            "Hapus kegiatan ini beserta daftar penanda tangannya? "
            "Tindakan ini tidak dapat dibatalkan."
        ),
        _lazy("Ya, hapus kegiatan"),
        _lazy("Kegiatan dihapus."),
    ),
}


def _transition(request, pk, action):
    event = get_event_for(request.user, pk)
    operation, question, button, done = TRANSITIONS[action]
    if request.method == "POST":
        try:
            operation(event)
        except PledgeError as error:
            messages.error(request, error.message)
            return redirect(event)
        messages.success(request, done)
        return redirect("staff:home" if action == "delete" else event)
    return render(
        request,
        "pledges/staff/event_confirm.html",
        {"event": event, "question": question, "button": button, "action": action},
    )


@login_required
def event_open(request, pk):
    return _transition(request, pk, "open")


@login_required
def event_close(request, pk):
    return _transition(request, pk, "close")


@login_required
def event_delete(request, pk):
    return _transition(request, pk, "delete")


@login_required
@require_GET
def region_search(request):
    """<option>s of kabupaten/kota whose name contains ?q=, for the event form (htmx)."""
    query = request.GET.get("q", "").strip()
    regencies = Region.objects.filter(level=Region.Level.REGENCY).select_related("parent")
    regions = []
    if len(query) >= 2:
        regions = list(
            regencies.filter(Q(name__icontains=query) | Q(parent__name__icontains=query)).order_by(
                "name"
            )[:30]
        )
    # The region already chosen stays chosen while the person searches on: on
    # top when it matches what was typed, else after the matches.
    matches = len(regions)
    chosen = regencies.filter(code=request.GET.get("region", "")).first()
    if chosen and chosen in regions:
        regions.remove(chosen)
        regions.insert(0, chosen)
    elif chosen:
        regions.append(chosen)
    return render(
        request,
        "pledges/staff/_region_options.html",
        {"regions": regions, "chosen": chosen, "searched": len(query) >= 2, "matches": matches},
    )


@login_required
@require_GET
def template_preview(request):
    """The full text of the pledge template ?template=<pk>, for the event form (htmx)."""
    template = None
    if request.GET.get("template", "").isdigit():
        template = PledgeTemplate.objects.filter(pk=request.GET["template"]).first()
        if template is None:
            raise Http404
    return render(request, "pledges/staff/_template_preview.html", {"template": template})
