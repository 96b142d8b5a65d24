from django.shortcuts import render


def rate_limited(request, exception=None):
    """Answer a request refused by a rate limit (django-ratelimit) with 429 in Indonesian."""
    message = "Terlalu banyak permintaan dalam waktu singkat. Tunggu sebentar, lalu coba lagi."
    match = request.resolver_match
    if (match and match.namespace == "kiosk") or request.content_type == "application/json":
        from django.http import JsonResponse

        return JsonResponse({"error": message, "code": "rate_limited"}, status=429)
    return render(request, "errors/429.html", {"message": message}, status=429)
