"""The top navigation, gathered from each app's `AppConfig.nav` = [(label, url_name, roles)]."""
from django.apps import apps
from django.urls import reverse


def items_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for config in apps.get_app_configs():
        for label, url_name, roles in getattr(config, "nav", ()):
            if roles and user.role not in roles:
                continue
            items.append({"label": label, "url": reverse(url_name), "name": url_name})
    return items


def navigation(request):
    items = items_for(getattr(request, "user", None))
    # The current page belongs to the item whose address is the longest prefix of its path.
    matching = [item for item in items if item["url"] != "/" and request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
