"""Domain operations on an event's life: draft → open → closed."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges import audit
from pledges.errors import Code, PledgeError
from pledges.models import Event
from pledges.models.templates import pledge_text, sha256_hex
from pledges.stats import live_counts


@transaction.atomic
def open_event(event: Event) -> Event:
    """Open a draft event for signing, freezing its template's text and SHA-256.

    Raises PledgeError(code=Code.NOT_DRAFT) unless the event is a draft.
    """
    event = Event.objects.select_for_update().select_related("template").get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise PledgeError(
            _("Hanya kegiatan berstatus draf yang dapat dibuka."), code=Code.NOT_DRAFT
        )
    pledge = event.template.as_pledge()
    event.frozen_pledge = pledge
    event.frozen_pledge_text = pledge_text(pledge)
    event.frozen_pledge_sha256 = sha256_hex(event.frozen_pledge_text)
    event.status = Event.Status.OPEN
    event.opened_at = timezone.now()
    event.save()
    audit.record("open", event, sha256=event.frozen_pledge_sha256)
    return event


@transaction.atomic
def close_event(event: Event) -> Event:
    """Close an open event: from now on it accepts no registration and no signature.

    Raises PledgeError(code=Code.NOT_OPEN) unless the event is open.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.OPEN:
        raise PledgeError(
            _("Hanya kegiatan yang sedang dibuka yang dapat ditutup."), code=Code.NOT_OPEN
        )
    event.status = Event.Status.CLOSED
    event.closed_at = timezone.now()
    # Taken under the event's row lock, after which nothing can be added.
    event.final_registered, event.final_signed = live_counts([event.pk])[event.pk]
    event.save()
    audit.record("close", event)
    return event


def delete_event(event: Event) -> None:
    """Delete an event that nobody has signed.

    Raises PledgeError(code=Code.EVENT_HAS_SIGNATURES) otherwise.
    """
    from pledges.models import Signature

    if Signature.objects.filter(signatory__event=event).exists():
        raise PledgeError(
            _("Kegiatan yang sudah memiliki tanda tangan tidak dapat dihapus."),
            code=Code.EVENT_HAS_SIGNATURES,
        )
    try:
        event.delete()
    except ProtectedError:
        raise PledgeError(
            _("Kegiatan yang sudah memiliki dokumen tidak dapat dihapus."),
            code=Code.EVENT_HAS_DOCUMENTS,
        ) from None


# Fields staff may still change once the event is open: the pledge is frozen
# by then, so the template no longer matters and changing it would mislead.
FIELDS_LOCKED_WHEN_OPEN = {"template"}


@transaction.atomic
def save_event(event: Event, user=None) -> Event:
    """Create or update an event's details from staff input.

    Raises PledgeError: "closed" for a closed event (it accepts nothing more),
    "template_frozen" when the template of an open event would change.
    """
    if event.pk is None:
        event.created_by = user
        event.status = Event.Status.DRAFT
        event.save()
        return event
    stored = Event.objects.select_for_update().get(pk=event.pk)
    if stored.status == Event.Status.CLOSED:
        raise PledgeError(
            _("Kegiatan sudah ditutup; datanya tidak dapat diubah lagi."), code=Code.CLOSED
        )
    if stored.status == Event.Status.OPEN and stored.template_id != event.template_id:
        raise PledgeError(
            _("Teks ikrar sudah dibekukan saat kegiatan dibuka; templat tidak dapat diganti."),
            code=Code.TEMPLATE_FROZEN,
        )
    # Status and frozen text change only through open_event/close_event.
    event.status = stored.status
    event.save()
    return event
