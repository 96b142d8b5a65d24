"""Generated downloads: named as Django names attachments, never kept by a cache."""

from email import policy
from email.message import EmailMessage

from pledges.web.views.files import attachment


def filename_a_browser_reads(header: str) -> str:
    message = EmailMessage(policy=policy.HTTP)  # parses parameters by RFC 2231, as browsers do
    message["Content-Disposition"] = header
    return message.get_filename()


def test_a_download_named_with_quotes_and_non_ascii_letters_keeps_its_whole_name():
    name = 'Daftar "Rapat" Kecamatan Ngémplak.csv'
    response = attachment(name, "text/csv", b"a,b\n")
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename_a_browser_reads(response["Content-Disposition"]) == name
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"a,b\n"


def test_a_plain_name_is_sent_as_it_is():
    response = attachment("peserta.xlsx", "application/octet-stream", b"x")
    assert response["Content-Disposition"] == 'attachment; filename="peserta.xlsx"'
