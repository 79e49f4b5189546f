"""Helpers for the station tests: the map's centre, always-open hours, Shanghai times."""

from datetime import datetime

from service.core.clock import SHANGHAI

CENTRE = (34.7466, 113.6253)  # 二七广场, GCJ-02
ALWAYS = {"always_open": True}


def shanghai(year, month, day, hour, minute=0):
    """A moment given on the wall clocks of Zhengzhou."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
