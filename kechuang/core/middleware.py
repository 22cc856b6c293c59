from kechuang.core.audit import reset_actor, set_actor


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Attributes audit entries written during a request to its user and address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        token = set_actor(name, client_address(request))
        try:
            return self.get_response(request)
        finally:
            reset_actor(token)
