"""The newcomer's path: settings for both modes, the demo data of `make run`."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pledges.models import BawasluUnit, Event, User
from tests.conftest import run_manage


def production_manage(*args, **env):
    return run_manage(*args, DJANGO_ENV="production", DATABASE_URL=None, **env)


def test_production_settings_pass_check_deploy():
    result = production_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "k" * 40,
        ALLOWED_HOSTS="netralitas.example.go.id",
        SITE_URL="https://netralitas.example.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "site_url, complaint",
    [
        (None, "SITE_URL belum diisi"),
        ("http://netralitas.example.go.id", "harus diawali https://"),
        ("https://localhost:8000", "alamat lokal"),
        ("https://127.0.0.1", "alamat lokal"),
        ("https://netralitas.example.go.id/verifikasi", "tanpa jalur"),
        ("https://lain.example.go.id", "tidak tercantum di ALLOWED_HOSTS"),
    ],
)
def test_check_deploy_refuses_a_missing_or_wrong_site_url(site_url, complaint):
    result = production_manage(
        "check",
        "--deploy",
        SECRET_KEY="a-long-random-production-secret-" + "k" * 40,
        ALLOWED_HOSTS="netralitas.example.go.id",
        SITE_URL=site_url,
    )
    assert result.returncode != 0
    assert "pledges.E001" in result.stderr
    assert complaint in result.stderr


def test_in_development_links_follow_the_host_runserver_serves_on():
    show = "from django.conf import settings; print(settings.SITE_URL)"

    def site_url(**env):
        return run_manage("shell", "--no-imports", "-c", show, **env).stdout.strip()

    assert site_url(HOST="127.0.0.1:8101", SITE_URL=None) == "http://127.0.0.1:8101"
    assert site_url(HOST="8102", SITE_URL=None) == "http://127.0.0.1:8102"
    assert site_url(HOST=None, SITE_URL=None) == "http://127.0.0.1:8000"
    assert site_url(HOST="127.0.0.1:8101", SITE_URL="http://x.test/") == "http://x.test"


def test_make_run_passes_its_host_to_the_settings():
    import subprocess

    from tests.conftest import BASE_DIR

    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    script = "include Makefile\nshow-host:\n\t@echo $$HOST\n"
    result = subprocess.run(
        ["make", "-s", "-f", "-", "show-host", "HOST=127.0.0.1:8101"],
        input=script,
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout.strip() == "127.0.0.1:8101", result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = production_manage("check", SECRET_KEY="")
    environment_without_key = production_manage("check", SECRET_KEY=None)
    assert environment_without_key.returncode != 0
    assert "SECRET_KEY" in environment_without_key.stderr
    assert result.returncode != 0


def test_development_defaults_are_indonesian_and_time_zone_aware(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert ("en", "English") in settings.LANGUAGES
    assert settings.USE_TZ and settings.TIME_ZONE == "Asia/Jakarta"


@pytest.fixture
def pasuruan_regions(pasuruan):
    from tests.conftest import make_region

    make_region("35.75.02.1002", "Bugul Kidul")
    make_region("35.75.01.1007", "Krapyakrejo")
    return pasuruan


def test_seed_demo_creates_a_lived_in_open_event_once(pasuruan_regions, capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "'demo'" in out and "netralitas-demo" in out
    unit = BawasluUnit.objects.get(name="Bawaslu Kota Pasuruan")
    staff = User.objects.get(username="demo")
    assert staff.unit == unit and staff.check_password("netralitas-demo")
    event = Event.objects.get(unit=unit)
    assert event.status == Event.Status.OPEN and event.frozen_pledge_sha256
    categories = set(event.signatories.values_list("category", flat=True))
    assert {"sekda", "kepala_opd", "camat", "lurah", "non_asn"} <= categories
    assert event.signatories.count() == 7


def test_seed_demo_needs_regions_first(db):
    with pytest.raises(CommandError, match="load_regions"):
        call_command("seed_demo")


def test_seed_demo_refuses_production(pasuruan_regions, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="produksi"):
        call_command("seed_demo")
    assert not Event.objects.exists()
