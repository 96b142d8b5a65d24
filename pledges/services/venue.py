"""The venue screen: the pledge read point by point, then the wall of who has signed.

A display is opened by staff for one event and bound by a secret token
stored only as its SHA-256, like a signing station, but it is not one: it
takes no signatures and sees no NIP. Its reading position is kept on its row,
so staff (from their page) and the display itself (keys, a clicker) move the
same screen, and a reloaded screen comes back where it was.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.models import Event, Signatory, Signature, VenueDisplay
from pledges.models.templates import COLLECTIVE, pledge_form
from pledges.services import devices
from pledges.services.stats import category_counts

MAX_LABEL_LENGTH = VenueDisplay._meta.get_field("label").max_length
CONTACT_INTERVAL = timedelta(seconds=30)
# How many of the newest signers one answer carries: more than a hall screen shows.
WALL_LIMIT = 60


def hash_display_token(token: str) -> str:
    return hashlib.sha256(("display:" + token).encode("utf-8")).hexdigest()


@transaction.atomic
def open_display(event: Event, label: str, opened_by=None) -> tuple[VenueDisplay, str]:
    """Open a venue screen for an open event; return it with its secret token (shown once).

    Raises PledgeError "event_not_open" / "event_closed", "label_required", "label_too_long".
    """
    if event.status == Event.Status.CLOSED:
        raise PledgeError(_("Kegiatan ini sudah ditutup."), code=Code.EVENT_CLOSED)
    if event.status != Event.Status.OPEN:
        raise PledgeError(
            _("Layar acara dapat dibuka setelah kegiatan dibuka."), code=Code.EVENT_NOT_OPEN
        )
    label = devices.device_label(
        label, noun=_("layar"), example=_("Layar utama"), max_length=MAX_LABEL_LENGTH
    )
    token = secrets.token_urlsafe(32)
    display = VenueDisplay.objects.create(
        event=event, label=label, token_sha256=hash_display_token(token), opened_by=opened_by
    )
    return display, token


def revoke_display(display: VenueDisplay) -> VenueDisplay:
    """Revoke a display: its next request is refused and it says so. Idempotent, audited."""
    return devices.revoke(display)


def authenticate_display(token: str) -> VenueDisplay:
    """The display whose token this is; PledgeError "display_unknown" / "display_revoked".

    A display of a closed event keeps showing its (final) wall: it changes nothing.
    """
    display = (
        VenueDisplay.objects.select_related("event")
        .filter(token_sha256=hash_display_token(token or ""))
        .first()
    )
    if display is None:
        raise PledgeError(
            _("Tautan layar tidak dikenal. Minta tautan baru kepada petugas."),
            code=Code.DISPLAY_UNKNOWN,
        )
    if display.revoked_at is not None:
        raise PledgeError(
            _("Layar ini sudah dicabut oleh petugas. Minta tautan layar baru bila diperlukan."),
            code=Code.DISPLAY_REVOKED,
        )
    return display


def note_display_contact(display: VenueDisplay) -> None:
    """Remember when the screen was last heard from, at most once per CONTACT_INTERVAL."""
    now = timezone.now()
    if display.last_seen_at is None or now - display.last_seen_at >= CONTACT_INTERVAL:
        VenueDisplay.objects.filter(pk=display.pk).update(last_seen_at=now)
        display.last_seen_at = now


def reading_parts(event: Event) -> list[dict]:
    """The frozen pledge cut into what is read at once: title and opening, each point, closing.

    The room reads it together, in its collective form ("Kami …").
    """
    if not event.frozen_pledge:
        return []
    pledge = pledge_form(event.frozen_pledge, COLLECTIVE)
    parts = []
    if pledge.get("opening"):
        parts.append({"kind": "opening", "text": pledge["opening"]})
    for number, point in enumerate(pledge.get("points") or [], start=1):
        parts.append({"kind": "point", "number": number, "text": point})
    if pledge.get("closing"):
        parts.append({"kind": "closing", "text": pledge["closing"]})
    return parts


def wall_step(event: Event) -> int:
    """The step that shows the wall: one past the last part of the pledge."""
    return len(reading_parts(event))


def move_display(display: VenueDisplay, *, to: int | None = None, by: int = 0) -> int:
    """Put the screen at step `to` (or `by` steps on), kept within the pledge and the wall.

    A plain update: turning a page is no evidence, and is not audited.
    """
    target = display.step + by if to is None else to
    target = max(0, min(wall_step(display.event), target))
    if target != display.step:
        VenueDisplay.objects.filter(pk=display.pk).update(step=target)
        display.step = target
    return target


def wall_version(display: VenueDisplay) -> str:
    """A short tag that changes whenever what the screen shows would: one small query.

    Registered and signed counts and the newest signature's id, with the
    screen's step: an unchanged tag lets a poll be answered with no body.
    """
    totals = Signatory.objects.filter(event_id=display.event_id).aggregate(
        registered=Count("pk"), signed=Count("signature"), last=Max("signature__pk")
    )
    return f"{display.step}.{totals['registered']}.{totals['signed']}.{totals['last'] or 0}"


def wall(event: Event, since: int = 0) -> dict:
    """Counts by category and the signers newer than signature `since` (newest first).

    Names and jabatan only: a NIP is never read here.
    """
    categories = category_counts(event)
    rows = (
        Signature.objects.filter(signatory__event=event, pk__gt=since)
        .order_by("-pk")
        .values_list(
            "pk",
            "signatory__full_name",
            "signatory__position",
            "signatory__representation__full_name",
        )[:WALL_LIMIT]
    )
    return {
        "registered": sum(row.registered for row in categories),
        "signed": sum(row.signed for row in categories),
        "categories": [
            {"label": row.label, "registered": row.registered, "signed": row.signed}
            for row in categories
            if row.registered
        ],
        "signers": [
            {
                "id": pk,
                "name": name,
                "position": f"{position}, diwakili oleh {representative}"
                if representative
                else position,
            }
            for pk, name, position, representative in rows
        ],
    }
