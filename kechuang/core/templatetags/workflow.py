"""Buttons from a workflow declaration: `{% transition_buttons transitions action_url %}` renders one
form per transition the user may take (with a comment box where the transition needs one), and
`transitions|offers:"name"` asks whether one is among them, for a button that sits on a table row."""
from django import template

register = template.Library()


@register.inclusion_tag("core/transition_buttons.html")
def transition_buttons(transitions, action_url, field="transition", **hidden):
    return {"transitions": transitions, "action_url": action_url, "field": field, "hidden": hidden}


@register.filter
def offers(transitions, name) -> bool:
    return any(t.name == name for t in transitions or ())
