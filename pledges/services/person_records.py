"""A person's record (rekam jejak ikrar): every pledge one NIP signed, across events.

When a violation by an ASN is reported, Bawaslu staff need to show which
pledges that person signed, where and when. `find_pledges` answers the staff's
search; `record_facts` is what the sealed "rekam jejak ikrar" PDF shows
(`pledges.services.documents` builds it like any other document).

Whose pledges: the events run by the issuing unit and the units below it,
exactly what that unit's staff may see (`visibility.unit_subtree`). A
superuser issues a record in the name of the national unit when they have no
unit of their own. The full NIP is the subject of the record, typed by the
staff who asked for it; audit entries keep it masked, since every admin and
the units above read them.
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pledges.core.dates import clock_time, long_date
from pledges.core.nip import format_nip, mask_nip, normalize_nip, validate_nip
from pledges.core.time_zones import zone_of_unit
from pledges.errors import Code, PledgeError
from pledges.models import BawasluUnit, Document, Signatory
from pledges.rendering.facts import UNDRAWN, kop_facts
from pledges.services import audit
from pledges.services.visibility import is_unit_staff, unit_subtree


def issuing_unit(user) -> BawasluUnit:
    """The unit in whose name `user` issues a record; PledgeError if there is none."""
    if is_unit_staff(user):
        return user.unit
    if user.is_superuser:
        national = BawasluUnit.objects.filter(level=BawasluUnit.Level.RI).first()
        if national is not None:
            return national
    raise PledgeError(
        _(
            "Akun Anda tidak terhubung ke unit Bawaslu, padahal rekam jejak diterbitkan atas "
            "nama sebuah unit. Minta admin menghubungkan akun Anda ke unit."
        ),
        Code.NO_ISSUING_UNIT,
    )


def clean_nip(raw: str) -> str:
    """The NIP staff typed, as stored; PledgeError with the reason if it is not one."""
    nip = normalize_nip(raw or "")
    if not nip:
        raise PledgeError(_("Ketik NIP 18 digit yang ingin ditelusuri."), Code.NIP_REQUIRED)
    try:
        validate_nip(nip)
    except ValidationError as error:
        raise PledgeError(" ".join(error.messages), Code.NIP_INVALID) from error
    return nip


def pledges_of(unit: BawasluUnit, nip: str) -> QuerySet[Signatory]:
    """The signatures of `nip` in events of `unit` and the units below it, oldest first."""
    return (
        Signatory.objects.filter(nip=nip, signature__isnull=False)
        .filter(unit_subtree(unit.pk, prefix="event__unit__"))
        .select_related("event__unit", "event__region", "event__template", "signature")
        .defer(*UNDRAWN)
        .order_by("signature__signed_at", "pk")
    )


def find_pledges(user, raw_nip: str) -> tuple[str, list[dict]]:
    """Staff's search: the cleaned NIP and its pledges as rows; audited with a masked NIP."""
    nip = clean_nip(raw_nip)
    unit = issuing_unit(user)
    rows = _rows(pledges_of(unit, nip), with_links=True)
    audit.record("lookup", unit, event=None, nip=mask_nip(nip), found=len(rows), kind="rekam_jejak")
    return nip, rows


def record_facts(unit: BawasluUnit, nip: str) -> dict:
    """Everything the rekam jejak PDF of `nip` issued by `unit` shows."""
    rows = _rows(pledges_of(unit, nip), with_links=False)
    if not rows:
        raise PledgeError(
            _("Tidak ada ikrar yang ditandatangani NIP %(nip)s di kegiatan yang dapat Anda lihat.")
            % {"nip": format_nip(nip)},
            Code.NO_PLEDGES_FOR_NIP,
        )
    names = list(dict.fromkeys(row["full_name"] for row in rows))
    zone = zone_of_unit(unit)
    return {
        "kop": kop_facts(unit),
        "subject": {"nip": format_nip(nip), "names": names, "latest": rows[-1]},
        "pledges": rows,
        "unit": unit.name,
        "count": len(rows),
        # Bawaslu RI has no region: its records are dated in WIB, as Jakarta writes.
        "zone": [zone.name, zone.abbreviation],
    }


def _rows(signatories, with_links: bool) -> list[dict]:
    signatories = list(signatories)
    documents = _ready_documents(signatories)
    rows = []
    for number, signatory in enumerate(signatories, 1):
        event, region = signatory.event, signatory.event.region
        signed_at = signatory.signature.signed_at
        row = {
            "number": number,
            "full_name": signatory.full_name,
            "position": signatory.position,
            "agency": signatory.agency,
            "category": signatory.get_category_display(),
            "event": event.title,
            "event_kind": event.get_kind_display(),
            "election": event.election,
            "unit": event.unit.name,
            "region": region.name,
            "venue": event.venue,
            "event_date": long_date(event.starts_at, region),
            "signed": f"{long_date(signed_at, region)}, {clock_time(signed_at, region)}",
            "template": event.frozen_pledge.get("title") or str(event.template),
            "pledge_sha256": event.frozen_pledge_sha256,
            "documents": [
                {"kind": document.get_kind_display(), "code": document.verification_code}
                for document in documents.get(signatory.pk, [])
            ],
        }
        if with_links:
            row["event_pk"] = event.pk
            row["signatory_pk"] = signatory.pk
        rows.append(row)
    return rows


def _ready_documents(signatories) -> dict[int, list[Document]]:
    """Each signer's newest ready pakta integritas and their event's newest deklarasi."""
    by_signatory: dict[int, list[Document]] = {s.pk: [] for s in signatories}
    if not signatories:
        return by_signatory
    ready = Document.objects.filter(status=Document.Status.READY).order_by("created_at", "pk")
    individual = {}
    for document in ready.filter(
        kind=Document.Kind.PAKTA_INTEGRITAS, signatory_id__in=list(by_signatory)
    ):
        individual[document.signatory_id] = document
    collective = {}
    for document in ready.filter(
        kind=Document.Kind.DEKLARASI, event_id__in={s.event_id for s in signatories}
    ):
        collective[document.event_id] = document
    for signatory in signatories:
        for document in (individual.get(signatory.pk), collective.get(signatory.event_id)):
            if document is not None:
                by_signatory[signatory.pk].append(document)
    return by_signatory
