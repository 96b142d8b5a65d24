"""Hostile input, property-based: whatever arrives, a clear refusal or a whole result.

Never a crash, never partial data.
"""

import csv
import io
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pledges.errors import PledgeError
from pledges.models import Signatory
from pledges.services.imports import import_signatories, read_import_file

HEADER = ["nama_lengkap", "nip", "jabatan", "kategori", "instansi", "wilayah"]
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
nip_like = st.one_of(text, st.from_regex(r"\A[0-9]{16,19}\Z"), st.just("198005122005011002"))
category = st.one_of(text, st.sampled_from(["camat", "lurah", "kepala_opd", "sekda", "non_asn"]))
row = st.tuples(text, nip_like, text, category, text, text)


@EXAMPLES
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a"]))
def test_any_bytes_are_read_or_refused_with_a_message(data, name):
    try:
        rows = read_import_file(name, data)
    except PledgeError as error:
        assert error.message and error.code
    else:
        assert rows and all(set(r["values"]) >= set(HEADER) for r in rows)


@EXAMPLES
@given(rows=st.lists(row, min_size=1, max_size=8), only_valid=st.booleans())
def test_any_rows_are_imported_entirely_or_not_at_all(event, rows, only_valid):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    before = Signatory.objects.filter(event=event).count()
    try:
        raw = read_import_file("peserta.csv", buffer.getvalue().encode("utf-8"))
        result = import_signatories(event, raw, only_valid=only_valid)
    except PledgeError as error:
        assert error.message
        assert Signatory.objects.filter(event=event).count() == before
    else:
        saved = Signatory.objects.filter(event=event).count() - before
        assert saved == len(result.created) > 0
        if not only_valid:
            assert saved == len(raw)
    finally:
        Signatory.objects.filter(event=event).delete()


json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text)
json_value = st.recursive(
    json_scalar,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(["x", "y", "t", "p", "q", "<svg>"]), children, max_size=5)
    ),
    max_leaves=40,
)
coordinates = {
    "x": st.one_of(st.floats(-100, 1000), st.integers(-100, 1000), text),
    "y": st.one_of(st.floats(-100, 500), st.integers(-100, 500), st.floats(allow_nan=True)),
    "t": st.one_of(st.integers(-10, 10**7), st.integers()),
    "p": st.one_of(st.floats(0, 1), st.booleans()),
}
# What tablets send ([x, y, t, p]), and the object form earlier kiosks queued offline.
point = st.one_of(
    st.tuples(*coordinates.values()).map(list),
    st.lists(json_scalar, max_size=5),
    st.fixed_dictionaries(coordinates),
)
strokes = st.one_of(json_value, st.lists(st.lists(point, max_size=30), max_size=6))


@EXAMPLES
@given(strokes=strokes, width=json_scalar, height=json_scalar)
def test_any_strokes_are_accepted_and_drawn_or_refused_clearly(strokes, width, height):
    from pledges.rendering.strokes import render_svg, validate_strokes

    try:
        valid = validate_strokes(strokes, width, height)
    except PledgeError as error:
        assert error.message and error.code
    else:
        svg = render_svg(valid)
        assert svg.startswith("<svg") and "<script" not in svg and "on" not in svg.split(">")[0]


@EXAMPLES
@given(body=st.one_of(json_value, st.binary(max_size=500)))
def test_the_sign_api_never_fails_with_500_and_stores_only_whole_signatures(kiosk, body, settings):
    import json

    settings.KIOSK_SIGN_RATE = "100000/m"
    from pledges.models import Signature

    raw = body if isinstance(body, bytes) else json.dumps(body)
    response = kiosk.post("/meja/api/tanda-tangan/", raw, content_type="application/json")
    assert response.status_code < 500
    if response.status_code != 200:
        assert response.json()["error"]
    assert Signature.objects.count() == (1 if response.status_code == 200 else 0)


@EXAMPLES
@given(content=st.binary(max_size=4000), name=text)
@example(content=b"", name="/")
def test_any_upload_to_the_verification_page_gets_a_clear_answer(
    client, signatory, content, name, settings
):
    settings.VERIFY_UPLOAD_RATE = "100000/m"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pledges.models import Document
    from pledges.services import documents
    from tests.conftest import make_signature

    if not Document.objects.exists():
        make_signature(signatory)
        documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)
    document = Document.objects.get()
    # A name with no file part ("/", "..") cannot be built here; Django's parser
    # drops such a part before any view sees it.
    if os.path.basename(name) in {"", ".", ".."}:
        name = "x"
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(document.verification_path(), {"pdf": upload})
    assert response.status_code == 200
    page = response.content.decode()
    answers = ("Tidak cocok", "Cocok.", "Pilih berkas PDF", "Berkas yang diunggah kosong")
    assert any(answer in page for answer in answers)
    assert Document.objects.count() == 1
