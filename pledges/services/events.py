"""Domain operations on an event's life: draft → open → closed."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.models import Event
from pledges.models.templates import pledge_text, sha256_hex
from pledges.services import audit, rulebook
from pledges.services.national import summarize_events
from pledges.services.stats import live_counts


@transaction.atomic
def open_event(event: Event) -> Event:
    """Open a draft event for signing, freezing its template's text and SHA-256.

    Raises PledgeError(code=Code.NOT_DRAFT) unless the event is a draft, and
    "template_wording" if its template's forms do not fit (one person's
    wording heading everyone's deklarasi).
    """
    event = Event.objects.select_for_update().select_related("template").get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise PledgeError(
            _("Hanya kegiatan berstatus draf yang dapat dibuka."), code=Code.NOT_DRAFT
        )
    # A template written before both forms were checked is checked here, last.
    template = event.template
    rulebook.check_template_wording(
        {field: getattr(template, field) for field in template.CONTENT_FIELDS}
    )
    pledge = template.as_pledge()
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
    event.final_summary = summarize_events([event.pk])[event.pk]
    event.save()
    audit.record("close", event)
    return event


def delete_event(event: Event) -> None:
    """Delete an event that nobody has signed and no document was made of.

    Raises PledgeError "event_has_signatures" or "event_has_documents".
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        rulebook.check_event_deletable(event)
        try:
            event.delete()
        except ProtectedError:
            # A signature or document arrived between the check and the delete.
            rulebook.check_event_deletable(event)
            raise


@transaction.atomic
def save_event(event: Event, user=None) -> Event:
    """Create or update an event's details from staff input (staff pages and admin).

    Raises PledgeError with the codes of `rulebook.check_event_change`: a
    closed event accepts nothing more, an open one keeps its template,
    region and unit, and nobody changes the frozen pledge or final counts;
    "outside_jurisdiction" for a region outside the unit's.
    """
    if event.pk is None:
        rulebook.check_event_jurisdiction(event)
        event.created_by = user
        event.status = Event.Status.DRAFT
        # A new event starts with no evidence, whatever the caller filled in.
        event.frozen_pledge, event.frozen_pledge_text, event.frozen_pledge_sha256 = None, "", ""
        event.opened_at = event.closed_at = event.personal_data_purged_at = None
        event.final_registered = event.final_signed = None
        event.save()
        return event
    stored = Event.objects.select_for_update().get(pk=event.pk)
    fields = (*rulebook.EVENT_DETAILS, *rulebook.EVENT_EVIDENCE)
    changed = rulebook.changed_fields(stored, event, fields)
    rulebook.check_event_change(stored, changed)
    if changed & {"unit", "region"}:
        rulebook.check_event_jurisdiction(event)
    if changed:
        event.save()
    return event
