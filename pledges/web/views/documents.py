"""Staff pages for an event's documents: generate, follow progress, download."""

import tempfile
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pledges.errors import PledgeError
from pledges.models import Document
from pledges.services import audit, documents
from pledges.services.tasks import build_individual_documents_task
from pledges.web.access import get_event_for

COLLECTIVE_KINDS = (Document.Kind.DEKLARASI, Document.Kind.DAFTAR_HADIR)


@login_required
def event_documents(request, pk):
    event = get_event_for(request.user, pk)
    return render(request, "pledges/staff/documents.html", _overview(event, request))


# How many more polls (every 2 s) after a request, before a worker has
# created the first pending document; stops polling if no worker runs.
WAIT_POLLS = 30


@login_required
def documents_status(request, pk):
    """The part of the documents tab that htmx polls while something is being made."""
    event = get_event_for(request.user, pk)
    return render(request, "pledges/staff/_documents_status.html", _overview(event, request))


@login_required
@require_POST
def generate_document(request, pk, kind):
    event = get_event_for(request.user, pk)
    if kind not in COLLECTIVE_KINDS and kind != Document.Kind.PAKTA_INTEGRITAS:
        raise Http404
    try:
        if kind in COLLECTIVE_KINDS:
            finished = documents.enqueue_document(event, kind).status != Document.Status.PENDING
        else:
            result = build_individual_documents_task.enqueue(event.pk)
            finished = result.is_finished
    except PledgeError as error:
        messages.error(request, error.message)
        return redirect("staff:event_documents", event.pk)
    url = reverse("staff:event_documents", args=[event.pk])
    # A background worker may take a moment to start: keep polling meanwhile.
    return redirect(url if finished else f"{url}?menunggu={WAIT_POLLS}")


@login_required
def signatory_document(request, pk, signatory_pk):
    """A signer's pakta integritas, made on the first request if it does not exist yet."""
    event = get_event_for(request.user, pk)
    signatory = get_object_or_404(event.signatories.select_related("signature"), pk=signatory_pk)
    try:
        document = documents.make_document(event, Document.Kind.PAKTA_INTEGRITAS, signatory)
    except PledgeError as error:
        messages.error(request, error.message)
        return redirect("staff:event_documents", event.pk)
    if document.status != Document.Status.READY:
        messages.error(request, document.error or _("PDF sedang dibuat; coba lagi sebentar."))
        return redirect("staff:event_documents", event.pk)
    return redirect("staff:download_document", event.pk, document.pk)


@login_required
def download_document(request, pk, document_pk):
    """Every download of a stored PDF or of the ZIP goes through here (access, audit)."""
    event = get_event_for(request.user, pk)
    if document_pk == "zip":
        return _download_zip(event)
    document = get_object_or_404(
        event.documents.filter(status=Document.Status.READY), pk=document_pk
    )
    audit.record("download", document, sha256=document.sha256)
    filename = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=documents.PDF,
    )


def _download_zip(event):
    ready = list(documents.latest_individual_documents(event, Document.Status.READY).values())
    if not ready:
        raise Http404
    # Spooled to disk: 600 PDFs should not sit in a web worker's memory.
    # FileResponse owns and closes it once sent, so no `with` here.
    archive = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
        for document in ready:
            with document.file.open("rb") as handle:
                bundle.writestr(document.file.name.rsplit("/", 1)[-1], handle.read())
    archive.seek(0)
    audit.record("download", event, documents="zip", count=len(ready))
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"pakta-integritas-{slugify(event.title)[:60]}.zip",
        content_type="application/zip",
    )


def _waiting_polls(request) -> int:
    try:
        return max(0, min(WAIT_POLLS, int(request.GET.get("menunggu", 0))))
    except ValueError:
        return 0


def _overview(event, request) -> dict:
    collective = event.documents.filter(kind__in=COLLECTIVE_KINDS).order_by("-created_at")
    latest_individual = documents.latest_individual_documents(event)
    signed = list(
        event.signatories.filter(signature__isnull=False)
        .select_related("signature")
        .order_by("full_name", "pk")
    )
    rows = [(signatory, latest_individual.get(signatory.pk)) for signatory in signed]
    statuses = [document.status for document in latest_individual.values()]
    pending = any(documents.is_in_progress(d) for d in [*collective, *latest_individual.values()])
    return {
        "event": event,
        "tab": "documents",
        "collective": collective,
        "rows": rows,
        "individual_ready": statuses.count(Document.Status.READY),
        "signed_count": len(signed),
        "pending": pending or _waiting_polls(request) > 0,
        "next_wait": max(0, _waiting_polls(request) - 1),
        "kinds": Document.Kind,
    }
