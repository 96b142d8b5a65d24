"""Staff pages for an event's signatories: add, edit, remove, import."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pledges.errors import PledgeError
from pledges.models import ImportRun, Signatory
from pledges.services import imports, tasks
from pledges.services.signatories import (
    MAX_PROTOCOL_POSITION,
    register_signatory,
    remove_signatory,
    set_protocol_position,
    update_signatory,
)
from pledges.web.access import get_event_for, get_signatory_for
from pledges.web.forms import (
    ImportCommitForm,
    ImportUploadForm,
    ProtocolPositionForm,
    SignatoryForm,
)
from pledges.web.views.files import attachment


@login_required
def signatory_add(request, pk):
    event = get_event_for(request.user, pk)
    form = SignatoryForm(request.POST or None, event=event)
    if form.is_valid():
        try:
            register_signatory(
                event, registration=Signatory.Registration.PRE_REGISTERED, **form.domain_fields()
            )
        except PledgeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("%(name)s didaftarkan.") % {"name": form.cleaned_data["full_name"]}
            )
            if "save_and_add" in request.POST:
                return redirect("staff:signatory_add", event.pk)
            return redirect(event)
    return render(
        request,
        "pledges/staff/signatory_form.html",
        {"event": event, "form": form, "tab": "signatories"},
    )


@login_required
def signatory_edit(request, pk, signatory_pk):
    event, signatory = get_signatory_for(request.user, pk, signatory_pk)
    form = SignatoryForm(request.POST or None, instance=signatory, event=event)
    if form.is_valid():
        try:
            update_signatory(signatory, **form.domain_fields())
        except PledgeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Data %(name)s disimpan.") % {"name": signatory})
            return redirect(event)
    return render(
        request,
        "pledges/staff/signatory_form.html",
        {"event": event, "form": form, "signatory": signatory, "tab": "signatories"},
    )


@login_required
def signatory_delete(request, pk, signatory_pk):
    event, signatory = get_signatory_for(request.user, pk, signatory_pk)
    if request.method == "POST":
        try:
            remove_signatory(signatory)
        except PledgeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s dihapus dari daftar.") % {"name": signatory})
        return redirect(event)
    return render(
        request,
        "pledges/staff/signatory_delete.html",
        {"event": event, "signatory": signatory, "tab": "signatories"},
    )


@login_required
def signatory_order(request, pk, signatory_pk):
    """Give one signatory, signed or not, a place in the event's order (or take it away)."""
    event, signatory = get_signatory_for(request.user, pk, signatory_pk)
    form = ProtocolPositionForm(
        request.POST or None, initial={"position": signatory.protocol_position}
    )
    if form.is_valid():
        try:
            set_protocol_position(signatory, form.cleaned_data["position"])
        except PledgeError as error:
            form.add_error(None, error.message)
        else:
            position = form.cleaned_data["position"]
            messages.success(
                request,
                _("%(name)s kini bernomor urut %(position)d.")
                % {"name": signatory, "position": position}
                if position
                else _("%(name)s kini mengikuti urutan protokol baku.") % {"name": signatory},
            )
            return redirect(event)
    return render(
        request,
        "pledges/staff/signatory_order.html",
        {
            "event": event,
            "signatory": signatory,
            "form": form,
            "max_position": MAX_PROTOCOL_POSITION,
            "tab": "signatories",
        },
    )


@login_required
def import_template(request, pk, fmt):
    event = get_event_for(request.user, pk)
    return attachment(*imports.import_template(event, fmt))


def _session_key(event) -> str:
    return f"signatory-import-{event.pk}"


@login_required
def import_upload(request, pk):
    """Upload a file and see every row's problems; nothing is saved yet."""
    event = get_event_for(request.user, pk)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            raw_rows = imports.read_import_file(upload.name, upload.read())
        except PledgeError as error:
            form.add_error("file", error.message)
        else:
            # The parsed rows stay on the server; the browser only holds a token.
            pending = {"token": uuid.uuid4().hex, "filename": upload.name, "rows": raw_rows}
            request.session[_session_key(event)] = pending
            return _preview(request, event, pending)
    return render(
        request,
        "pledges/staff/import_upload.html",
        {"event": event, "form": form, "tab": "signatories"},
    )


def _preview(request, event, pending, commit_form=None):
    rows = imports.check_rows(event, pending["rows"])
    invalid = sum(1 for row in rows if row.errors)
    return render(
        request,
        "pledges/staff/import_preview.html",
        {
            "event": event,
            "rows": rows,
            "invalid": invalid,
            "valid": len(rows) - invalid,
            "filename": pending["filename"],
            "commit_form": commit_form
            or ImportCommitForm(
                initial={"token": pending["token"], "mode": "valid" if invalid else "all"}
            ),
            "tab": "signatories",
        },
    )


@login_required
def import_commit(request, pk):
    """Queue the import of the previewed rows; the result page follows it."""
    event = get_event_for(request.user, pk)
    if request.method != "POST":
        return redirect("staff:import_upload", event.pk)
    pending = request.session.get(_session_key(event))
    form = ImportCommitForm(request.POST)
    if not pending or not form.is_valid() or form.cleaned_data["token"] != pending["token"]:
        messages.error(
            request, _("Pratinjau impor ini sudah tidak berlaku; unggah berkasnya lagi.")
        )
        return redirect("staff:import_upload", event.pk)
    run = tasks.enqueue_import(
        event,
        pending["token"],
        pending["filename"],
        pending["rows"],
        only_valid=form.cleaned_data["mode"] == "valid",
        user=request.user,
    )
    return redirect("staff:import_result", event.pk, run.pk)


@login_required
def import_result(request, pk, run_pk):
    """How an import run stands: waiting, saving, saved, or refused with the preview again."""
    event = get_event_for(request.user, pk)
    run = get_object_or_404(event.import_runs, pk=run_pk)
    pending = request.session.get(_session_key(event))
    same_preview = bool(pending) and pending["token"] == run.token
    if run.status == ImportRun.Status.DONE and same_preview:
        del request.session[_session_key(event)]
    if (
        run.status == ImportRun.Status.FAILED
        and same_preview
        and "hx-request" not in request.headers
    ):
        # As before the import ran in a task: the refusal above the preview,
        # so the staff can choose to save only the valid rows.
        messages.error(request, run.error)
        form = ImportCommitForm(initial={"token": run.token, "mode": "valid"})
        return _preview(request, event, pending, commit_form=form)
    return render(
        request,
        "pledges/staff/import_result.html",
        {"event": event, "run": run, "tab": "signatories"},
    )
