"""Hostile input, property-based: whatever arrives, a clear refusal or a whole result.

Never a crash, never partial data.
"""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.errors import PledgeError
from pledges.imports import import_signatories, read_import_file
from pledges.models import Signatory

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
