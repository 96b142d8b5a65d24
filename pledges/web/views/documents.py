"""Staff pages for an event's documents: generate, follow progress, download.

Nothing here renders a PDF or assembles a ZIP: the views queue that work
(`pledges.services.tasks`) and serve what is stored.
"""

from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pledges.errors import PledgeError
from pledges.models import Document
from pledges.services import archives, audit, documents, tasks
from pledges.services.filenames import event_file_name
from pledges.web.access import get_event_for
from pledges.web.views.files import document_download

COLLECTIVE_KINDS = (Document.Kind.DEKLARASI, Document.Kind.DAFTAR_HADIR, Document.Kind.LAPORAN)


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
    asked_at = int(timezone.now().timestamp())
    try:
        document = tasks.enqueue_document(event, kind)
    except PledgeError as error:
        messages.error(request, error.message)
        return redirect("staff:event_documents", event.pk)
    finished = tasks.runs_at_once() or (
        document is not None and document.status != Document.Status.PENDING
    )
    return _to_documents(event, finished, asked_at)


def _to_documents(event, finished: bool, asked_at: int | None = None):
    url = reverse("staff:event_documents", args=[event.pk])
    if finished:
        return redirect(url)
    # A background worker may take a moment to start: keep polling meanwhile,
    # until a document made since the request shows the worker has started.
    asked_at = asked_at if asked_at is not None else int(timezone.now().timestamp())
    return redirect(f"{url}?menunggu={WAIT_POLLS}&sejak={asked_at}")


@login_required
def signatory_document(request, pk, signatory_pk):
    """A signer's pakta integritas if it is ready; otherwise it is queued, and the page says so."""
    event = get_event_for(request.user, pk)
    signatory = get_object_or_404(event.signatories.select_related("signature"), pk=signatory_pk)
    try:
        document = tasks.enqueue_document(event, Document.Kind.PAKTA_INTEGRITAS, signatory)
    except PledgeError as error:
        messages.error(request, error.message)
        return redirect("staff:event_documents", event.pk)
    if document.status == Document.Status.READY:
        return redirect("staff:download_document", event.pk, document.pk)
    if document.status == Document.Status.FAILED:
        messages.error(request, document.error)
        return redirect("staff:event_documents", event.pk)
    messages.info(
        request,
        _(
            "Pakta integritas %(name)s sedang dibuat di latar belakang. Tombol unduhnya "
            "muncul di daftar ini begitu selesai."
        )
        % {"name": signatory.full_name},
    )
    # Its pending document is on the page already, which polls while it is made.
    return _to_documents(event, finished=True)


@login_required
@require_POST
def build_zip(request, pk):
    """Queue the ZIP of every ready pakta integritas; the documents page shows its progress."""
    event = get_event_for(request.user, pk)
    try:
        tasks.enqueue_archive(event, request.user)
    except PledgeError as error:
        messages.error(request, error.message)
        return redirect("staff:event_documents", event.pk)
    # The pending archive is on the page from now on, so it polls without waiting for it.
    return _to_documents(event, finished=True)


@login_required
def download_document(request, pk, document_pk):
    """Every download of a stored PDF goes through here (access, audit)."""
    event = get_event_for(request.user, pk)
    document = get_object_or_404(
        event.documents.filter(status=Document.Status.READY), pk=document_pk
    )
    return document_download(document)


@login_required
def download_zip(request, pk, archive_pk):
    """A finished ZIP of the event's individual PDFs (access, audit)."""
    event = get_event_for(request.user, pk)
    archive = get_object_or_404(event.archives.filter(status=Document.Status.READY), pk=archive_pk)
    audit.record("download", archive, event=event, count=archive.done, sha256=archive.sha256)
    return FileResponse(
        archive.file.open("rb"),
        as_attachment=True,
        filename=event_file_name(event, "pakta-integritas", "zip"),
        content_type="application/zip",
    )


def _asked_at(request) -> int | None:
    try:
        return int(request.GET["sejak"])
    except (KeyError, ValueError):
        return None


def _waiting_polls(request, event) -> int:
    """Polls left to wait for a worker to start; none once it has made a document since
    the request (from then on the documents' own status tells)."""
    try:
        polls = max(0, min(WAIT_POLLS, int(request.GET.get("menunggu", 0))))
    except ValueError:
        return 0
    asked_at = _asked_at(request)
    if polls and asked_at is not None:
        since = datetime.fromtimestamp(asked_at, tz=UTC)
        if event.documents.filter(created_at__gte=since).exists():
            return 0
    return polls


def _overview(event, request) -> dict:
    collective = event.documents.filter(kind__in=COLLECTIVE_KINDS).order_by("-created_at")
    latest_individual = documents.latest_individual_documents(event)
    # Without the signatures: their strokes would cost about a second per
    # poll at 600 signers, and the list shows none of them.
    signed = list(event.signatories.filter(signature__isnull=False).in_protocol_order())
    rows = [(signatory, latest_individual.get(signatory.pk)) for signatory in signed]
    statuses = [document.status for document in latest_individual.values()]
    pending = any(documents.is_in_progress(d) for d in [*collective, *latest_individual.values()])
    archive = archives.latest_archive(event)
    archive_in_progress = archives.is_in_progress(archive)
    individual_ready = statuses.count(Document.Status.READY)
    waiting = _waiting_polls(request, event)
    return {
        "event": event,
        "tab": "documents",
        "collective": collective,
        "rows": rows,
        "individual_ready": individual_ready,
        "signed_count": len(signed),
        "archive": archive,
        "archive_in_progress": archive_in_progress,
        "archive_outdated": archive is not None
        and archive.status == Document.Status.READY
        and archive.done != individual_ready,
        "documents_pending": pending or waiting > 0,
        "pending": pending or archive_in_progress or waiting > 0,
        "next_wait": max(0, waiting - 1),
        "asked_at": _asked_at(request),
        "kinds": Document.Kind,
    }
