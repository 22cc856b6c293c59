"""Response headers that keep pages from running foreign script and keep private data out of caches."""
from django.conf import settings
from django.utils.cache import patch_cache_control


def content_security_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY; the back office's own policy
    under ADMIN_URL_PREFIX) and `Cache-Control: no-store` on every response that carries a user's data:
    pages seen by a logged-in user, every API response and every download."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.site_policy = content_security_policy(settings.CONTENT_SECURITY_POLICY)
        self.admin_policy = content_security_policy(settings.CONTENT_SECURITY_POLICY_ADMIN)

    def __call__(self, request):
        response = self.get_response(request)
        admin = request.path.startswith(settings.ADMIN_URL_PREFIX)
        response.headers.setdefault("Content-Security-Policy", self.admin_policy if admin else self.site_policy)
        if self.is_private(request, response):
            patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response

    @staticmethod
    def is_private(request, response) -> bool:
        user = getattr(request, "user", None)
        return (
            (user is not None and user.is_authenticated)
            or request.path.startswith(settings.API_URL_PREFIX)
            or "attachment" in response.headers.get("Content-Disposition", "")
        )
