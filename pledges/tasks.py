"""Background tasks (Django's tasks API through django-tasks).

Each task only looks its objects up and calls a domain function, so the
admin, views and commands can run the same work directly.
"""

from django_tasks import task

from pledges import documents
from pledges.models import Document, Event


@task()
def build_document_task(document_id: int) -> str:
    """Render, seal and store one pending document; returns its status."""
    document = Document.objects.select_related("event__unit", "event__region", "signatory").get(
        pk=document_id
    )
    return documents.build_document(document).status


@task()
def build_individual_documents_task(event_id: int) -> int:
    """Make every missing or outdated pakta integritas of an event; returns how many are ready."""
    event = Event.objects.select_related("unit", "region").get(pk=event_id)
    return documents.build_individual_documents(event)
