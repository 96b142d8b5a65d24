"""The laporan kegiatan tab: the drafted report, its photos, its sealed PDF and plain text."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from pledges.errors import PledgeError
from pledges.models import Document
from pledges.services import reports
from pledges.web.access import get_event_for
from pledges.web.views.files import attachment

IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class PhotoForm(forms.Form):
    image = forms.ImageField(
        label=gettext_lazy("Foto (JPEG, PNG atau WebP, paling besar 10 MB)"),
        error_messages={
            "required": gettext_lazy("Pilih foto yang ingin diunggah."),
            "invalid_image": gettext_lazy(
                "Berkas ini bukan foto yang dapat dibaca (JPEG, PNG atau WebP)."
            ),
        },
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
    )
    caption = forms.CharField(label=gettext_lazy("Keterangan"), max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def laporan(request, pk):
    event = get_event_for(request.user, pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            reports.add_photo(
                event, form.cleaned_data["image"], form.cleaned_data["caption"], request.user
            )
        except PledgeError as error:
            form.add_error("image", error.message)
        else:
            messages.success(request, _("Foto diunggah."))
            return redirect("staff:laporan", event.pk)
    context = {"event": event, "tab": "laporan", "form": form, "photos": event.photos.all()}
    if event.frozen_pledge:
        context["text"] = reports.laporan_text(event)
        context["documents"] = event.documents.filter(kind=Document.Kind.LAPORAN).order_by(
            "-created_at"
        )[:5]
    return render(request, "pledges/staff/laporan.html", context)


@login_required
def laporan_text(request, pk):
    event = get_event_for(request.user, pk)
    if not event.frozen_pledge:
        return redirect("staff:laporan", event.pk)
    filename = f"laporan-{slugify(event.title)[:60]}.txt"
    return attachment(filename, "text/plain; charset=utf-8", reports.laporan_text(event).encode())


@login_required
def photo(request, pk, photo_pk):
    event = get_event_for(request.user, pk)
    picture = get_object_or_404(event.photos, pk=photo_pk)
    response = FileResponse(picture.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def photo_delete(request, pk, photo_pk):
    event = get_event_for(request.user, pk)
    picture = get_object_or_404(event.photos, pk=photo_pk)
    reports.delete_photo(picture)
    messages.success(request, _("Foto dihapus dari laporan berikutnya."))
    return redirect("staff:laporan", event.pk)
