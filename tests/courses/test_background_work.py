"""Background work an enrolment makes: its email and nothing else, emails ahead of bulk work,
and members kept out of the search and reference indexes."""

import importlib

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from wagtail.models import ReferenceIndex
from wagtail.search.models import IndexEntry

import pytest
from django_tasks import default_task_backend

from certificates.delivery import render_certificate_pdf, send_certificate_email
from certificates.tasks import build_session_archive, issue_certificates_for_session
from courses.attendance.emails import send_outcome_email_task
from courses.choices import TaskPriority
from courses.models import Enrollment, Participant
from courses.sessions.tasks import (
    send_enrollment_email,
    send_enrollment_request_email,
    send_sign_in_email,
)
from facilitators.tasks import send_check_in_link
from tests import enrolment
from tests.factories import LocalFactory, ParticipantFactory, SessionFactory, WorkshopPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    """Background tasks are queued and kept, not run; ``run_all`` runs and forgets them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()

    def names():
        return [result.task.name for result in default_task_backend.results]

    def run_all():
        results = list(default_task_backend.results)
        default_task_backend.clear()
        for result in results:
            result.task.call(*result.args, **result.kwargs)

    names.run_all = run_all
    yield names
    default_task_backend.clear()


def test_a_visitors_enrolment_queues_only_its_emails(catalogue, queued, no_rate_limits):
    session = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue), capacity=10)
    LocalFactory(number="3247")
    queued.run_all()
    client = Client()
    details = {
        "name": "Amira Haddad",
        "email": "amira@example.org",
        "local": "3247",
        "preferred_language": "en",
    }

    assert enrolment.ask(client, session, details).status_code == 302
    assert queued() == ["send_enrollment_request_email"]
    queued.run_all()

    [link] = enrolment.confirmation_links("amira@example.org")
    assert enrolment.confirm_link(client, link).status_code == 302
    # A new member and their place: one task, the email saying they have it.
    assert queued() == ["send_enrollment_email"]
    assert Enrollment.objects.get().participant.name == "Amira Haddad"


def test_a_known_members_enrolment_queues_only_its_email(catalogue, queued, no_rate_limits):
    session = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue), capacity=10)
    member = ParticipantFactory(email="known@example.org", local=LocalFactory(number="3247"))
    queued.run_all()
    client = Client()
    details = {
        "name": member.name,
        "email": member.email,
        "local": "3247",
        "preferred_language": "en",
    }
    assert enrolment.ask(client, session, details).status_code == 302
    queued.run_all()
    [link] = enrolment.confirmation_links("known@example.org")
    enrolment.confirm_link(client, link)
    assert queued() == ["send_enrollment_email"]


def test_emails_people_wait_for_come_before_other_emails_and_bulk_work():
    awaited = [
        send_enrollment_email,
        send_enrollment_request_email,
        send_sign_in_email,
        send_check_in_link,
    ]
    other_emails = [send_certificate_email, send_outcome_email_task]
    bulk = [render_certificate_pdf, issue_certificates_for_session, build_session_archive]
    assert {task.priority for task in awaited} == {TaskPriority.AWAITED_EMAIL}
    assert {task.priority for task in other_emails} == {TaskPriority.EMAIL}
    assert {task.priority for task in bulk} == {TaskPriority.BULK}
    # Wagtail's index updates run at the default priority, 0: between emails and bulk work.
    assert TaskPriority.AWAITED_EMAIL > TaskPriority.EMAIL > 0 > TaskPriority.BULK


def test_saving_members_and_enrolments_leaves_the_indexes_alone(queued):
    local, session = LocalFactory(), SessionFactory()
    queued.run_all()
    member = ParticipantFactory(local=local)
    member.name = "Another Name"
    member.save()
    Enrollment.objects.create(participant=member, session=session, status="confirmed")
    assert queued() == []
    participant_type = ContentType.objects.get_for_model(Participant)
    assert not IndexEntry.objects.filter(content_type=participant_type).exists()
    assert not ReferenceIndex.objects.filter(base_content_type=participant_type).exists()


def test_the_migration_deletes_members_entries_from_the_indexes():
    member = ParticipantFactory(name="Amira Haddad", local=LocalFactory())
    participant_type = ContentType.objects.get_for_model(Participant)
    IndexEntry.objects.create(
        content_type=participant_type, object_id=str(member.pk), title="Amira Haddad"
    )
    local_type = ContentType.objects.get_for_model(member.local)
    ReferenceIndex.objects.create(
        content_type=participant_type,
        base_content_type=participant_type,
        object_id=str(member.pk),
        to_content_type=local_type,
        to_object_id=str(member.local.pk),
        model_path="local",
        content_path="local",
        content_path_hash=ReferenceIndex._get_content_path_hash("local"),
    )
    migration = importlib.import_module("courses.migrations.0019_members_out_of_indexes")
    migration.delete_entries(apps, None)
    assert not IndexEntry.objects.filter(content_type=participant_type).exists()
    assert not ReferenceIndex.objects.filter(base_content_type=participant_type).exists()


def test_staff_cannot_delete_a_member_their_records_keep(client_as, staff, queued):
    member = ParticipantFactory()
    Enrollment.objects.create(participant=member, session=SessionFactory(), status="confirmed")
    client = client_as(staff)
    url = f"/admin/snippets/courses/participant/delete/{member.pk}/"

    page = client.get(url)
    assert page.status_code == 200
    assert "prevent it from being deleted" in page.text
    assert "Yes, delete" not in page.text

    client.post(url)
    client.generic("DELETE", url)
    bulk = client.post(
        f"/admin/bulk/courses/participant/delete/?id={member.pk}",
        {"id": [member.pk]},
    )
    assert bulk.status_code in (200, 302)
    assert Participant.objects.filter(pk=member.pk).exists()


def test_staff_delete_a_member_with_no_records(client_as, staff, queued):
    member = ParticipantFactory()
    client = client_as(staff)
    client.post(f"/admin/snippets/courses/participant/delete/{member.pk}/")
    assert not Participant.objects.filter(pk=member.pk).exists()
