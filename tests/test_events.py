"""Opening an event freezes its pledge; closing it ends signing."""

import hashlib

import pytest

from pledges.errors import PledgeError
from pledges.models import AuditEntry, Event
from pledges.services import events as event_ops
from pledges.services.events import close_event, open_event
from pledges.services.templates import revise_template


def test_opening_freezes_the_pledge_text_and_its_hash(event):
    opened = open_event(event)
    assert opened.status == Event.Status.OPEN
    assert opened.opened_at is not None
    text = opened.frozen_pledge_text
    assert text.startswith(event.template.title)
    assert "1. Menjaga dan menegakkan prinsip netralitas" in text
    assert "4. Menolak politik uang" in text
    assert opened.frozen_pledge_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert opened.frozen_pledge["points"] == event.template.points


def test_changing_the_template_later_does_not_change_an_open_event(open_event, template):
    frozen = open_event.frozen_pledge_text
    revise_template(template, points=["Satu-satunya butir baru."])
    open_event.refresh_from_db()
    assert open_event.frozen_pledge_text == frozen


def test_frozen_text_cannot_be_rewritten(open_event):
    open_event.frozen_pledge_text = "Teks lain"
    with pytest.raises(PledgeError) as error:
        open_event.save()
    assert error.value.code == "pledge_frozen"


def test_an_event_opens_only_once(open_event):
    with pytest.raises(PledgeError) as error:
        event_ops.open_event(open_event)
    assert error.value.code == "not_draft"


def test_closing_requires_an_open_event(event):
    with pytest.raises(PledgeError) as error:
        close_event(event)
    assert error.value.code == "not_open"


def test_open_and_close_are_audited(event):
    close_event(open_event(event))
    actions = list(AuditEntry.objects.filter(object_type="Event").values_list("action", flat=True))
    assert "open" in actions and "close" in actions
