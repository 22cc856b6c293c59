from django import template

from kechuang.plan.models import Notification

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    return Notification.objects.visible_to(user).unread().count()
