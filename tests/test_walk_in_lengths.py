"""The tablet's walk-in form takes as many characters as the server stores."""

import re

from pledges.models import Signatory
from pledges.services.signatories import MAX_NIP_TYPED


def maxlength_of(page: str, name: str) -> int:
    return int(re.search(rf'name="{name}"[^>]*maxlength="(\d+)"', page).group(1))


def test_walk_in_inputs_are_as_long_as_the_model_fields(kiosk, monkeypatch):
    event = kiosk.station.event
    event.allow_walk_ins = True
    event.save(update_fields=["allow_walk_ins"])
    monkeypatch.setattr(Signatory._meta.get_field("position"), "max_length", 120)
    page = kiosk.get("/meja/").content.decode()
    assert maxlength_of(page, "position") == 120
    assert maxlength_of(page, "full_name") == Signatory._meta.get_field("full_name").max_length
    assert maxlength_of(page, "agency") == Signatory._meta.get_field("agency").max_length
    assert maxlength_of(page, "nip") == MAX_NIP_TYPED
