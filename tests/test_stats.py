"""Counts for staff pages and national recaps: right, and taken once when an event closes."""

from pledges.models import Event
from pledges.services.events import close_event, open_event
from pledges.services.stats import event_counts
from tests.conftest import make_event, make_signatory, make_signature


def sign_some(event, registered, signed):
    for number in range(registered):
        signatory = make_signatory(event, f"Pejabat {number}", nip="")
        if number < signed:
            make_signature(signatory)


def test_closing_an_event_records_its_final_counts(open_event):
    sign_some(open_event, registered=5, signed=3)
    closed = close_event(open_event)
    closed.refresh_from_db()
    assert (closed.final_registered, closed.final_signed) == (5, 3)


def test_event_counts_mix_final_and_live_counts(open_event, unit, pasuruan, template):
    sign_some(open_event, registered=4, signed=2)
    close_event(open_event)
    running = open_event_with(unit, pasuruan, template, registered=3, signed=1)
    draft = make_event(unit, pasuruan, template, title="Draf")
    events = list(Event.objects.all())
    assert event_counts(events) == {open_event.pk: (4, 2), running.pk: (3, 1), draft.pk: (0, 0)}


def open_event_with(unit, region, template, registered, signed):
    event = open_event(make_event(unit, region, template, title="Berjalan"))
    sign_some(event, registered, signed)
    return event


def test_recap_page_counts_only_what_the_user_may_see(
    client, staff, other_staff, open_event, other_unit, gorontalo, template
):
    from django.urls import reverse

    sign_some(open_event, registered=3, signed=2)
    open_event_with(other_unit, gorontalo, template, registered=9, signed=9)

    client.force_login(staff)
    page = client.get(reverse("staff:national")).content.decode()
    assert "Jawa Timur" in page and "Gorontalo" not in page
    assert ">3</td>" in page and ">2</td>" in page and ">9</td>" not in page
