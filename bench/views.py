"""The framework's limit: a view that parses the same JSON and does one INSERT."""

import json

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_insert "
    "(id bigserial PRIMARY KEY, idempotency_key uuid NOT NULL, body_bytes integer NOT NULL)"
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
