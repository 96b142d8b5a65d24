"""Bawaslu units and staff accounts: saved only as the rulebook allows."""

from django.db import transaction

from pledges.models import BawasluUnit, User
from pledges.services import rulebook


@transaction.atomic
def save_unit(unit: BawasluUnit, actor) -> BawasluUnit:
    """Create or change a unit on behalf of `actor`.

    Raises PledgeError: "forbidden" when someone other than a superuser adds
    a unit or moves one (parent, level, region); "unit_hierarchy" when the
    unit would not sit RI → provinsi → kabupaten/kota.
    """
    stored = BawasluUnit.objects.select_for_update().filter(pk=unit.pk).first() if unit.pk else None
    changed = rulebook.changed_fields(stored, unit, rulebook.UNIT_PLACEMENT) if stored else ()
    rulebook.check_unit_change(actor, stored, changed)
    rulebook.check_unit_hierarchy(unit)
    unit.save()
    return unit


@transaction.atomic
def save_user(user: User, actor, changed=()) -> User:
    """Create or change an account on behalf of `actor`; `changed` names the fields a form
    changed (many-to-many powers are not visible on the instance).

    Raises PledgeError "forbidden" (see `rulebook.check_user_change`).
    """
    stored = User.objects.select_for_update().filter(pk=user.pk).first() if user.pk else None
    if stored is not None:
        rulebook.check_user_change(actor, stored, changed)
        changed = {*changed, *rulebook.changed_fields(stored, user, ["is_superuser", "unit"])}
    rulebook.check_user_change(actor, user, changed)
    user.save()
    return user
