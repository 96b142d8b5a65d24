from .audit import AuditChain, AuditEntry
from .documents import Document, DocumentArchive
from .events import Event, Signatory
from .imports import ImportRun
from .regions import Region
from .reports import EventPhoto
from .representation import Representation
from .room import SignerCopy, VenueDisplay
from .signing import PaperSignature, Signature, SigningStation
from .templates import PledgeTemplate
from .units import BawasluUnit, User

__all__ = [
    "AuditChain",
    "AuditEntry",
    "BawasluUnit",
    "Document",
    "DocumentArchive",
    "Event",
    "EventPhoto",
    "ImportRun",
    "PaperSignature",
    "PledgeTemplate",
    "Region",
    "Representation",
    "Signatory",
    "Signature",
    "SignerCopy",
    "SigningStation",
    "User",
    "VenueDisplay",
]
