"""The framework's limit: views that parse the same JSON and do one INSERT.

`insert_one` stores a key and the body's length (the issue's minimal view);
`insert_payload` stores the whole submission as jsonb, the least any view that
keeps a signature must do.
"""

import json

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_insert "
    "(id bigserial PRIMARY KEY, idempotency_key uuid NOT NULL, body_bytes integer NOT NULL);"
    "CREATE TABLE IF NOT EXISTS bench_payload "
    "(id bigserial PRIMARY KEY, idempotency_key uuid NOT NULL, payload jsonb NOT NULL)"
)


def _insert_one_row(request, sql, value_of):
    """Parse the body as the signing API does, then run `sql` once with (key, value_of(body))."""
    body = request.body
    data = json.loads(body)
    with connection.cursor() as cursor:
        cursor.execute(sql, [data["idempotency_key"], value_of(body)])
    return JsonResponse({"status": "stored"})


@csrf_exempt
def insert_one(request):
    return _insert_one_row(
        request, "INSERT INTO bench_insert (idempotency_key, body_bytes) VALUES (%s, %s)", len
    )


@csrf_exempt
def insert_payload(request):
    return _insert_one_row(
        request,
        "INSERT INTO bench_payload (idempotency_key, payload) VALUES (%s, %s::jsonb)",
        bytes.decode,
    )
