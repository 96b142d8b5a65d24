from .audit import AuditEntry
from .documents import Document, DocumentArchive
from .events import Event, Signatory
from .regions import Region
from .signing import Signature, SigningStation
from .templates import PledgeTemplate
from .units import BawasluUnit, User

__all__ = [
    "AuditEntry",
    "BawasluUnit",
    "Document",
    "DocumentArchive",
    "Event",
    "PledgeTemplate",
    "Region",
    "Signatory",
    "Signature",
    "SigningStation",
    "User",
]
