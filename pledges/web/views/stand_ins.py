"""Staff pages for signatures that are not drawn on a tablet by the official in person:
a representative who signs "mewakili", and a wet-ink signature uploaded from paper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pledges.errors import PledgeError
from pledges.models import Signature
from pledges.services import paper, representation
from pledges.web.access import get_signatory_for
from pledges.web.forms import PaperSignatureForm, RepresentativeForm
from pledges.web.views.files import private_file


@login_required
def signatory_representative(request, pk, signatory_pk):
    """Record (or withdraw) who signs for an official who cannot come."""
    event, signatory = get_signatory_for(request.user, pk, signatory_pk)
    current = signatory.representative
    if request.method == "POST" and "withdraw" in request.POST:
        try:
            representation.withdraw_representation(signatory)
        except PledgeError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(name)s akan menandatangani sendiri.") % {"name": signatory}
            )
        return redirect(event)
    initial = {name: getattr(current, name) for name in representation.FIELDS} if current else None
    form = RepresentativeForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            representation.represent(signatory, form.cleaned_data, user=request.user)
        except PledgeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(rep)s dicatat sebagai wakil %(name)s.")
                % {"rep": form.cleaned_data["full_name"].strip(), "name": signatory},
            )
            return redirect(event)
    return render(
        request,
        "pledges/staff/signatory_representative.html",
        {
            "event": event,
            "signatory": signatory,
            "current": current,
            "form": form,
            "tab": "signatories",
        },
    )


@login_required
def paper_signature(request, pk, signatory_pk):
    """Upload the scan of an official's wet-ink signature from the paper sheet."""
    event, signatory = get_signatory_for(request.user, pk, signatory_pk)
    form = PaperSignatureForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            paper.record_paper_signature(
                signatory,
                form.cleaned_data["scan"],
                user=request.user,
                client_ip=request.META.get("REMOTE_ADDR"),
            )
        except PledgeError as error:
            form.add_error("scan", error.message)
        else:
            messages.success(
                request,
                _("Tanda tangan basah %(name)s tersimpan; ia kini tercatat sudah menandatangani.")
                % {"name": signatory},
            )
            return redirect(event)
    return render(
        request,
        "pledges/staff/paper_signature.html",
        {"event": event, "signatory": signatory, "form": form, "tab": "signatories"},
    )


@login_required
@never_cache
def paper_scan(request, pk, signatory_pk):
    """The scan exactly as it was uploaded."""
    _event, signatory = get_signatory_for(request.user, pk, signatory_pk)
    signature = Signature.objects.filter(signatory=signatory).first()
    scan = signature.paper_scan if signature is not None else None
    if scan is None:
        raise Http404(_("Tidak ada tanda tangan basah untuk penanda tangan ini."))
    return private_file(scan.scan, scan.content_type)
