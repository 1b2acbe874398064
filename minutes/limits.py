"""Who a request comes from, and the per-client rate limits of the expensive surfaces.

The counts live in the shared cache (the database, settings.CACHES), so every worker
process counts together. A rate is a setting like "120/m"; an empty one is off.
"""

import functools

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or with NUM_PROXIES proxies in front the entry the
    outermost proxy appended to CLIENT_IP_HEADER (the entries left of it are the client's own
    words). Also django-axes' AXES_CLIENT_IP_CALLABLE."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.NUM_PROXIES:
        return remote
    forwarded = [part.strip() for part in request.META.get(settings.CLIENT_IP_HEADER, "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-settings.NUM_PROXIES] if len(forwarded) >= settings.NUM_PROXIES else forwarded[0]


def _client_key(group, request) -> str:
    return client_ip(request)


def usage(request, group: str, rate: str, *, increment: bool) -> dict | None:
    """This client's count in the current window of `rate`; None when the rate is off."""
    if not rate:
        return None
    return get_usage(request, group=group, key=_client_key, rate=rate, increment=increment)


def too_many_requests(request, *, json: bool = False):
    message = "For mange forespørgsler; vent lidt og prøv igen."
    if json:
        response = JsonResponse({"error": f"{message} (too many requests)"}, status=429,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


def rate_limited(setting: str, group: str, *, json: bool = False):
    """Answer 429 once a client has made more requests to this view than settings.<setting> allows."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            counted = usage(request, group, getattr(settings, setting), increment=True)
            if counted and counted["should_limit"]:
                return too_many_requests(request, json=json)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
