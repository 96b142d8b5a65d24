"""The admin as a hostile staff user holding every permission of the app would use it.

Each case posts a forbidden change through HTTP, the way the admin's own
forms post (every field of the page as it was shown, then the change), and
asserts the database is exactly as it was, and that no route answers 500.
A sweep over every registered model checks the routes themselves.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from pledges.models import (
    AuditEntry,
    BawasluUnit,
    Document,
    Event,
    PledgeTemplate,
    Region,
    Signatory,
    SigningStation,
    User,
)
from pledges.rendering.ink import stored_ink
from pledges.services.events import close_event
from tests.conftest import (
    make_event,
    make_signatory,
    make_signature,
    make_staff,
    make_unit_template,
)


class FormScraper(HTMLParser):
    """The fields a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if checkable else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.removeprefix("\n")


def shown_form(client, url) -> dict:
    response = client.get(url)
    assert response.status_code < 500, url
    scraper = FormScraper()
    scraper.feed(response.content.decode())
    return {key: values for key, values in scraper.data.items() if key != "csrfmiddlewaretoken"}


def post_changed(client, url, **changes):
    """Post the form at `url` as shown, with `changes`; the response."""
    data = shown_form(client, url)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code < 500, (url, response.status_code)
    return response


def snapshot():
    """Every row the app keeps, and every account's powers, as plain values."""
    state = {}
    for model in (
        Region,
        BawasluUnit,
        User,
        PledgeTemplate,
        Event,
        Signatory,
        SigningStation,
        Document,
        AuditEntry,
    ):
        state[model.__name__] = list(model.objects.order_by("pk").values())
    from pledges.models import Signature

    state["Signature"] = list(Signature.objects.order_by("pk").values())
    state["powers"] = list(
        User.user_permissions.through.objects.order_by("pk").values_list("user_id", "permission_id")
    )
    return state


@pytest.fixture
def world(unit, staff, template, other_unit, pasuruan, gorontalo):
    """A kab/kota unit's events in every state, with everything the admin can show."""
    boss = User.objects.create_superuser("pusat", "pusat@example.org", "rahasia-uji-123")
    boss.unit = unit
    boss.save()
    draft = make_event(unit, pasuruan, template, title="Rapat draf")
    from pledges.services.events import open_event
    from pledges.services.signing import open_station

    opened = open_event(make_event(unit, pasuruan, template, title="Apel terbuka"))
    signed = make_signatory(opened, "Sudah Tanda Tangan")
    # With its drawing for the lists, as a signature recorded at a tablet has.
    make_signature(signed, ink=stored_ink([[[10, 10, 0, 0.5], [120, 60, 40, 0.5]]]))
    unsigned = make_signatory(opened, "Belum Tanda Tangan", nip="")
    closed = open_event(make_event(unit, pasuruan, template, title="Sosialisasi selesai"))
    closed_signatory = make_signatory(closed, "Peserta Lama", nip="")
    make_signature(closed_signatory)
    close_event(closed)
    station, _token = open_station(opened, "Meja 1", staff)
    document = Document.objects.create(
        event=opened, kind="deklarasi", status="ready", sha256="a" * 64
    )
    own_template = make_unit_template(unit, "ikrar-kota", "Ikrar kota")
    foreign_staff = make_staff(other_unit, "petugas_lain")
    return {
        "unit": unit,
        "province": unit.parent,
        "ri": unit.parent.parent,
        "other_unit": other_unit,
        "staff": staff,
        "boss": boss,
        "foreign_staff": foreign_staff,
        "draft": draft,
        "open": opened,
        "closed": closed,
        "signed": signed,
        "unsigned": unsigned,
        "closed_signatory": closed_signatory,
        "station": station,
        "document": document,
        "national_template": template,
        "own_template": own_template,
        "region": pasuruan,
        "other_region": gorontalo,
        "entry": AuditEntry.objects.filter(event=opened).first(),
    }


def change_url(obj):
    return reverse(f"admin:pledges_{obj._meta.model_name}_change", args=[obj.pk])


def delete_url(obj):
    return reverse(f"admin:pledges_{obj._meta.model_name}_delete", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:pledges_{model._meta.model_name}_changelist")


# Each case: what a hostile staff user tries, as (description, function of client and world).
def _event_evidence(field, value):
    return lambda c, w: post_changed(c, change_url(w["open"]), **{field: value})


def _inline_add_to_closed(c, w):
    url = change_url(w["closed"])
    data = shown_form(c, url)
    data.update(
        {
            "signatories-TOTAL_FORMS": "1",
            "signatories-INITIAL_FORMS": "0",
            "signatories-0-full_name": "Penyusup",
            "signatories-0-position": "Camat",
            "signatories-0-category": "asn_lainnya",
        }
    )
    return c.post(url, data)


def _inline_row(c, w, **row):
    url = change_url(w["open"])
    data = shown_form(c, url)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == [str(w["signed"].pk)]
    )
    data.update({f"signatories-{index}-{name}": value for name, value in row.items()})
    return c.post(url, data)


def _action(model, action, objects):
    def run(c, w):
        return c.post(
            changelist_url(model),
            {"action": action, "_selected_action": [w[o].pk for o in objects], "post": "yes"},
        )

    return run


def _password(target):
    def run(c, w):
        url = reverse("admin:auth_user_password_change", args=[w[target].pk])
        url = url.replace("/auth/user/", "/pledges/user/")
        return c.post(url, {"password1": "Dibobol-123456", "password2": "Dibobol-123456"})

    return run


def _add(model, **fields):
    def run(c, w):
        url = reverse(f"admin:pledges_{model._meta.model_name}_add")
        data = shown_form(c, url)
        data.update({key: value(w) if callable(value) else value for key, value in fields.items()})
        return c.post(url, data)

    return run


UNIT_STAFF_CASES = {
    # 1. Events: the frozen pledge, its hash, final counts, status; closed events; inlines.
    "event open: rewrite frozen pledge JSON": _event_evidence(
        "frozen_pledge", '{"title": "Ikrar palsu", "points": ["Boleh kampanye."]}'
    ),
    "event open: rewrite frozen pledge text": _event_evidence("frozen_pledge_text", "Palsu"),
    "event open: rewrite pledge hash": _event_evidence("frozen_pledge_sha256", "0" * 64),
    "event open: final_signed 999": _event_evidence("final_signed", "999"),
    "event open: final_registered 999": _event_evidence("final_registered", "999"),
    "event open: status back to draft": _event_evidence("status", "draft"),
    "event open: swap template": lambda c, w: post_changed(
        c, change_url(w["open"]), template=str(w["own_template"].pk)
    ),
    "event open: move region": lambda c, w: post_changed(c, change_url(w["open"]), region="35"),
    "event closed: change title": lambda c, w: post_changed(
        c, change_url(w["closed"]), title="Judul baru"
    ),
    "event closed: add signatory through inline": _inline_add_to_closed,
    "event open: rename signed signatory in inline": lambda c, w: _inline_row(
        c, w, full_name="Nama Lain"
    ),
    "event open: delete signed signatory in inline": lambda c, w: _inline_row(c, w, DELETE="on"),
    "event closed: delete": lambda c, w: c.post(delete_url(w["closed"]), {"post": "yes"}),
    "event open with signatures: delete": lambda c, w: c.post(
        delete_url(w["open"]), {"post": "yes"}
    ),
    "events: bulk delete action": _action(Event, "delete_selected", ["open", "closed"]),
    "event closed: open action": _action(Event, "open_events", ["closed"]),
    "event: add for another unit": _add(
        Event,
        unit=lambda w: str(w["other_unit"].pk),
        title="Kegiatan unit lain",
        kind="apel",
        election="Pemilihan 2024",
        starts_at_0="2024-10-01",
        starts_at_1="09:00",
        venue="Aula",
        region=lambda w: w["other_region"].pk,
        template=lambda w: str(w["national_template"].pk),
    ),
    # Signatories on their own page.
    "signatory: add to closed event": _add(
        Signatory,
        event=lambda w: str(w["closed"].pk),
        full_name="Penyusup",
        position="Staf",
        category="asn_lainnya",
    ),
    "signatory signed: rename": lambda c, w: post_changed(
        c, change_url(w["signed"]), full_name="Nama Lain"
    ),
    "signatory signed: delete": lambda c, w: c.post(delete_url(w["signed"]), {"post": "yes"}),
    "signatory of closed event: rename": lambda c, w: post_changed(
        c, change_url(w["closed_signatory"]), full_name="Nama Lain"
    ),
    "signatory unsigned: move to closed event": lambda c, w: post_changed(
        c, change_url(w["unsigned"]), event=str(w["closed"].pk)
    ),
    "signatories: bulk delete signed": _action(
        Signatory, "delete_selected", ["signed", "closed_signatory"]
    ),
    # 2. Units: their place in the hierarchy.
    "own unit: parent emptied": lambda c, w: post_changed(c, change_url(w["unit"]), parent=""),
    "own unit: level changed": lambda c, w: post_changed(
        c, change_url(w["unit"]), level="provinsi"
    ),
    "own unit: region changed": lambda c, w: post_changed(c, change_url(w["unit"]), region="75"),
    "unit: add below own unit (four levels)": _add(
        BawasluUnit, name="Unit kecamatan", level="kabkota", parent=lambda w: str(w["unit"].pk)
    ),
    "unit: delete own": lambda c, w: c.post(delete_url(w["unit"]), {"post": "yes"}),
    # 3. View on site hands out verification codes.
    "document: view on site": lambda c, w: c.get(
        reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(Document).pk, w["document"].pk],
        )
    ),
    # 4. Users: superusers, other units, powers.
    "superuser of own unit: change password": _password("boss"),
    "superuser of own unit: change name": lambda c, w: post_changed(
        c, change_url(w["boss"]), first_name="Dibobol"
    ),
    "user of another unit: change password": _password("foreign_staff"),
    "user of another unit: deactivate": lambda c, w: post_changed(
        c, change_url(w["foreign_staff"]), is_active=""
    ),
    "self: become superuser": lambda c, w: post_changed(
        c, change_url(w["staff"]), is_superuser="on"
    ),
    "self: grant every permission": lambda c, w: post_changed(
        c,
        change_url(w["staff"]),
        user_permissions=[str(p.pk) for p in Permission.objects.all()],
    ),
    "user: add into another unit": _add(
        User,
        username="penyusup",
        unit=lambda w: str(w["other_unit"].pk),
        password1="Rahasia-uji-98765",
        password2="Rahasia-uji-98765",
    ),
    "superuser: delete": lambda c, w: c.post(delete_url(w["boss"]), {"post": "yes"}),
    # 5. Templates and regions.
    "national template: change points": lambda c, w: post_changed(
        c, change_url(w["national_template"]), points="Boleh berkampanye."
    ),
    "national template: delete": lambda c, w: c.post(
        delete_url(w["national_template"]), {"post": "yes"}
    ),
    "region: rename": lambda c, w: post_changed(c, change_url(w["region"]), name="Kota Palsu"),
    "region: add": _add(Region, code="99", name="Provinsi Palsu", level="province"),
    "region: delete": lambda c, w: c.post(delete_url(w["other_region"]), {"post": "yes"}),
    # Evidence: signatures, documents, audit entries, stations.
    "signature: change": lambda c, w: c.post(
        change_url(w["signed"].signature), {"user_agent": "x"}
    ),
    "signature: change its drawing": lambda c, w: c.post(
        change_url(w["signed"].signature),
        {"ink": stored_ink([[[0, 0, 0, 0.5], [700, 300, 40, 0.5]]])},
    ),
    "signature: delete": lambda c, w: c.post(delete_url(w["signed"].signature), {"post": "yes"}),
    "signature: add": lambda c, w: c.post(reverse("admin:pledges_signature_add"), {}),
    "document: change hash": lambda c, w: c.post(change_url(w["document"]), {"sha256": "0" * 64}),
    "document: delete": lambda c, w: c.post(delete_url(w["document"]), {"post": "yes"}),
    "audit entry: change": lambda c, w: c.post(change_url(w["entry"]), {"object_repr": "x"}),
    "audit entry: delete": lambda c, w: c.post(delete_url(w["entry"]), {"post": "yes"}),
    "audit entries: bulk delete": lambda c, w: c.post(
        changelist_url(AuditEntry),
        {"action": "delete_selected", "_selected_action": [w["entry"].pk], "post": "yes"},
    ),
    "station: relabel": lambda c, w: c.post(change_url(w["station"]), {"label": "Meja 9"}),
    "station: delete": lambda c, w: c.post(delete_url(w["station"]), {"post": "yes"}),
}

PROVINCE_CASES = {
    "kab/kota unit: parent emptied": lambda c, w: post_changed(c, change_url(w["unit"]), parent=""),
    "kab/kota unit: moved under RI": lambda c, w: post_changed(
        c, change_url(w["unit"]), parent=str(w["ri"].pk)
    ),
    "kab/kota unit: delete": lambda c, w: c.post(delete_url(w["unit"]), {"post": "yes"}),
    "own province: parent emptied": lambda c, w: post_changed(
        c, change_url(w["province"]), parent=""
    ),
    "kab/kota closed event: change title": UNIT_STAFF_CASES["event closed: change title"],
    "kab/kota open event: rewrite frozen pledge": UNIT_STAFF_CASES[
        "event open: rewrite frozen pledge text"
    ],
    "kab/kota signed signatory: rename": UNIT_STAFF_CASES["signatory signed: rename"],
    "kab/kota superuser: change password": _password("boss"),
    "national template: change points": UNIT_STAFF_CASES["national template: change points"],
}


@pytest.mark.parametrize("case", UNIT_STAFF_CASES)
def test_unit_staff_with_every_permission_cannot(client, world, case):
    client.force_login(world["staff"])
    password = User.objects.get(pk=world["boss"].pk).password
    before = snapshot()
    UNIT_STAFF_CASES[case](client, world)
    assert snapshot() == before, case
    assert User.objects.get(pk=world["boss"].pk).password == password


@pytest.fixture
def province_staff(world):
    return make_staff(world["province"], "petugas_provinsi")


@pytest.mark.parametrize("case", PROVINCE_CASES)
def test_province_staff_with_every_permission_cannot(client, world, province_staff, case):
    client.force_login(province_staff)
    before = snapshot()
    PROVINCE_CASES[case](client, world)
    assert snapshot() == before, case


# Superusers hold evidence read-only too.
SUPERUSER_CASES = {
    name: UNIT_STAFF_CASES[name]
    for name in (
        "event open: rewrite frozen pledge JSON",
        "event open: rewrite frozen pledge text",
        "event open: rewrite pledge hash",
        "event open: final_signed 999",
        "event open: status back to draft",
        "event closed: change title",
        "event closed: add signatory through inline",
        "event open: delete signed signatory in inline",
        "signatory signed: rename",
        "signature: change",
        "signature: change its drawing",
        "document: change hash",
        "audit entry: delete",
        "document: view on site",
    )
}


@pytest.mark.parametrize("case", SUPERUSER_CASES)
def test_even_a_superuser_cannot_rewrite_evidence(client, world, case):
    client.force_login(world["boss"])
    before = snapshot()
    SUPERUSER_CASES[case](client, world)
    assert snapshot() == before, case


def test_a_forbidden_change_is_explained_in_indonesian(client, world):
    client.force_login(world["staff"])
    response = post_changed(client, change_url(world["open"]), template=world["own_template"].pk)
    # The field is not even offered: an open event shows its template read-only.
    assert 'name="template"' not in shown_form(client, change_url(world["open"]))
    assert response.status_code == 302
    response = _inline_row(client, world, full_name="Nama Lain")
    assert "sudah menandatangani" in response.content.decode()


def test_the_sweep_fails_on_a_change_that_is_allowed(client, world):
    """The sweep's own check: an allowed change through the same helper does change the row."""
    client.force_login(world["staff"])
    post_changed(client, change_url(world["open"]), venue="Aula Baru")
    assert Event.objects.get(pk=world["open"].pk).venue == "Aula Baru"
    post_changed(client, change_url(world["unit"]), address="Jl. Baru 1")
    assert BawasluUnit.objects.get(pk=world["unit"].pk).address == "Jl. Baru 1"


@pytest.mark.parametrize(
    "model", [m for m in admin.site._registry if m._meta.app_label == "pledges"]
)
def test_every_admin_route_answers_without_error_for_unit_staff(client, world, model):
    client.force_login(world["staff"])
    name = model._meta.model_name
    objects = model.objects.order_by("pk")
    obj = objects.filter(unit=world["unit"]).first() if model is User else objects.last()
    urls = [
        reverse(f"admin:pledges_{name}_changelist"),
        reverse(f"admin:pledges_{name}_add"),
        reverse(f"admin:pledges_{name}_change", args=[obj.pk]),
        reverse(f"admin:pledges_{name}_delete", args=[obj.pk]),
        reverse(f"admin:pledges_{name}_history", args=[obj.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code in (200, 302, 403), url


def test_an_admin_change_is_audited_with_actor_type_and_summary(client, world):
    client.force_login(world["staff"])
    post_changed(client, change_url(world["open"]), venue="Aula Baru")
    entry = AuditEntry.objects.filter(object_type="Event", action="update").latest("pk")
    assert entry.actor == world["staff"]
    assert entry.object_type_label == "kegiatan"
    assert "tempat: “Ascent Premier Hotel” → “Aula Baru”" in entry.summary
    page = client.get(changelist_url(AuditEntry)).content.decode()
    assert "kegiatan" in page


def test_an_admin_login_is_audited_as_a_login_by_its_user(client, world):
    before = AuditEntry.objects.latest("pk").pk
    client.post(
        reverse("admin:login"),
        {"username": "petugas", "password": "rahasia-uji-123", "next": "/admin/"},
    )
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.actor, entry.object_type_label) == (
        "login",
        world["staff"],
        "pengguna",
    )
    # Not also as an anonymous change of a "User" (its last_login).
    assert AuditEntry.objects.filter(pk__gt=before).count() == 1


def test_granting_permissions_is_audited(client, world):
    client.force_login(world["boss"])
    permission = Permission.objects.get(codename="view_event")
    post_changed(client, change_url(world["foreign_staff"]), user_permissions=[str(permission.pk)])
    entry = AuditEntry.objects.filter(object_type="User", action="update").latest("pk")
    assert entry.actor == world["boss"] and "user_permissions" in str(entry.changes)


def test_staff_make_templates_of_their_own_unit_and_revise_them_as_new_versions(client, world):
    client.force_login(world["staff"])
    _add(
        PledgeTemplate,
        unit="",
        slug="ikrar-baru",
        kind="ikrar",
        title="Ikrar baru",
        opening="Kami:",
        individual_opening="Saya:",
        points="Satu.\nDua.",
        closing="Demikian.",
        individual_closing="Demikian.",
    )(client, world)
    made = PledgeTemplate.objects.get(slug="ikrar-baru")
    assert made.unit == world["unit"]
    post_changed(client, change_url(made), points="Satu.\nDua.\nTiga.")
    versions = list(PledgeTemplate.objects.filter(slug="ikrar-baru").order_by("version"))
    assert [(v.version, len(v.points), v.is_current) for v in versions] == [
        (1, 2, False),
        (2, 3, True),
    ]


def test_admin_refuses_an_invisible_character_in_an_event_title(client, world):
    client.force_login(world["staff"])
    response = post_changed(client, change_url(world["draft"]), title="Rapat\u202edraf")
    assert "tak terlihat" in response.content.decode() or "arah teks" in response.content.decode()
    assert Event.objects.get(pk=world["draft"].pk).title == "Rapat draf"


def spy(monkeypatch, module, name, calls):
    original = getattr(module, name)

    def recorded(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, recorded)


def test_every_write_the_admin_offers_goes_through_a_service(client, world, monkeypatch):
    from pledges.services import accounts, signatories, signing
    from pledges.services import events as event_ops
    from pledges.services import templates as template_ops

    calls = []
    for module, names in [
        (event_ops, ["save_event", "delete_event", "open_event", "close_event"]),
        (signatories, ["register_signatory", "update_signatory", "remove_signatory"]),
        (accounts, ["save_unit", "save_user"]),
        (template_ops, ["create_template", "revise_template"]),
        (signing, ["revoke_station"]),
    ]:
        for name in names:
            spy(monkeypatch, module, name, calls)
    client.force_login(world["staff"])
    post_changed(client, change_url(world["open"]), venue="Aula Baru")
    post_changed(client, change_url(world["unsigned"]), position="Staf Ahli")
    _add(
        Signatory,
        event=lambda w: str(w["open"].pk),
        full_name="Tamu Baru",
        position="Staf",
        category="non_asn",
    )(client, world)
    client.post(delete_url(Signatory.objects.get(full_name="Tamu Baru")), {"post": "yes"})
    client.post(delete_url(world["draft"]), {"post": "yes"})
    _action(Event, "close_events", ["open"])(client, world)
    post_changed(client, change_url(world["unit"]), address="Jl. Baru 1")
    post_changed(client, change_url(world["staff"]), first_name="Petugas")
    post_changed(client, change_url(world["own_template"]), points="Satu.\nDua.")
    _action(SigningStation, "revoke_stations", ["station"])(client, world)
    assert sorted(set(calls)) == sorted(
        [
            "save_event",
            "update_signatory",
            "register_signatory",
            "remove_signatory",
            "delete_event",
            "close_event",
            "save_unit",
            "save_user",
            "revise_template",
            "revoke_station",
        ]
    )


def test_a_refusal_in_the_admin_carries_the_catalogues_code(client, world, monkeypatch):
    from pledges.errors import Code, PledgeError
    from pledges.services import rulebook

    codes = []
    original = rulebook.check_signatory_changeable

    def recorded(signatory):
        try:
            original(signatory)
        except PledgeError as error:
            codes.append(error.code)
            raise

    monkeypatch.setattr(rulebook, "check_signatory_changeable", recorded)
    client.force_login(world["staff"])
    response = _inline_row(client, world, full_name="Nama Lain")
    assert codes == [Code.SIGNATORY_SIGNED]
    assert "sudah menandatangani" in response.content.decode()
