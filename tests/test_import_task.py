"""An import is saved by a background task; the staff follow it on a page that polls."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges.models import ImportRun, Signatory
from pledges.services import imports

HEADER = "nama_lengkap,nip,jabatan,kategori,instansi,wilayah"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def upload(client, event, lines, name="peserta.csv"):
    file = SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")
    return client.post(reverse("staff:import_upload", args=[event.pk]), {"file": file})


def commit(client, event, mode="all"):
    token = client.session[f"signatory-import-{event.pk}"]["token"]
    return client.post(
        reverse("staff:import_commit", args=[event.pk]), {"token": token, "mode": mode}
    )


def people(count):
    nips = [f"19800512200501{1 if i % 2 else 2}{i:03d}" for i in range(count)]
    return [f"Peserta {i},{nip},Staf,asn_lainnya,OPD," for i, nip in enumerate(nips)]


def test_5000_rows_are_saved_by_the_task_and_the_staff_land_on_the_result(logged_in, event):
    # 5,000 NIPs: 14 fixed digits, then gender and a 3-digit serial for each half.
    nips = [f"19800512200501{1 + i % 2}{i // 2:03d}" for i in range(2000)]
    nips += [f"19810612200601{1 + i % 2}{i // 2:03d}" for i in range(2000)]
    nips += [f"19820712200701{1 + i % 2}{i // 2:03d}" for i in range(1000)]
    lines = [HEADER] + [f"Peserta {i},{nip},Staf,asn_lainnya,OPD," for i, nip in enumerate(nips)]
    upload(logged_in, event, lines)

    response = commit(logged_in, event)

    run = ImportRun.objects.get()
    assert response["Location"] == reverse("staff:import_result", args=[event.pk, run.pk])
    page = logged_in.get(response["Location"]).content.decode()
    assert "5000 penanda tangan diimpor dari peserta.csv." in page
    assert "hx-trigger" not in page
    assert Signatory.objects.filter(event=event).count() == 5000
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.rows == []  # no second copy kept


def test_import_waiting_for_a_worker_is_shown_and_polled_and_saves_nothing_yet(
    logged_in, event, settings
):
    upload(logged_in, event, [HEADER, *people(3)])
    settings.TASKS = DUMMY_TASKS

    response = commit(logged_in, event)

    page = logged_in.get(response["Location"]).content.decode()
    assert "3 baris menunggu disimpan" in page
    assert 'hx-trigger="every 2s"' in page
    assert not Signatory.objects.exists()

    imports.run_import(ImportRun.objects.get())

    page = logged_in.get(response["Location"]).content.decode()
    assert "3 penanda tangan diimpor" in page and "hx-trigger" not in page
    assert Signatory.objects.count() == 3


def test_a_preview_committed_twice_while_queued_is_imported_once(logged_in, event, settings):
    upload(logged_in, event, [HEADER, *people(2)])
    settings.TASKS = DUMMY_TASKS

    first = commit(logged_in, event)
    second = commit(logged_in, event)

    assert first["Location"] == second["Location"]
    imports.run_import(ImportRun.objects.get())
    assert Signatory.objects.count() == 2


def test_a_run_with_a_bad_row_saves_nothing_and_keeps_the_reason(event):
    rows = imports.read_import_file(
        "p.csv", "\n".join([HEADER, *people(2), "Tanpa NIP Sah,123,Staf,asn_lainnya,,"]).encode()
    )
    run, _queue = imports.start_import(event, "t" * 32, "p.csv", rows, False, None)

    run = imports.run_import(run)

    assert run.status == ImportRun.Status.FAILED
    assert run.error_code == "import_has_errors"
    assert "1 baris bermasalah; tidak ada yang disimpan." in run.error
    assert not Signatory.objects.exists()


def test_a_finished_run_is_not_carried_out_again(event):
    rows = imports.read_import_file("p.csv", "\n".join([HEADER, *people(2)]).encode())
    run, _queue = imports.start_import(event, "t" * 32, "p.csv", rows, False, None)
    imports.run_import(run)
    ImportRun.objects.filter(pk=run.pk).update(rows=rows)  # as if a requeued task ran again

    again = imports.run_import(run)

    assert again.status == ImportRun.Status.DONE
    assert Signatory.objects.count() == 2


def test_another_units_staff_cannot_see_an_import_run(client, other_staff, event):
    run, _queue = imports.start_import(event, "t" * 32, "p.csv", [], False, None)
    client.force_login(other_staff)

    response = client.get(reverse("staff:import_result", args=[event.pk, run.pk]))

    assert response.status_code == 404
