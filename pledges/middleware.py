from django.conf import settings


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
