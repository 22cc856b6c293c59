"""Buttons from a workflow declaration. `{% transition_buttons transitions action_url %}` renders one
form per transition the user may take, posting its name as `transition` to `action_url`;
`{% transition_buttons transitions url_name="app:action" pk=obj.pk %}` posts each to its own URL
(`reverse(url_name, args=[pk, name])`, underscores as hyphens). A transition that needs a comment
gets a comment box. `transitions|offers:"name"` asks whether one is among them, for a button that
sits on a table row."""
from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("core/transition_buttons.html")
def transition_buttons(transitions, action_url="", url_name="", pk=None):
    return {
        "steps": [
            (t, action_url or reverse(url_name, args=[pk, t.name.replace("_", "-")])) for t in transitions or ()
        ],
    }


@register.filter
def offers(transitions, name) -> bool:
    return any(t.name == name for t in transitions or ())
