"""What proving addresses and counting requests cost.

1. A rate-limited request: the same sign-in request (an unknown address, so no email) with its
   rate limits counted in the cache, and with them turned off.
2. Enrolling: the path a visitor takes now (post the form, open the emailed link, press
   "Confirm my place") against enrolling in one request, which is what the form did before
   addresses had to be proved (and what a signed-in member still does).

Both are measured in one run, alternating the two variants so that the machine's load falls on
both alike, in-process with Django's test client, emails to local memory and background tasks
run at once. Medians are printed, never asserted.
"""

import statistics
import time

from django.core import mail
from django.test import Client, TestCase

import pytest

from courses.models import Enrollment
from courses.ratelimits import DEFAULT_RATE_LIMITS
from tests.enrolment import CONFIRM_LINK
from tests.factories import (
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
    WorkshopPageFactory,
)

ROUNDS = 200
ENROLMENTS = 120


def median_ms(samples):
    return statistics.median(samples) * 1000


def timed(call):
    began = time.perf_counter()
    result = call()
    return time.perf_counter() - began, result


@pytest.mark.django_db
def test_the_cost_of_a_rate_limited_request(settings, report):
    client = Client()
    limits_on = dict.fromkeys(DEFAULT_RATE_LIMITS, "1000000/h")
    limits_off = dict.fromkeys(DEFAULT_RATE_LIMITS)
    samples = {"counted": [], "not counted": []}
    for number in range(ROUNDS):
        for label, limits in (("counted", limits_on), ("not counted", limits_off)):
            settings.EDUCATION_RATE_LIMITS = limits
            seconds, response = timed(
                lambda n=number: client.post("/en/sign-in/", {"email": f"nobody{n}@example.org"})
            )
            assert response.status_code == 302
            samples[label].append(seconds)
    counted, plain = median_ms(samples["counted"]), median_ms(samples["not counted"])
    report(
        f"A rate-limited request: POST /sign-in/ (unknown address), median of {ROUNDS} each",
        ["rate limits", "median ms", "added ms", "ratio"],
        [
            ["counted (2 limits)", f"{counted:.2f}", f"{counted - plain:+.2f}", ""],
            ["off", f"{plain:.2f}", "", f"{counted / plain:.2f}"],
        ],
    )


@pytest.mark.django_db
def test_the_cost_of_proving_the_address(catalogue, settings, report, no_rate_limits):
    workshop = WorkshopPageFactory(parent=catalogue)
    session = SessionFactory(workshop=workshop, capacity=ENROLMENTS * 2)
    local = LocalFactory(number="3247")
    direct, proved = [], {"form": [], "open link": [], "confirm": []}
    for number in range(ENROLMENTS):
        # One request, as the form enrolled before (a signed-in member still does).
        member = ParticipantFactory(local=local, user=UserFactory())
        browser = Client()
        browser.force_login(member.user)
        with TestCase.captureOnCommitCallbacks(execute=True):
            seconds, response = timed(lambda b=browser: b.post(f"/en/sessions/{session.pk}/enrol/"))
        assert response.status_code == 302
        direct.append(seconds)

        # Form, link, confirmation.
        visitor = Client()
        email = f"visitor{number}@example.org"
        data = {"name": "A Visitor", "email": email, "local": "3247", "preferred_language": "en"}
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            seconds, response = timed(
                lambda v=visitor, d=data: v.post(f"/en/sessions/{session.pk}/enrol/", d)
            )
        assert response.status_code == 302
        proved["form"].append(seconds)
        link = CONFIRM_LINK.search(mail.outbox[-1].body).group(1)
        seconds, response = timed(lambda v=visitor, lk=link: v.get(lk))
        assert response.status_code == 200
        proved["open link"].append(seconds)
        details = {"name": "A Visitor", "local": "3247", "preferred_language": "en"}
        with TestCase.captureOnCommitCallbacks(execute=True):
            seconds, response = timed(lambda v=visitor, lk=link, d=details: v.post(lk, d))
        assert response.status_code == 302
        proved["confirm"].append(seconds)

    assert Enrollment.objects.filter(session=session).count() == ENROLMENTS * 2
    one_request = median_ms(direct)
    steps = {step: median_ms(samples) for step, samples in proved.items()}
    total = sum(steps.values())
    rows = [["enrol in one request", f"{one_request:.1f}", ""]]
    rows += [[f"proved: {step}", f"{ms:.1f}", ""] for step, ms in steps.items()]
    rows.append(["proved: the three together", f"{total:.1f}", f"{total / one_request:.2f}"])
    report(
        f"Enrolling: form → link → confirmation against one request, median of {ENROLMENTS}",
        ["path", "median ms", "ratio to one request"],
        rows,
    )
