"""The audit trail: who created, changed, deleted, signed, generated or downloaded what.

Model changes are recorded by signals, whoever makes them (admin, staff
pages, commands); the acting user or station comes from a context variable
set by `pledges.web.middleware.AuditActorMiddleware` or by `acting_as`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from pledges.db.audit_chain import append_entries
from pledges.models import AuditEntry, Event, Signature

REPR_LENGTH = AuditEntry._meta.get_field("object_repr").max_length

_actor: ContextVar = ContextVar("audit_actor", default=None)
_station: ContextVar = ContextVar("audit_station", default=None)

# Fields too large or too noisy to copy into every audit entry.
# last_login: a login is recorded as a "login" entry of its own, by its user.
SKIPPED_FIELDS = {
    # A person's record is named by a masked NIP in its label, never the full one.
    "subject_nip",
    *Signature.DRAWINGS,
    "frozen_pledge",
    "frozen_pledge_text",
    "password",
    "updated_at",
    "last_login",
    "search_text",  # a signatory's own fields again, folded for search
}
AUDITED_MODELS = (
    "BawasluUnit",
    "User",
    "PledgeTemplate",
    "Event",
    "Signatory",
    "Signature",
    "PaperSignature",
    "Representation",
    "SigningStation",
    "Document",
    "EventPhoto",
    "VenueDisplay",
    "SignerCopy",
)


@contextmanager
def acting_as(user=None, station=None):
    user_token = _actor.set(user)
    station_token = _station.set(station)
    try:
        yield
    finally:
        _actor.reset(user_token)
        _station.reset(station_token)


def record(action: str, obj, event=None, **changes) -> None:
    """Write one audit entry about `obj` by the current actor, at the end of its chain."""
    append_entries([entry_values(action, obj, event, changes)])


def record_many(action: str, objects, event=None) -> None:
    """Write a `record()` entry with all field values for each of `objects` in few INSERTs.

    For bulk operations (an import) that bypass the model signals.
    """
    append_entries([entry_values(action, obj, event, _field_values(obj)) for obj in objects])


def entry_values(action: str, obj, event=None, changes=None, *, at=None) -> dict:
    """Every column of the entry recording `action` on `obj`, by field name.

    The one place an entry is made: `record`, `record_many`, the signals and
    the signing statement (`pledges.db.signatures`) all store what this gives.
    Who acted is the current actor and station; `event` defaults to the
    event `obj` belongs to; the object's label is its str(), cut to the
    column's length; `at` defaults to now.
    """
    actor, station = _actor.get(), _station.get()
    if event is None:
        event = _event_of(obj)
    return {
        "at": at if at is not None else timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "station_id": station.pk if station is not None else None,
        "action": action,
        "event_id": event.pk if event is not None else None,
        "object_type": type(obj).__name__,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:REPR_LENGTH],
        "changes": _jsonable(changes or {}),
    }


def _event_of(obj):
    if isinstance(obj, Event):
        return obj if obj.pk else None
    for attribute in ("event", "signatory", "signature"):
        related = getattr(obj, f"{attribute}_id", None) and getattr(obj, attribute)
        if related is not None:
            return related if attribute == "event" else _event_of(related)
    return None


def _jsonable(values: dict) -> dict:
    def convert(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [convert(item) for item in value]
        if isinstance(value, dict):
            return {str(key): convert(item) for key, item in value.items()}
        if isinstance(value, str | int | float | bool) or value is None:
            return value
        return str(value)

    return convert(values)


def _field_values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in SKIPPED_FIELDS
    }


def _remember_stored(sender, instance, **kwargs):
    if instance.pk is None or instance._state.adding:
        instance._audit_before = None
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _field_values(stored) if stored else None


def _on_save(sender, instance, created, **kwargs):
    if kwargs.get("raw"):
        return
    after = _field_values(instance)
    if created:
        record("create", instance, **after)
        return
    before = getattr(instance, "_audit_before", None) or {}
    changed = {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }
    if changed:
        record("update", instance, **changed)


def _on_delete(sender, instance, **kwargs):
    record("delete", instance, **_field_values(instance))


def _on_login(sender, request, user, **kwargs):
    with acting_as(user):
        record(
            "login",
            user,
            via="admin" if request is not None and request.path.startswith("/admin/") else "staf",
            address=request.META.get("REMOTE_ADDR") if request is not None else None,
        )


def _on_powers_changed(sender, instance, action, pk_set, model, **kwargs):
    # Groups and permissions are many-to-many: no post_save tells of them.
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    field = "groups" if model._meta.model_name == "group" else "user_permissions"
    names = sorted(str(item) for item in model.objects.filter(pk__in=pk_set or ()))
    record("update", instance, **{field: {action.removeprefix("post_"): names}})


def connect_signals():
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import m2m_changed

    from pledges import models

    user_logged_in.connect(_on_login, dispatch_uid="audit-login")
    for relation in (models.User.groups.through, models.User.user_permissions.through):
        m2m_changed.connect(_on_powers_changed, sender=relation, dispatch_uid=f"audit-{relation}")

    for name in AUDITED_MODELS:
        model = getattr(models, name)
        uid = f"audit-{name}"
        pre_save.connect(_remember_stored, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}-delete")
