"""The demo union's divisions have their time zones, and its sessions are held in several zones,
each at 9:00 on the clocks of the province it is held in."""

from io import StringIO

from django.core.management import call_command

import pytest

from courses.models import Division, Session
from home.demo import sessions as demo_sessions

PROVINCE_ZONES = {
    "ON": "America/Toronto",
    "QC": "America/Toronto",
    "BC": "America/Vancouver",
    "NS": "America/Halifax",
    "NL": "America/St_Johns",
    "MB": "America/Winnipeg",
    "AB": "America/Edmonton",
}


@pytest.fixture
def demo(demo_once, db):
    return demo_once


@pytest.mark.django_db
def test_the_demo_divisions_have_their_time_zones(demo):
    assert dict(Division.objects.values_list("code", "time_zone")) == PROVINCE_ZONES


@pytest.mark.django_db
def test_the_demo_sessions_are_in_the_zone_of_their_province_at_nine(demo):
    sessions = list(Session.objects.prefetch_related("parts").select_related("workshop"))
    cities = {plan.city for plan in demo_sessions.SESSIONS}

    assert len({session.time_zone for session in sessions}) >= 3
    for session in sessions:
        if session.is_online:
            assert session.time_zone == PROVINCE_ZONES[demo_sessions.ONLINE_DIVISION]
        elif session.city in cities:
            province = demo_sessions.CITY_DIVISIONS[session.city]
            assert session.time_zone == PROVINCE_ZONES[province], session
        for part in session.parts.all():
            assert part.local_starts_at.strftime("%H:%M") == demo_sessions.DAY_STARTS_AT, session


@pytest.mark.django_db
def test_the_demo_schedule_has_sessions_in_pacific_atlantic_and_newfoundland_time(demo):
    zones = set(Session.objects.values_list("time_zone", flat=True))

    assert {"America/Vancouver", "America/Toronto", "America/Halifax", "America/St_Johns"} <= zones


@pytest.mark.django_db
def test_loading_again_leaves_the_zones_and_times_as_they_were(demo):
    before = list(Session.objects.order_by("pk").values_list("time_zone", "starts_at", "ends_at"))
    zones = dict(Division.objects.values_list("code", "time_zone"))

    out = StringIO()
    call_command("load_demo", stdout=out)

    assert "nothing changed" in out.getvalue()
    after = list(Session.objects.order_by("pk").values_list("time_zone", "starts_at", "ends_at"))
    assert after == before
    assert dict(Division.objects.values_list("code", "time_zone")) == zones
