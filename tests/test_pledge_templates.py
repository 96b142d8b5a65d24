"""The shipped pledge texts, and how a signed template changes."""

import pytest

from pledges.errors import PledgeError
from pledges.models import PledgeTemplate
from pledges.services.templates import load_shipped_templates, revise_template
from tests.conftest import make_signature


@pytest.mark.parametrize(
    ("slug", "kind", "points", "phrase"),
    [
        ("ikrar-netralitas-asn-gorontalo", "ikrar", 6, "tidak terlibat dan/atau dilibatkan"),
        ("ikrar-netralitas-asn-pasuruan", "ikrar", 4, "Menolak politik uang"),
        ("deklarasi-kepala-daerah", "deklarasi", 5, "Pejabat Pembina Kepegawaian"),
        ("pakta-integritas-netralitas-asn", "pakta_integritas", 4, "kampanye hitam"),
    ],
)
def test_seed_templates_are_shipped(db, slug, kind, points, phrase):
    template = PledgeTemplate.objects.get(slug=slug, is_current=True)
    assert template.kind == kind
    assert len(template.points) == points
    assert any(phrase in point for point in template.points)
    assert template.opening and template.closing


def test_loading_templates_again_creates_nothing(db):
    assert load_shipped_templates() == 0
    assert PledgeTemplate.objects.count() == 4


def test_even_an_unsigned_template_changes_as_a_new_version_that_drafts_follow(event, template):
    revised = revise_template(template, title="Judul baru")
    template.refresh_from_db()
    event.refresh_from_db()
    assert revised.version == 2 and revised.is_current and not template.is_current
    assert template.title != "Judul baru"
    assert event.template == revised


def test_an_open_event_keeps_the_version_it_froze(open_event, template):
    revise_template(template, title="Judul baru")
    open_event.refresh_from_db()
    assert open_event.template == template


def test_signed_template_is_not_edited_in_place(signatory, template):
    make_signature(signatory)
    template.title = "Judul diubah diam-diam"
    with pytest.raises(PledgeError) as error:
        template.save()
    assert error.value.code == "template_signed"


def test_editing_a_signed_template_makes_a_new_version(signatory, template):
    make_signature(signatory)
    revised = revise_template(template, points=[*template.points, "Butir kelima."])
    template.refresh_from_db()
    assert revised.version == 2 and revised.is_current
    assert len(revised.points) == 5
    assert not template.is_current and len(template.points) == 4


def test_old_version_cannot_be_revised(signatory, template):
    make_signature(signatory)
    revise_template(template, title="Versi dua")
    with pytest.raises(PledgeError) as error:
        revise_template(template, title="Versi tiga dari yang lama")
    assert error.value.code == "template_not_current"
