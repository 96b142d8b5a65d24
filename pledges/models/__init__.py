from .audit import AuditEntry
from .documents import Document, DocumentArchive
from .events import Event, Signatory
from .imports import ImportRun
from .regions import Region
from .room import SignerCopy, VenueDisplay
from .signing import Signature, SigningStation
from .templates import PledgeTemplate
from .units import BawasluUnit, User

__all__ = [
    "AuditEntry",
    "BawasluUnit",
    "Document",
    "DocumentArchive",
    "Event",
    "ImportRun",
    "PledgeTemplate",
    "Region",
    "Signatory",
    "Signature",
    "SignerCopy",
    "SigningStation",
    "User",
    "VenueDisplay",
]
