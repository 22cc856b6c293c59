"""Sections other apps add to an enterprise's profile page. An app's AppConfig lists callables in
`profile_sections` (dotted paths); each takes (enterprise, user) and returns a `ProfileSection` or None.
The registry imports none of those apps: it finds them through the app registry."""
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass
class ProfileSection:
    title: str
    template: str
    context: dict = field(default_factory=dict)


def sections_for(enterprise, user) -> list[ProfileSection]:
    found = []
    for config in apps.get_app_configs():
        for path in getattr(config, "profile_sections", ()):
            section = import_string(path)(enterprise, user)
            if section is not None:
                found.append(section)
    return found
