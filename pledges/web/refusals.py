"""How a refusal is answered to a script: the one JSON form the kiosk's script reads."""

from django.http import JsonResponse

from pledges.errors import PledgeError


def json_refusal(error: PledgeError, status: int) -> JsonResponse:
    """`{"error": Indonesian message, "code": catalogue code}` with HTTP `status`.

    Every JSON refusal (the kiosk's API, rate limits, CSRF, bad requests, a
    database outage) is this one; its message was translated when the error
    was raised.
    """
    return JsonResponse({"error": error.message, "code": error.code}, status=status)
