"""A signature picture is the same wherever it is shown; old SVGs without a view box still scale."""

import base64
import re

import pytest

from pledges.models import Signatory
from pledges.rendering.facts import UNDRAWN, WITH_HAND, signer_facts
from pledges.rendering.pictures import signature_data_uri
from tests.conftest import make_signature

OLD_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M10 10L120 60"/></svg>'


def svg_of(uri: str) -> str:
    assert uri.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def view_box(uri: str) -> str:
    return re.search(r'viewBox="([^"]*)"', svg_of(uri)).group(1)


@pytest.mark.parametrize(
    "strokes",
    [
        [[[10, 10, 0, 0.5], [120, 60, 40, 0.5]]],
        [[{"x": 10, "y": 10, "t": 0, "p": 0.5}, {"x": 120, "y": 60, "t": 40, "p": 0.5}]],
    ],
    ids=["points as arrays", "points as objects (older kiosks)"],
)
def test_an_old_svg_without_view_box_gets_the_box_of_its_ink_in_either_point_form(
    signatory, strokes
):
    signature = make_signature(signatory, svg=OLD_SVG, strokes=strokes)
    assert view_box(signature_data_uri(signature)) == "6 6 118 58"


def test_an_svg_with_no_readable_point_gets_a_default_box(signatory):
    signature = make_signature(signatory, svg=OLD_SVG, strokes=[["noise"], 3])
    assert view_box(signature_data_uri(signature)) == "0 0 300 150"


def test_a_pdf_draws_the_signature_from_its_strokes_and_never_reads_them_for_facts(
    signatory, django_assert_num_queries
):
    signature = make_signature(signatory)
    signatory = Signatory.objects.select_related(*WITH_HAND).defer(*UNDRAWN).get(pk=signatory.pk)
    region = signatory.event.region
    with django_assert_num_queries(0):
        facts = signer_facts(signatory, region)
    # The facts name the signature; the strokes are read when the PDF draws it.
    assert facts["signature"] == signature.pk
    assert "strokes" in signatory.signature.get_deferred_fields()
