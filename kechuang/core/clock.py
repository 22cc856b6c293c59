"""What today is for the district: the date in settings.TIME_ZONE, whatever the host's clock zone."""
import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()
