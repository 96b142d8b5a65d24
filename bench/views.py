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


@csrf_exempt
def insert_one(request):
    body = request.body
    data = json.loads(body)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_insert (idempotency_key, body_bytes) VALUES (%s, %s)",
            [data["idempotency_key"], len(body)],
        )
    return JsonResponse({"status": "stored"})


@csrf_exempt
def insert_payload(request):
    body = request.body
    data = json.loads(body)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_payload (idempotency_key, payload) VALUES (%s, %s::jsonb)",
            [data["idempotency_key"], body.decode()],
        )
    return JsonResponse({"status": "stored"})
