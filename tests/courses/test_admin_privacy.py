"""Who sees whom through the admin's choosers and listings of people, sessions and requests.

DESIGN.md's permission matrix for each: anonymous visitors go to the log-in page,
participants (no admin access) are refused, a facilitator assigned to no session sees nobody,
the facilitator of a session sees at most the people its roster shows, and education staff and
superusers see everyone.
"""

from django.urls import reverse

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

import pytest

from courses.admin_permissions import SEE_ACTIONS, policy_for
from courses.choices import EnrollmentStatus
from courses.models import Enrollment, Participant, Session, SessionRequest
from facilitators.models import Facilitator
from tests.factories import (
    EnrollmentFactory,
    FacilitatorFactory,
    ParticipantFactory,
    SessionFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "facilitator", "assigned", "staff", "superuser"]


def refused(response):
    """Wagtail answers 403, or sends the user to the dashboard or the log-in page."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


def sent_to_login(response):
    return response.status_code == 302 and response.url.startswith("/admin/login/")


@pytest.fixture
def people(catalogue):
    """Two sessions: Jordan Lee facilitates the first (Aurelio confirmed, Wanda waitlisted,
    Cora who cancelled) with Casey Morgan; Sam Rivera alone the second (Bernadette).
    A local's officer, Ottoline, asked for a tailored session."""
    assigned = FacilitatorFactory(user__first_name="Jordan", user__last_name="Lee").user
    colleague = FacilitatorFactory(user__first_name="Casey", user__last_name="Morgan").user
    stranger = FacilitatorFactory(user__first_name="Sam", user__last_name="Rivera").user
    own = SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, title="Handling Grievances"),
        facilitators=[assigned, colleague],
    )
    other = SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, title="Health and Safety Basics"),
        facilitators=[stranger],
    )
    aurelio = EnrollmentFactory(
        session=own,
        participant=ParticipantFactory(name="Aurelio Mandelbrot", email="aurelio@example.net"),
    )
    wanda = EnrollmentFactory(
        session=own,
        status=EnrollmentStatus.WAITLISTED,
        participant=ParticipantFactory(name="Wanda Waitlisted", email="wanda@example.net"),
    )
    cora = EnrollmentFactory(
        session=own,
        status=EnrollmentStatus.CANCELLED,
        participant=ParticipantFactory(name="Cora Cancelled", email="cora@example.net"),
    )
    bernadette = EnrollmentFactory(
        session=other,
        participant=ParticipantFactory(
            name="Bernadette Quillfeather", email="bernadette@example.net"
        ),
    )
    request = SessionRequestFactory(
        contact_name="Ottoline Brackenbury",
        email="ottoline@example.net",
        assigned_facilitator=assigned,
    )
    return {
        "assigned": assigned,
        "colleague": colleague,
        "stranger": stranger,
        "own": own,
        "other": other,
        "aurelio": aurelio,
        "wanda": wanda,
        "cora": cora,
        "bernadette": bernadette,
        "request": request,
    }


@pytest.fixture
def as_role(client_as, users, people):
    def sign_in(role):
        user = people["assigned"] if role == "assigned" else users[role]
        return client_as(user)

    return sign_in


# What each chooser lists, by role: the names (or titles) shown, and those never shown.

EVERYONE = {
    "Aurelio Mandelbrot",
    "Wanda Waitlisted",
    "Cora Cancelled",
    "Bernadette Quillfeather",
}
SESSIONS = {"Handling Grievances", "Health and Safety Basics"}
#: What a facilitator of the first session may never be shown (the request's reference, too).
FOREIGN = {
    "Wanda Waitlisted",
    "Cora Cancelled",
    "Bernadette Quillfeather",
    "bernadette@example.net",
    "Ottoline Brackenbury",
    "Health and Safety Basics",
    "REQ-",
}
#: model name: (what it could show, what the facilitator of the first session sees)
CHOOSERS = {
    "participant": (EVERYONE, {"Aurelio Mandelbrot"}),
    "enrollment": (EVERYONE, {"Aurelio Mandelbrot"}),
    "session": (SESSIONS, {"Handling Grievances"}),
    "sessionrequest": ({"REQ-"}, set()),
}


def chooser_url(model_name, name="choose", *args, app_label="courses"):
    return reverse(f"wagtailsnippetchoosers_{app_label}_{model_name}:{name}", args=args)


def shown(response, candidates):
    text = response.content.decode()
    return {candidate for candidate in candidates if candidate in text}


def expected_in_chooser(role, model_name):
    everything, seen_by_facilitator = CHOOSERS[model_name]
    return {
        "facilitator": set(),
        "assigned": seen_by_facilitator,
        "staff": everything,
        "superuser": everything,
    }[role]


@pytest.mark.parametrize("model_name", CHOOSERS)
@pytest.mark.parametrize("view", ["choose", "choose_results"])
def test_nobody_signed_out_or_without_admin_access_opens_a_chooser(as_role, model_name, view):
    assert sent_to_login(as_role("anonymous").get(chooser_url(model_name, view)))
    assert refused(as_role("participant").get(chooser_url(model_name, view)))


@pytest.mark.parametrize("model_name", CHOOSERS)
@pytest.mark.parametrize("view", ["choose", "choose_results"])
@pytest.mark.parametrize("role", ["facilitator", "assigned", "staff", "superuser"])
def test_a_chooser_lists_only_whom_the_user_may_see(as_role, model_name, view, role):
    response = as_role(role).get(chooser_url(model_name, view))

    assert response.status_code == 200
    assert shown(response, CHOOSERS[model_name][0]) == expected_in_chooser(role, model_name)
    if role in ("facilitator", "assigned"):
        assert not shown(response, FOREIGN)


@pytest.mark.parametrize(
    ("model_name", "search"),
    [
        ("participant", "bernadette@example"),
        ("participant", "Quillfeather"),
        ("enrollment", "Quillfeather"),
        ("session", "Health"),
        ("sessionrequest", "REQ"),
    ],
)
def test_searching_a_chooser_finds_nobody_outside_the_users_sessions(as_role, model_name, search):
    for role in ("facilitator", "assigned"):
        response = as_role(role).get(chooser_url(model_name, "choose_results"), {"q": search})

        assert response.status_code == 200
        assert not shown(response, FOREIGN)

    response = as_role("staff").get(chooser_url(model_name, "choose_results"), {"q": search})

    assert response.status_code == 200
    assert shown(response, FOREIGN)


def test_searching_the_participant_chooser_finds_the_facilitators_own_people(as_role):
    client = as_role("assigned")

    response = client.get(chooser_url("participant", "choose_results"), {"q": "aurelio@example"})

    assert shown(response, EVERYONE) == {"Aurelio Mandelbrot"}
    assert response.context["results"].paginator.count == 1


def test_staff_search_the_participant_chooser_by_name_or_email(as_role):
    client = as_role("staff")

    by_email = client.get(chooser_url("participant", "choose_results"), {"q": "bernadette@"})
    by_words = client.get(
        chooser_url("participant", "choose_results"), {"q": "quillfeather bernadette"}
    )

    assert shown(by_email, EVERYONE) == {"Bernadette Quillfeather"}
    assert shown(by_words, EVERYONE) == {"Bernadette Quillfeather"}


def chosen_pk(people, model_name, whose):
    record = people[whose]
    return {
        "participant": lambda: record.participant_id,
        "enrollment": lambda: record.pk,
        "session": lambda: record.session_id,
    }[model_name]()


@pytest.mark.parametrize("model_name", ["participant", "enrollment", "session"])
def test_a_chosen_record_outside_the_users_sessions_is_not_found(as_role, people, model_name):
    foreign = chosen_pk(people, model_name, "bernadette")
    own = chosen_pk(people, model_name, "aurelio")

    for role in ("facilitator", "assigned"):
        client = as_role(role)
        assert client.get(chooser_url(model_name, "chosen", foreign)).status_code == 404
        multiple = client.get(chooser_url(model_name, "chosen_multiple"), {"id": [foreign, own]})
        assert multiple.status_code == 200
        assert not shown(multiple, {"Bernadette", "Health and Safety"})

    assigned = as_role("assigned")
    assert assigned.get(chooser_url(model_name, "chosen", own)).status_code == 200
    multiple = assigned.get(chooser_url(model_name, "chosen_multiple"), {"id": [foreign, own]})
    assert [item["id"] for item in multiple.json()["result"]] == [str(own)]


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_choose_anyone(as_role, people, role):
    client = as_role(role)

    for model_name in ("participant", "enrollment", "session"):
        pk = chosen_pk(people, model_name, "bernadette")
        response = client.get(chooser_url(model_name, "chosen", pk))
        assert response.status_code == 200
        assert response.json()["result"]["id"] == str(pk)
    response = client.get(chooser_url("sessionrequest", "chosen", people["request"].pk))
    assert response.json()["result"]["id"] == str(people["request"].pk)


def test_a_chosen_request_is_not_found_for_its_assigned_facilitator(as_role, people):
    """Requests name a local's officer: they are the staff's, even for the facilitator
    assigned to shape the session."""
    client = as_role("assigned")

    response = client.get(chooser_url("sessionrequest", "chosen", people["request"].pk))

    assert response.status_code == 404


def test_a_chosen_record_that_cannot_exist_is_not_found(as_role, people):
    client = as_role("staff")

    response = client.get(chooser_url("participant", "chosen", "not-a-number"))
    multiple = client.get(
        chooser_url("participant", "chosen_multiple"),
        {"id": ["not-a-number", people["aurelio"].participant_id]},
    )

    assert response.status_code == 404
    assert [item["id"] for item in multiple.json()["result"]] == [
        str(people["aurelio"].participant_id)
    ]


# The facilitator chooser


def facilitator_names(response):
    return shown(response, {"Jordan Lee", "Casey Morgan", "Sam Rivera"})


def test_a_facilitator_chooses_among_themselves_and_those_they_facilitate_with(as_role):
    url = chooser_url("facilitator", "choose", app_label="facilitators")

    assert sent_to_login(as_role("anonymous").get(url))
    assert refused(as_role("participant").get(url))
    assert facilitator_names(as_role("facilitator").get(url)) == set()
    assert facilitator_names(as_role("assigned").get(url)) == {"Jordan Lee", "Casey Morgan"}
    assert facilitator_names(as_role("staff").get(url)) == {
        "Jordan Lee",
        "Casey Morgan",
        "Sam Rivera",
    }
    assert facilitator_names(as_role("superuser").get(url)) == {
        "Jordan Lee",
        "Casey Morgan",
        "Sam Rivera",
    }


def test_the_facilitator_chooser_search_stays_within_whom_the_user_may_see(as_role, people):
    url = chooser_url("facilitator", "choose_results", app_label="facilitators")
    stranger = Facilitator.objects.get(user=people["stranger"])

    assert facilitator_names(as_role("assigned").get(url, {"q": "Rivera"})) == set()
    assert facilitator_names(as_role("staff").get(url, {"q": "Rivera"})) == {"Sam Rivera"}
    chosen = chooser_url("facilitator", "chosen", stranger.pk, app_label="facilitators")
    assert as_role("assigned").get(chosen).status_code == 404
    assert as_role("staff").get(chosen).status_code == 200


# Listings and the pages of one record


LISTINGS = ["participant", "enrollment", "session", "sessionrequest"]


def snippet_url(model_name, name, *args, app_label="courses"):
    return reverse(f"wagtailsnippets_{app_label}_{model_name}:{name}", args=args)


def record_of(people, model_name):
    return {
        "participant": people["bernadette"].participant,
        "enrollment": people["bernadette"],
        "session": people["other"],
        "sessionrequest": people["request"],
    }[model_name]


@pytest.mark.parametrize("model_name", LISTINGS)
@pytest.mark.parametrize("role", ROLES)
def test_only_staff_list_people_sessions_and_requests(as_role, model_name, role):
    for name in ("list", "list_results"):
        response = as_role(role).get(snippet_url(model_name, name))

        if role == "anonymous":
            assert sent_to_login(response)
        elif role in ("staff", "superuser"):
            assert response.status_code == 200
        else:
            assert refused(response)


@pytest.mark.parametrize("model_name", ["participant", "enrollment"])
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_list_everyone(as_role, model_name, role):
    response = as_role(role).get(snippet_url(model_name, "list"))

    assert shown(response, EVERYONE) == EVERYONE


def test_the_facilitator_list_is_for_staff(as_role):
    url = snippet_url("facilitator", "list", app_label="facilitators")

    assert sent_to_login(as_role("anonymous").get(url))
    for role in ("participant", "facilitator", "assigned"):
        assert refused(as_role(role).get(url))
    for role in ("staff", "superuser"):
        assert facilitator_names(as_role(role).get(url)) == {
            "Jordan Lee",
            "Casey Morgan",
            "Sam Rivera",
        }


def test_staff_search_the_facilitator_list_by_name(as_role):
    url = snippet_url("facilitator", "list_results", app_label="facilitators")

    response = as_role("staff").get(url, {"q": "Rivera"})

    assert response.status_code == 200
    assert facilitator_names(response) == {"Sam Rivera"}


@pytest.mark.parametrize("model_name", ["program", "local", "division", "sector"])
def test_staff_search_the_union_structure(as_role, model_name):
    response = as_role("staff").get(snippet_url(model_name, "list_results"), {"q": "Local"})

    assert response.status_code == 200


RECORD_PAGES = [
    (model_name, name)
    for model_name in LISTINGS
    for name in ("edit", "history", "history_results", "usage")
] + [("enrollment", "inspect"), ("session", "people")]


@pytest.mark.parametrize(("model_name", "name"), RECORD_PAGES)
def test_a_facilitator_opens_no_page_of_a_record(as_role, people, model_name, name):
    url = snippet_url(model_name, name, record_of(people, model_name).pk)

    for role in ("facilitator", "assigned"):
        response = as_role(role).get(url)
        assert refused(response)
        assert "Bernadette" not in response.content.decode()
    assert as_role("staff").get(url).status_code == 200


def test_a_facilitator_never_opens_a_page_of_their_own_people_either(as_role, people):
    """Their own people are on their rosters, not in the admin's records."""
    client = as_role("assigned")
    participant = people["aurelio"].participant

    assert refused(client.get(snippet_url("participant", "edit", participant.pk)))
    assert refused(client.get(snippet_url("participant", "history", participant.pk)))
    assert refused(client.get(snippet_url("enrollment", "inspect", people["aurelio"].pk)))


# The policies themselves


def test_the_policies_scope_facilitators_to_the_people_on_their_rosters(users, people):
    assigned, facilitator = people["assigned"], users["facilitator"]
    aurelio, bernadette = people["aurelio"], people["bernadette"]

    participants = policy_for(Participant)
    assert set(participants.instances_user_has_any_permission_for(assigned, SEE_ACTIONS)) == {
        aurelio.participant
    }
    assert not participants.instances_user_has_any_permission_for(facilitator, SEE_ACTIONS)
    assert participants.user_has_permission_for_instance(assigned, "view", aurelio.participant)
    assert not participants.user_has_permission_for_instance(
        assigned, "view", bernadette.participant
    )
    assert not participants.user_has_permission_for_instance(
        assigned, "change", aurelio.participant
    )
    assert not participants.user_has_permission(assigned, "view")

    enrollments = policy_for(Enrollment)
    assert set(enrollments.instances_user_has_permission_for(assigned, "view")) == {aurelio}
    assert not enrollments.instances_user_has_permission_for(assigned, "change")
    assert set(
        enrollments.users_with_permission_for_instance("view", aurelio).filter(
            pk__in=[assigned.pk, people["colleague"].pk, people["stranger"].pk]
        )
    ) == {assigned, people["colleague"]}

    sessions = policy_for(Session)
    assert set(sessions.instances_user_has_permission_for(assigned, "view")) == {people["own"]}
    assert not sessions.user_has_permission(assigned, "view")

    requests = policy_for(SessionRequest)
    assert not requests.instances_user_has_any_permission_for(assigned, SEE_ACTIONS)


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_the_policies_give_staff_every_record(users, people, role):
    user = users[role]

    assert policy_for(Participant).instances_user_has_permission_for(user, "view").count() == 4
    assert policy_for(Enrollment).instances_user_has_permission_for(user, "change").count() == 4
    assert policy_for(Session).instances_user_has_permission_for(user, "change").count() == 2
    for model in (Enrollment, SessionRequest):
        assert not policy_for(model).user_has_permission(user, "delete")
        assert not policy_for(model).instances_user_has_permission_for(user, "delete")
    assert not policy_for(Enrollment).user_has_permission(user, "add")


def test_an_inactive_facilitator_sees_nobody(people):
    assigned = people["assigned"]
    assigned.is_active = False
    assigned.save(update_fields=["is_active"])

    assert not policy_for(Participant).instances_user_has_any_permission_for(assigned, SEE_ACTIONS)


# History


def test_a_facilitator_reads_no_history_of_people(as_role, people, staff):
    """Log entries name people ("Enrolled Bernadette Quillfeather"): a facilitator reads none,
    neither a record's history nor Reports → Site history."""
    log(
        instance=people["other"],
        action="courses.session.enrol",
        user=staff,
        data={"name": "Bernadette Quillfeather", "status": "confirmed"},
    )
    log(
        instance=people["own"],
        action="courses.session.enrol",
        user=staff,
        data={"name": "Aurelio Mandelbrot", "status": "confirmed"},
    )
    assert ModelLogEntry.objects.count() == 2

    for role in ("facilitator", "assigned"):
        client = as_role(role)
        assert refused(client.get(snippet_url("session", "history", people["other"].pk)))
        for url in (
            reverse("wagtailadmin_reports:site_history"),
            reverse("wagtailadmin_reports:site_history_results"),
        ):
            response = client.get(url)
            assert response.status_code == 200
            assert "Bernadette" not in response.content.decode()

    response = as_role("staff").get(reverse("wagtailadmin_reports:site_history"))
    assert "Enrolled Bernadette Quillfeather" in response.content.decode()


# Bulk actions


def bulk_delete_url(model_name, *ids, app_label="courses"):
    url = reverse("wagtail_bulk_action", args=[app_label, model_name, "delete"])
    return url + "?" + "&".join(f"id={pk}" for pk in ids)


@pytest.mark.parametrize("model_name", ["participant", "enrollment", "session", "sessionrequest"])
@pytest.mark.parametrize("ids", [["all"], ["own"], ["foreign"]])
def test_a_facilitator_is_refused_bulk_deleting_and_shown_nobody(as_role, people, model_name, ids):
    """Wagtail's bulk delete names every record it will not delete: not to a facilitator."""
    own = {
        "participant": people["aurelio"].participant_id,
        "enrollment": people["aurelio"].pk,
        "session": people["own"].pk,
        "sessionrequest": people["request"].pk,
    }
    pks = {"all": "all", "own": own[model_name], "foreign": record_of(people, model_name).pk}
    url = bulk_delete_url(model_name, *(pks[name] for name in ids))

    for role in ("facilitator", "assigned"):
        response = as_role(role).get(url)
        assert refused(response)
        assert not shown(response, FOREIGN | EVERYONE)


def test_staff_bulk_delete_participants_as_before(as_role, people):
    pk = people["bernadette"].participant_id

    response = as_role("staff").get(bulk_delete_url("participant", pk))

    assert response.status_code == 200
    assert "Bernadette Quillfeather" in response.content.decode()


def test_a_facilitator_is_refused_bulk_deleting_facilitators(as_role, people):
    url = bulk_delete_url("facilitator", "all", app_label="facilitators")

    response = as_role("assigned").get(url)

    assert refused(response)
    assert not shown(response, {"Sam Rivera", "Casey Morgan"})
