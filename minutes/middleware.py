import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Danish unless the visitor chose another language with the language switch.

    The browser's Accept-Language is not consulted: Referatsøg speaks Danish first,
    and English is a choice, not a guess.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """A database that is down or restarting answers 503 with a plain Danish message, not 500.

    Connections are opened per request, so the site recovers by itself as soon as the
    database answers again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable for %s: %s", request.path, exception)
        message = "Databasen er midlertidigt utilgængelig. Prøv igen om lidt."
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": message}, status=503, json_dumps_params={"ensure_ascii": False})
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = "30"
        return response
