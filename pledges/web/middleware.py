import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.services import audit
from pledges.web.refusals import json_refusal

logger = logging.getLogger(__name__)


class AuditActorMiddleware:
    """What a logged-in user does is recorded as theirs (tablets: `station_required`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        with audit.acting_as(user):
            return self.get_response(request)


class TrustedProxyMiddleware:
    """Take the client's address from X-Forwarded-For, trusting exactly PROXY_COUNT proxies.

    Behind nginx every request comes from 127.0.0.1; login throttling, rate
    limits and the address stored with a signature need the real client.
    Only the entry the nearest trusted proxy appended is used, so a client
    cannot choose its own address by sending the header itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = settings.PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if count and forwarded:
            addresses = [address.strip() for address in forwarded.split(",")]
            if len(addresses) >= count:
                request.META["REMOTE_ADDR"] = addresses[-count]
        return self.get_response(request)


class KioskDatabaseErrorMiddleware:
    """A tablet whose request meets a database outage gets JSON 503, not an HTML 500.

    The kiosk keeps the signature and sends it again; the answer tells the
    signer, in Indonesian, that nothing is lost. Only a lost or refused
    connection is an outage: a value the database rejects (DataError), a
    broken constraint or a bad query is a fault of the request or of the code,
    and saying "try again later" would make the tablet retry it for ever.
    """

    OUTAGES = (OperationalError, InterfaceError)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if not isinstance(exception, self.OUTAGES) or not match or match.namespace != "kiosk":
            return None
        logger.warning("Kiosk request met a database outage", exc_info=exception)
        with translation.override("id"):
            error = PledgeError(
                _(
                    "Server sedang tidak terhubung ke basis data. Tanda tangan tetap "
                    "tersimpan di tablet dan akan dikirim ulang otomatis."
                ),
                code=Code.DATABASE_UNAVAILABLE,
            )
        response = json_refusal(error, 503)
        response["Retry-After"] = "2"
        return response
