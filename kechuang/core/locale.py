"""Chinese first: the interface is 简体中文 unless the user chose another language with the language menu.

Django's LocaleMiddleware would follow the browser's Accept-Language, and a default (en-US) browser
would then get the English interface of a product whose users, texts and data are Chinese."""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def chosen_language(request) -> str:
    """The language the user picked (the language menu's cookie), else the site's default."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
