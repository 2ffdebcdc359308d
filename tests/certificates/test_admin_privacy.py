"""Certificates name the people who earned them: in the admin, only staff see them, and the
history of issuing, revoking and reissuing them (Reports → Site history included) works for
staff and superusers and names nobody to a facilitator."""

from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from certificates.issuing import reissue, revoke
from certificates.models import Certificate
from courses.admin_permissions import SEE_ACTIONS, policy_for
from tests.certificates.builders import PRESENT, days_ago, enrol
from tests.factories import FacilitatorFactory, ProgramFactory, SessionFactory

pytestmark = pytest.mark.django_db

SITE_HISTORY = [
    "wagtailadmin_reports:site_history",
    "wagtailadmin_reports:site_history_results",
]


def refused(response):
    """Wagtail answers 403, or sends the user to the dashboard or the log-in page."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


@pytest.fixture
def other_facilitator(db):
    return FacilitatorFactory(user__first_name="Sam", user__last_name="Rivera").user


@pytest.fixture
def certificates(workshop, session, facilitator, other_facilitator, staff, close):
    """Aurelio completed last week's session of Jordan Lee (``facilitator``); Bernadette
    completed Sam Rivera's the week before. Closing issued their certificates; staff then
    reissued Bernadette's with a corrected name and revoked the new one."""
    aurelio = enrol(session, "Aurelio Mandelbrot", email="aurelio@example.net")
    close(session, {aurelio: PRESENT}, facilitator)
    other_session = SessionFactory(
        workshop=workshop, start=days_ago(14), facilitators=[other_facilitator]
    )
    bernadette = enrol(other_session, "Bernadette Quillfeather", email="bernadette@example.net")
    close(other_session, {bernadette: PRESENT}, other_facilitator)
    first = Certificate.objects.get(enrollment=bernadette)
    second = reissue(first.pk, holder_name="Bernadette Quillfeather-Stone", user=staff)
    revoke(second.pk, reason="Issued to the wrong local", user=staff)
    return {
        "own": Certificate.objects.get(enrollment=aurelio),
        "foreign": first,
        "reissued": second,
    }


def site_history(client, name="wagtailadmin_reports:site_history", **params):
    return client.get(reverse(name), params)


@pytest.mark.parametrize("role", ["staff", "superuser"])
@pytest.mark.parametrize("name", SITE_HISTORY)
def test_site_history_shows_staff_the_life_of_certificates(client, users, certificates, role, name):
    assert set(
        ModelLogEntry.objects.filter(content_type__model="certificate").values_list(
            "action", flat=True
        )
    ) == {"certificates.issue", "certificates.reissue", "certificates.revoke"}
    client.force_login(users[role])

    response = site_history(client, name)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Issued to Bernadette Quillfeather" in text
    assert "Reissued to Bernadette Quillfeather-Stone" in text
    assert "Revoked: Issued to the wrong local" in text
    # A certificate has no edit page: its rows lead to the page that shows it.
    inspect_url = reverse("certificates_admin:inspect", args=[certificates["reissued"].pk])
    assert f'href="{inspect_url}"' in text
    assert "/en/certificates/edit/" not in text


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_site_history_exports_the_life_of_certificates(client, users, certificates, role):
    client.force_login(users[role])

    response = site_history(client, export="csv")

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "Bernadette Quillfeather-Stone" in text


@pytest.mark.parametrize("name", SITE_HISTORY)
@pytest.mark.parametrize("facilitator_role", ["facilitator", "other_facilitator"])
def test_site_history_names_nobody_to_a_facilitator(
    client, users, other_facilitator, certificates, name, facilitator_role
):
    user = other_facilitator if facilitator_role == "other_facilitator" else users["facilitator"]
    client.force_login(user)

    for params in ({}, {"export": "csv"}):
        response = site_history(client, name, **params)

        assert response.status_code == 200
        text = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert "Bernadette" not in text
        assert "Aurelio" not in text


@pytest.mark.parametrize("page", ["index", "index_results", "inspect", "history", "download"])
def test_a_facilitator_opens_no_certificate_page(client, users, certificates, page):
    """Not even of the people they facilitated: those are on their rosters."""
    client.force_login(users["facilitator"])

    for certificate in (certificates["own"], certificates["foreign"]):
        args = [] if page.startswith("index") else [certificate.pk]
        response = client.get(reverse(f"certificates_admin:{page}", args=args))

        assert refused(response)
        assert "Bernadette" not in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "participant"])
def test_nobody_signed_out_or_without_admin_access_reads_a_certificates_history(
    client_as, users, certificates, role
):
    client = client_as(users[role])

    response = client.get(reverse("certificates_admin:history", args=[certificates["foreign"].pk]))

    assert refused(response)


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_read_a_certificates_history(client, users, certificates, role):
    client.force_login(users[role])

    response = client.get(reverse("certificates_admin:history", args=[certificates["reissued"].pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Reissued to Bernadette Quillfeather-Stone" in text
    assert "Revoked: Issued to the wrong local" in text


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_list_every_certificate(client, users, certificates, role):
    client.force_login(users[role])

    response = client.get(reverse("certificates_admin:index"))

    assert {certificate.pk for certificate in response.context["object_list"]} == set(
        Certificate.objects.values_list("pk", flat=True)
    )


def test_the_certificate_policy_scopes_a_facilitator_to_their_people(
    users, other_facilitator, certificates, staff
):
    policy = policy_for(Certificate)
    program_certificate = Certificate.objects.create(
        kind="program",
        participant=certificates["own"].participant,
        program=ProgramFactory(),
        holder_name="Aurelio Mandelbrot",
        title="Steward Program",
        hours=12,
        completed_on=certificates["own"].completed_on,
        language="en",
    )

    assert set(policy.instances_user_has_any_permission_for(users["facilitator"], SEE_ACTIONS)) == {
        certificates["own"]
    }
    assert set(policy.instances_user_has_any_permission_for(other_facilitator, SEE_ACTIONS)) == {
        certificates["foreign"],
        certificates["reissued"],
    }
    assert policy.user_has_permission_for_instance(
        users["facilitator"], "view", certificates["own"]
    )
    assert not policy.user_has_permission_for_instance(
        users["facilitator"], "change", certificates["own"]
    )
    assert not policy.user_has_permission_for_instance(
        users["facilitator"], "view", program_certificate
    )
    assert not policy.user_has_any_permission(users["facilitator"], SEE_ACTIONS)
    assert set(policy.users_with_permission_for_instance("view", certificates["own"])) >= {
        users["facilitator"],
        staff,
    }
    assert other_facilitator not in policy.users_with_permission_for_instance(
        "view", certificates["own"]
    )
    assert policy.instances_user_has_permission_for(staff, "view").count() == 4
    assert not policy.instances_user_has_permission_for(users["superuser"], "delete")
