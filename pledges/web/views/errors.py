"""Answers Django itself gives before or around a view (rate limit, CSRF, bad request).

In Indonesian.

The tablet's script reads JSON (`{"error", "code"}`), so kiosk URLs get that;
everyone else gets a page.
"""

from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.web.refusals import json_refusal


def answers_in_json(request) -> bool:
    """Whether a refusal of `request` is read by a script (the kiosk's) rather than a person."""
    match = request.resolver_match
    return bool(match and match.namespace == "kiosk") or request.content_type == "application/json"


def rate_limited(request, exception=None):
    """Answer a request refused by a rate limit (django-ratelimit) with 429 in Indonesian."""
    with translation.override("id"):
        error = PledgeError(
            _("Terlalu banyak permintaan dalam waktu singkat. Tunggu sebentar, lalu coba lagi."),
            code=Code.RATE_LIMITED,
        )
        return _refusal(request, error, 429, "errors/429.html")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the page was open too long, or its cookie is gone; reloading mends it.

    `reason` (Django's English) is for the log Django already writes, not for the reader.
    """
    with translation.override("id"):
        if answers_in_json(request):
            # The tablet keeps a refused signature queued on a 403 and shows this.
            error = PledgeError(
                _(
                    "Halaman ini sudah terlalu lama terbuka atau cookie-nya hilang. "
                    "Muat ulang halaman, lalu coba lagi. Tanda tangan yang belum "
                    "terkirim tetap tersimpan di tablet."
                ),
                code=Code.CSRF_FAILED,
            )
            return json_refusal(error, 403)
        message = _(
            "Formulir ini sudah kedaluwarsa atau browser tidak mengirim cookie situs ini. "
            "Muat ulang halaman, lalu kirim sekali lagi. Jika terus terjadi, izinkan cookie "
            "untuk situs ini."
        )
        return render(request, "errors/403_csrf.html", {"message": message}, status=403)


def bad_request(request, exception=None):
    """handler400: a body Django cannot parse (a form without its boundary, too many fields)."""
    with translation.override("id"):
        error = PledgeError(
            _("Permintaan tidak dapat dibaca. Muat ulang halaman, lalu coba lagi."),
            code=Code.BAD_REQUEST,
        )
        return _refusal(request, error, 400, "errors/400.html")


def _refusal(request, error: PledgeError, status: int, template: str):
    """`error` as JSON for the kiosk's script, else as the page `template` for a person."""
    if answers_in_json(request):
        return json_refusal(error, status)
    return render(request, template, {"message": error.message}, status=status)
