"""The demo has the request form and a handful of requests at every step, from different locals."""

from io import StringIO

from django.core.management import call_command

from wagtail.models import ModelLogEntry

import pytest

from courses.choices import RequestStatus, SessionStatus
from courses.models import SessionRequest, SessionRequestPage
from courses.requests.rules import status_history


def load_demo():
    call_command("load_demo", stdout=StringIO())


@pytest.mark.django_db
def test_the_demo_has_requests_at_every_step_and_loads_once(demo_once, client):
    requests = list(SessionRequest.objects.select_related("local", "session"))
    logged = ModelLogEntry.objects.filter(content_type__model="sessionrequest").count()

    load_demo()

    assert SessionRequest.objects.count() == len(requests)
    assert ModelLogEntry.objects.filter(content_type__model="sessionrequest").count() == logged
    assert {request.status for request in requests} == set(RequestStatus.values)
    numbers = [request.local.number for request in requests if request.local]
    assert len(set(numbers)) == len(numbers) >= 4
    assert any(request.local is None and request.local_name_other for request in requests)

    by_status = {request.status: request for request in requests}
    scheduled = by_status[RequestStatus.SCHEDULED]
    assert scheduled.session.status == SessionStatus.SCHEDULED
    assert scheduled.session.restricted_to_local == scheduled.local
    delivered = by_status[RequestStatus.DELIVERED]
    assert delivered.session.status == SessionStatus.DELIVERED
    assert [step.status for step in status_history(delivered)] == [
        "new",
        "in_review",
        "scheduled",
        "delivered",
    ]
    assert by_status[RequestStatus.DECLINED].decline_reason
    assert by_status[RequestStatus.IN_REVIEW].assigned_facilitator is not None

    page = SessionRequestPage.objects.get(locale__language_code="en")
    assert page.url == "/en/request-a-session/"
    assert page.default_workshop.slug == "strategic-planning"
    assert client.get("/en/request-a-session/").status_code == 200
    workshop_page = client.get("/en/workshops/strategic-planning/")
    assert "/en/request-a-session/?workshop=strategic-planning" in workshop_page.text
