"""How far along a period is: the one measure of elapsed time that targets, forecasts and supervision
share."""
import datetime as dt
from decimal import Decimal


def elapsed_share(start: dt.date, end: dt.date, on: dt.date) -> Decimal:
    """The share of the days from `start` to `end` (both inclusive) that have passed by the end of `on`."""
    total = (end - start).days + 1
    passed = min(max((on - start).days + 1, 0), total)
    return Decimal(passed) / Decimal(total)
