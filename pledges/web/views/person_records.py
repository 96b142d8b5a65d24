"""Staff pages for a person's record (rekam jejak ikrar): search a NIP, make its sealed PDF.

The NIP travels only in POSTed bodies, never in a URL: access logs keep URLs.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from pledges.core.nip import format_nip
from pledges.errors import PledgeError
from pledges.models import Document
from pledges.services import documents, person_records, tasks
from pledges.services.visibility import units_visible_to
from pledges.web.views.files import document_download


class NipForm(forms.Form):
    nip = forms.CharField(
        label=_("NIP"),
        max_length=40,
        error_messages={"required": _("Ketik NIP 18 digit yang ingin ditelusuri.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    form = NipForm(request.POST or None)
    context = {"form": form, "rows": None}
    if form.is_valid():
        try:
            nip, rows = person_records.find_pledges(request.user, form.cleaned_data["nip"])
        except PledgeError as error:
            form.add_error("nip", error.message)
        else:
            context.update(nip=nip, nip_shown=format_nip(nip), rows=rows)
    return render(request, "pledges/staff/person_record.html", context)


@login_required
@require_POST
def make(request):
    form = NipForm(request.POST)
    if not form.is_valid():
        return render(request, "pledges/staff/person_record.html", {"form": form, "rows": None})
    try:
        document = tasks.enqueue_record(request.user, form.cleaned_data["nip"])
    except PledgeError as error:
        form.add_error("nip", error.message)
        return render(request, "pledges/staff/person_record.html", {"form": form, "rows": None})
    return redirect("staff:person_record", document.pk)


def _record_for(user, pk) -> Document:
    return get_object_or_404(
        Document.objects.filter(
            kind=Document.Kind.REKAM_JEJAK, unit__in=units_visible_to(user)
        ).select_related("unit"),
        pk=pk,
    )


@login_required
def record(request, pk):
    """One record's status; polled by htmx while it is being made."""
    document = _record_for(request.user, pk)
    polled = request.headers.get("HX-Request")
    return render(
        request,
        "pledges/staff/_person_record_status.html"
        if polled
        else "pledges/staff/person_record_document.html",
        {"document": document, "pending": documents.is_in_progress(document)},
    )


@login_required
def download(request, pk):
    document = _record_for(request.user, pk)
    if document.status != Document.Status.READY:
        return redirect("staff:person_record", document.pk)
    return document_download(document)
