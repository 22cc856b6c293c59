"""One clock: the district's date, not the host's, and one `--as-of` argument for every command."""
import argparse
import datetime as dt

import pytest
from django.core.management.base import CommandError

from kechuang.core import clock

EVENING_UTC = dt.datetime(2026, 6, 30, 17, 30, tzinfo=dt.timezone.utc)  # 01:30 on 1 July in Beijing


def test_today_is_the_districts_date_on_a_utc_host(freeze_clock, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    freeze_clock(EVENING_UTC)
    assert clock.now() == EVENING_UTC
    assert clock.today() == dt.date(2026, 7, 1)


def test_today_follows_the_configured_time_zone(freeze_clock, settings):
    freeze_clock(EVENING_UTC)
    settings.TIME_ZONE = "UTC"
    assert clock.today() == dt.date(2026, 6, 30)


def test_as_of_argument_reads_a_date_and_defaults_to_today(freeze_clock):
    freeze_clock(EVENING_UTC)
    parser = argparse.ArgumentParser()
    clock.add_as_of_argument(parser, help="the day")
    assert parser.parse_args([]).as_of is None
    assert clock.as_of_option(parser.parse_args([]).as_of) == dt.date(2026, 7, 1)
    assert clock.as_of_option(parser.parse_args(["--as-of", "2022-06-30"]).as_of) == dt.date(2022, 6, 30)
    assert clock.as_of_option(dt.date(2021, 1, 2)) == dt.date(2021, 1, 2)


@pytest.mark.parametrize("bad", ["30/06/2022", "2025-13-01", "yesterday"])
def test_a_bad_as_of_stops_with_a_clear_message(bad):
    with pytest.raises(CommandError) as info:
        clock.as_of_option(bad)
    assert info.value.returncode == 2
    assert "--as-of" in str(info.value) and "YYYY-MM-DD" in str(info.value) and bad in str(info.value)
