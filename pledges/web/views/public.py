"""Public pages: anyone holding a PDF can check it here, without an account."""

import hashlib

from django import forms
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from pledges.core.certificate_names import name_fields
from pledges.core.dates import clock_time, long_date
from pledges.core.nip import mask_nip
from pledges.core.time_zones import zone_of_unit
from pledges.errors import PledgeError
from pledges.models import Document, Signatory
from pledges.rendering import sealing
from pledges.services import trail
from pledges.services.copies import copy_document, find_copy
from pledges.web.access import rate_from_setting

MAX_UPLOAD = 20 * 1024 * 1024


class CheckPdfForm(forms.Form):
    pdf = forms.FileField(
        label=_("Berkas PDF yang ingin diperiksa"),
        error_messages={
            "required": _("Pilih berkas PDF yang ingin diperiksa."),
            "empty": _("Berkas yang diunggah kosong."),
        },
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Berkas lebih besar dari 20 MB; itu bukan dokumen ini."))
        return upload


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=rate_from_setting("VERIFY_UPLOAD_RATE"), method="POST", block=True)
def verify(request, code):
    document = (
        Document.objects.filter(verification_code=code.upper(), status=Document.Status.READY)
        .select_related("event__unit", "event__region", "unit__region")
        .first()
    )
    if document is None:
        # The short code a signer took home from the tablet names their pakta integritas.
        copy = find_copy(code)
        found = copy_document(copy, queue_if_missing=False) if copy else None
        if found is not None and found.status == Document.Status.READY:
            return redirect(found.verification_path())
        return render(request, "pledges/public/not_found.html", status=404)
    form = CheckPdfForm(request.POST, request.FILES) if request.method == "POST" else CheckPdfForm()
    matches = None
    if form.is_bound and form.is_valid():
        digest = hashlib.sha256()
        for chunk in form.cleaned_data["pdf"].chunks():
            digest.update(chunk)
        matches = digest.hexdigest() == document.sha256
    if document.kind == Document.Kind.REKAM_JEJAK:
        return _verify_record(request, document, form, matches)
    return render(
        request,
        "pledges/public/verify.html",
        {
            "document": document,
            "event": document.event,
            "event_when": _when(document.event.starts_at, document.event.region),
            "made_when": _when(document.created_at, document.event.region),
            "signers": _signers(document, request.GET.get("halaman")),
            "seal": _seal_status(document),
            "audit": _audit_head(document),
            "form": form,
            "matches": matches,
        },
    )


# The page costs the same for a deklarasi of 600 signers as for one person:
# the list is shown a page at a time, read as plain values.
SIGNERS_PER_PAGE = 50


def _signers(document: Document, page_number) -> Page | None:
    if document.signatory_id:
        people = Signatory.objects.filter(pk=document.signatory_id)
    elif document.kind == Document.Kind.DEKLARASI:
        people = document.event.signatories.filter(
            signature__signed_at__lte=document.created_at
        ).in_protocol_order()
    else:
        return None
    rows = people.values(
        "full_name",
        "nip",
        "position",
        "signature__signed_at",
        "signature__paper__sha256",
        "representation__full_name",
        "representation__position",
    )
    page = Paginator(rows, SIGNERS_PER_PAGE).get_page(page_number)
    region = document.event.region
    page.object_list = [
        {
            "full_name": person["full_name"],
            "nip": mask_nip(person["nip"]),
            "position": person["position"],
            "signed_at": _when(person["signature__signed_at"], region),
            "on_paper": person["signature__paper__sha256"] is not None,
            "representative": person["representation__full_name"],
            "representative_position": person["representation__position"],
        }
        for person in page.object_list
    ]
    return page


def _verify_record(request, document: Document, form, matches):
    """A person's record spans events: it names its issuer and a masked NIP, not an event."""
    unit = document.unit
    return render(
        request,
        "pledges/public/verify_record.html",
        {
            "document": document,
            "unit": unit,
            "nip": mask_nip(document.subject_nip),
            "made_when": _when(document.created_at, zone_of_unit(unit)),
            "seal": _seal_status(document),
            "form": form,
            "matches": matches,
        },
    )


def _when(moment, region) -> str:
    # Spelled out here, not by the active locale: a visitor's browser may ask for English.
    return f"{long_date(moment, region)}, {clock_time(moment, region)}"


def _to_the_second(moment, region) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(region.time_zone)
    return f"{long_date(moment, region)}, {local:%H.%M.%S} {region.time_zone_abbreviation}"


def _audit_head(document: Document) -> dict | None:
    """The head of the event's audit trail printed on the document, and whether it still holds."""
    if not document.audit_head:
        return None
    head = trail.Head(document.audit_length, document.audit_head, document.audit_head_at)
    return {
        **head.printed(document.event.region),
        "intact": trail.still_leads_to(document.event_id, head.length, head.hash),
    }


def _seal_status(document: Document) -> dict:
    """The seal as checked when the PDF was stored: the file is never opened here.

    A document stored before that check was recorded has no result
    (`checked` False): the page says so rather than guess. Whether the
    certificate was a development one is read from the recorded signer, so a
    document keeps its own answer when the server's certificate changes.
    """
    try:
        certificate = sealing.current_certificate()
    except PledgeError:
        certificate = None
    region = document.event.region if document.event_id else zone_of_unit(document.unit)
    if document.seal_signer:
        development = sealing.DEV_CERT_MARK in document.seal_signer
    else:
        development = bool(certificate and certificate.is_development)
    return {
        "checked": document.seal_valid is not None,
        "valid": bool(document.seal_valid),
        "signer": name_fields(document.seal_signer),
        "signed_at": _to_the_second(document.seal_signed_at, region),
        "timestamp_at": _to_the_second(document.seal_timestamp_at, region),
        "timestamp_authority": name_fields(document.seal_timestamp_authority),
        "level": document.seal_level,
        "development": development,
    }
