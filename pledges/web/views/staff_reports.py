"""Staff reports: an event's coverage, live progress and export."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pledges.services import audit
from pledges.services.coverage import event_coverage
from pledges.services.exports import export_signatories
from pledges.services.stats import category_counts, latest_signatures
from pledges.web.access import get_event_for
from pledges.web.views.files import attachment


@login_required
def coverage(request, pk):
    event = get_event_for(request.user, pk)
    return render(
        request,
        "pledges/staff/coverage.html",
        {
            "event": event,
            "coverage": event_coverage(event),
            "categories": category_counts(event),
            "tab": "coverage",
        },
    )


def _progress_context(event):
    categories = category_counts(event)
    return {
        "event": event,
        "categories": categories,
        "registered": sum(row.registered for row in categories),
        "signed": sum(row.signed for row in categories),
        "latest": latest_signatures(event),
        "tab": "progress",
    }


@login_required
def progress(request, pk):
    event = get_event_for(request.user, pk)
    return render(request, "pledges/staff/progress.html", _progress_context(event))


@login_required
def progress_live(request, pk):
    """The part of the progress page that htmx refreshes every few seconds."""
    event = get_event_for(request.user, pk)
    return render(request, "pledges/staff/_progress_live.html", _progress_context(event))


@login_required
def export(request, pk, fmt):
    event = get_event_for(request.user, pk)
    filename, mimetype, content = export_signatories(event, fmt)
    # The file carries every full NIP: who took it, and when, is on record.
    audit.record("export", event, format=fmt, file=filename, bytes=len(content))
    return attachment(filename, mimetype, content)
