"""The audit trail as evidence: its hash chains checked, and their heads printed on documents.

One chain per event (every entry whose event is that event: its creation,
registrations, signatures, documents, downloads), and one chain, key 0, for
everything outside events (accounts, units, templates, logins). See
`pledges.core.chain` for what an entry's hash covers and `pledges.db.audit_chain`
for how an entry is appended.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from pledges.core import chain as hashing
from pledges.core.dates import clock_time, long_date
from pledges.db.audit_chain import chain_head
from pledges.models import AuditChain, AuditEntry, Document, Event

# What the retention purge leaves of an entry about a person
# (`pledges.services.personal_data.purge_event_personal_data`).
PURGED_REPR = "(data pribadi dihapus)"
PURGED_TYPES = ("Signatory", "Signature", "PaperSignature", "Representation", "Document")


@dataclass(frozen=True)
class Head:
    """A chain's head at one moment: how many entries, the last one's hash and time."""

    length: int
    hash: str
    at: datetime | None

    def printed(self, region) -> dict:
        """The head as a document prints it, in the event's time zone."""
        return {
            "length": f"{self.length:,}".replace(",", "."),
            "hash": self.hash,
            "short": hashing.short_hash(self.hash),
            "when": f"{long_date(self.at, region)} pukul {clock_time(self.at, region)}"
            if self.at
            else "",
        }


def event_head(event: Event) -> Head | None:
    """The head of `event`'s chain now (None if nothing was recorded about it yet)."""
    head = chain_head(event.pk)
    return Head(head.length, head.head, head.head_at) if head and head.length else None


def still_leads_to(event_id: int, length: int, head: str) -> bool:
    """Whether entry `length` of the event's chain still has hash `head`.

    A quick look for the public page (one indexed row); `verify_integrity`
    recomputes the whole chain.
    """
    return AuditEntry.objects.filter(chain=event_id, seq=length, hash=head).exists()


def _purged_events() -> set[int]:
    return set(
        Event.objects.filter(personal_data_purged_at__isnull=False).values_list("pk", flat=True)
    )


def _erased_by_purge(entry, purged: set[int]) -> bool:
    return (
        entry.chain in purged
        and entry.object_type in PURGED_TYPES
        and entry.object_repr == PURGED_REPR
        and entry.changes == {}
    )


def _broken(entry, what: str) -> str:
    return (
        f"Jejak audit rantai {entry.chain}: entri #{entry.pk} (urutan {entry.seq}, "
        f"{hashing.time_text(entry.at)}) {what}."
    )


def check_chain(key: int, purged: set[int]) -> str | None:
    """The first broken link of chain `key`, described; None when it is whole."""
    previous, seq = hashing.GENESIS, 0
    entries = AuditEntry.objects.filter(chain=key).order_by("seq")
    for entry in entries.iterator(chunk_size=5000):
        seq += 1
        if entry.seq != seq:
            return _broken(entry, f"berada di urutan {entry.seq}, padahal seharusnya {seq}")
        if entry.prev_hash != previous:
            return _broken(entry, "tidak menyambung: hash entri sebelumnya berbeda")
        personal = hashing.personal_sha256(entry.object_repr, entry.changes)
        if personal != entry.personal_sha256:
            if not _erased_by_purge(entry, purged):
                return _broken(entry, "berubah: label atau perubahan yang dicatat berbeda")
            personal = entry.personal_sha256  # erased after retention, as the law requires
        fixed = hashing.fixed_text(
            key, entry.at, entry.actor_id, entry.station_id, entry.action, entry.object_type
        )
        if hashing.link_hash(previous, seq, fixed, entry.object_id, personal) != entry.hash:
            return _broken(
                entry, "berubah: waktu, pelaku, meja, tindakan, atau objeknya berbeda dari hash-nya"
            )
        previous = entry.hash
    head = AuditChain.objects.filter(pk=key).first()
    if head is None:
        return f"Jejak audit rantai {key}: catatan ujung rantai hilang." if seq else None
    if head.length != seq or head.head != previous:
        return (
            f"Jejak audit rantai {key}: ujung rantai mencatat {head.length} entri, "
            f"ditemukan {seq} yang menyambung; entri terakhir dihapus atau ditambahkan."
        )
    return None


def check_document_anchors() -> Iterator[str]:
    """Every document still finds, in its event's chain, the head it printed when sealed."""
    documents = Document.objects.exclude(audit_head="").values_list(
        "pk", "event_id", "audit_length", "audit_head"
    )
    for pk, event_id, length, head in documents.iterator(chunk_size=5000):
        if not still_leads_to(event_id, length, head):
            yield (
                f"Dokumen #{pk}: jejak audit kegiatan #{event_id} tidak lagi memuat entri ke-"
                f"{length} dengan hash {hashing.short_hash(head)} yang tercetak saat disegel."
            )


def check_audit_chains() -> Iterator[str]:
    """Each chain's first broken link (entry id, time, what differs), if any."""
    purged = _purged_events()
    keys = set(AuditChain.objects.values_list("pk", flat=True))
    keys |= set(AuditEntry.objects.order_by().values_list("chain", flat=True).distinct())
    for key in sorted(keys):
        problem = check_chain(key, purged)
        if problem:
            yield problem
