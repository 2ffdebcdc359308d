"""The public request form at /request-a-session/: anyone may send a request; each bad input is
told at its field, with what was typed kept; the thank-you page shows the request to whoever sent
it and to nobody else."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

import pytest

from courses.choices import RequestStatus
from courses.models import SessionRequest
from tests.factories import (
    FacilitatorFactory,
    LocalFactory,
    ParticipantFactory,
    SessionRequestFactory,
    SessionRequestPageFactory,
    WorkshopPageFactory,
    translate_page,
)

FORM_URL = "/en/request-a-session/"
THANKS_URL = "/en/request-a-session/thanks/"
ROLES = ["anonymous", "participant", "another_participant", "facilitator", "staff", "superuser"]

#: Queries the warm form page makes, whatever the number of locals and workshops. Measured at
#: 12 on SQLite: the site, routing to the page (4), view restrictions (2), the workshops
#: offered on request (4: the one chosen first, whether there are any, the list of choices),
#: site settings (the locals are suggested as one types, not listed in the page). Then 15 for
#: the two languages: the page's translations, the home and catalogue links in the reader's
#: language, and the locale of the page's language; and 16 with the workshops' titles in the
#: reader's language.
FORM_MAX_QUERIES = 16


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue,
        title="Strategic Planning for Your Local",
        slug="strategic-planning",
        offered_on_request=True,
    )


@pytest.fixture
def page(home_page, workshop):
    return SessionRequestPageFactory(parent=home_page, default_workshop=workshop)


@pytest.fixture
def local(db):
    return LocalFactory(number="3247", name="Social Services Workers", city="Laval")


def day(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def form_data(chosen, **changes):
    data = {
        "local": "3247",
        "local_name_other": "",
        "contact_name": "Robin Tremblay",
        "contact_role": "President",
        "email": "robin@example.org",
        "phone": "450-555-0142",
        "workshop": str(chosen.pk),
        "goals": "A three-year plan and more stewards.",
        "participants": "14",
        "date_1": day(40),
        "date_2": day(47),
        "date_3": "",
        "delivery_format": "in_person",
        "location": "Union hall, Laval",
        "language": "fr",
        "accessibility_needs": "Step-free access.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# Who may send a request


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_the_form(client_as, users, page, role):
    response = client_as(users[role]).get(FORM_URL)

    assert response.status_code == 200
    assert "Send the request" in response.text
    assert "Tell us what your local wants to achieve." in response.text  # the introduction


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_send_a_request(client_as, users, page, workshop, local, role):
    response = client_as(users[role]).post(FORM_URL, form_data(workshop))

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    session_request = SessionRequest.objects.get()
    assert session_request.status == RequestStatus.NEW
    assert session_request.local == local


@pytest.mark.django_db
def test_an_assigned_facilitator_sends_a_request_like_anyone(client, page, workshop, local):
    """Facilitators assigned to another request have no special way in or out of the form."""
    facilitator = FacilitatorFactory(certified_workshops=[workshop]).user
    SessionRequestFactory(workshop=workshop, assigned_facilitator=facilitator)
    client.force_login(facilitator)

    response = client.post(FORM_URL, form_data(workshop, email="nadia@example.org"))

    assert response.status_code == 302
    assert SessionRequest.objects.filter(email="nadia@example.org").exists()


# A good request


@pytest.mark.django_db
def test_a_request_is_recorded_as_typed(
    client, page, workshop, local, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            FORM_URL, form_data(workshop, date_3=day(60), local="Local 3247"), follow=True
        )

    session_request = SessionRequest.objects.get()
    assert session_request.contact_name == "Robin Tremblay"
    assert session_request.contact_role == "President"
    assert session_request.phone == "450-555-0142"
    assert session_request.participants == 14
    assert [d.isoformat() for d in session_request.preferred_dates] == [day(40), day(47), day(60)]
    assert session_request.language == "fr"
    assert session_request.accessibility_needs == "Step-free access."
    assert response.status_code == 200
    assert session_request.reference in response.text
    assert "robin@example.org" in response.text
    assert "we will be in touch within a week" in response.text  # the page's thank-you text
    assert re.search(r"/en/request-a-session/status/[^/\"]+/", response.text)
    assert [email.to for email in mailoutbox] == [["robin@example.org"]]  # no staff address set


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["3247", "Local 3247", "local #3247", "3247 — Social Services Workers"]
)
def test_the_local_is_found_however_its_number_is_written(client, page, workshop, local, typed):
    client.post(FORM_URL, form_data(workshop, local=typed))

    assert SessionRequest.objects.get().local == local


@pytest.mark.django_db
def test_the_local_is_found_by_its_name(client, page, workshop, local):
    client.post(FORM_URL, form_data(workshop, local="social services workers"))

    assert SessionRequest.objects.get().local == local


@pytest.mark.django_db
def test_a_local_not_listed_is_given_by_name(client, page, workshop):
    response = client.post(
        FORM_URL,
        form_data(
            workshop, local="", local_not_listed="on", local_name_other="Laval Community Workers"
        ),
    )

    assert response.status_code == 302
    session_request = SessionRequest.objects.get()
    assert session_request.local is None
    assert session_request.local_name_other == "Laval Community Workers"


@pytest.mark.django_db
def test_a_name_alone_counts_as_not_listed(client, page, workshop):
    client.post(FORM_URL, form_data(workshop, local="", local_name_other="Laval Workers"))

    assert SessionRequest.objects.get().local_name_other == "Laval Workers"


@pytest.mark.django_db
def test_an_online_request_needs_no_location(client, page, workshop, local):
    response = client.post(FORM_URL, form_data(workshop, delivery_format="online", location=""))

    assert response.status_code == 302
    assert SessionRequest.objects.get().is_online


@pytest.mark.django_db
def test_the_form_suggests_locals_as_one_types_without_listing_them(client, page, local):
    response = client.get(FORM_URL)

    assert 'data-suggest-url="/en/locals/suggest/"' in response.text
    assert "locals-list" not in response.text
    assert "Social Services Workers" not in response.text
    assert client.get("/en/locals/suggest/", {"q": "32"}).json()["results"] == [
        {
            "value": "3247 — Social Services Workers",
            "label": "3247 — Social Services Workers, Laval",
        }
    ]


# The workshop asked for


@pytest.mark.django_db
def test_strategic_planning_is_chosen_by_default(client, page, workshop, catalogue):
    WorkshopPageFactory(parent=catalogue, title="Another tailored day", offered_on_request=True)

    form = client.get(FORM_URL).context["form"]

    assert form["workshop"].value() == workshop.pk


@pytest.mark.django_db
def test_a_link_can_choose_another_workshop_offered_on_request(client, page, catalogue):
    other = WorkshopPageFactory(parent=catalogue, slug="inclusion", offered_on_request=True)

    form = client.get(FORM_URL + "?workshop=inclusion").context["form"]

    assert form["workshop"].value() == other.pk


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["handling-conflict", "no-such-workshop", ""])
def test_a_link_to_a_workshop_not_on_request_keeps_the_default(
    client, page, workshop, catalogue, slug
):
    WorkshopPageFactory(parent=catalogue, slug="handling-conflict")

    form = client.get(FORM_URL + f"?workshop={slug}").context["form"]

    assert form["workshop"].value() == workshop.pk


@pytest.mark.django_db
def test_only_workshops_offered_on_request_are_offered(client, page, workshop, catalogue):
    scheduled = WorkshopPageFactory(parent=catalogue, title="Handling Conflict")

    form = client.get(FORM_URL).context["form"]

    assert list(form.fields["workshop"].queryset) == [workshop]
    assert scheduled.title not in client.get(FORM_URL).text


@pytest.mark.django_db
def test_a_signed_in_member_finds_their_details_filled_in(client, page, participant, local):
    ParticipantFactory(user=participant, name="Ana Lima", email="ana.lima@example.org", local=local)
    client.force_login(participant)

    form = client.get(FORM_URL).context["form"]

    assert form["contact_name"].value() == "Ana Lima"
    assert form["email"].value() == "ana.lima@example.org"
    assert form["local"].value() == "3247 — Social Services Workers"


# Bad input: a clear message at the field, what was typed kept, nothing recorded


BAD_INPUTS = [
    ("date_1", {"date_1": day(-3)}, "has passed"),
    ("date_1", {"date_1": day(0)}, "after today"),
    ("date_2", {"date_2": day(-30)}, "has passed"),
    ("date_3", {"date_3": day(-1)}, "has passed"),
    ("date_1", {"date_1": day(3 * 365)}, "within the next two years"),
    ("date_2", {"date_2": day(40)}, "different date"),
    ("date_3", {"date_3": day(47)}, "different date"),
    ("date_2", {"date_2": ""}, "second date"),
    ("date_1", {"date_1": "next tuesday"}, "Enter a date"),
    ("participants", {"participants": "0"}, "from 1 to 200"),
    ("participants", {"participants": "201"}, "from 1 to 200"),
    ("participants", {"participants": "-5"}, "from 1 to 200"),
    ("participants", {"participants": "about twenty"}, "from 1 to 200"),
    ("participants", {"participants": ""}, "from 1 to 200"),
    ("email", {"email": "robin@"}, "valid email address"),
    ("email", {"email": "robin.example.org"}, "valid email address"),
    ("email", {"email": ""}, "email address"),
    ("local", {"local": "9999"}, "could not find local"),
    ("local", {"local": ""}, "tick “My local is not listed”"),
    ("local_name_other", {"local": "", "local_not_listed": "on"}, "local's name"),
    ("location", {"location": "  "}, "where the session would be held"),
    ("phone", {"phone": "call me"}, "phone number"),
    ("phone", {"phone": ""}, "phone number"),
    ("contact_name", {"contact_name": "   "}, "your name"),
    ("contact_role", {"contact_role": ""}, "your role"),
    ("goals", {"goals": ""}, "wants to achieve"),
    ("workshop", {"workshop": "987654"}, "workshops listed"),
    ("language", {"language": "de"}, "valid choice"),
    ("delivery_format", {"delivery_format": "by pigeon"}, "valid choice"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "changes", "message"), BAD_INPUTS)
def test_bad_input_is_told_at_its_field_and_kept(
    client, page, workshop, local, field, changes, message
):
    data = form_data(workshop, **changes)

    response = client.post(FORM_URL, data)

    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == [field], errors
    assert message.lower() in " ".join(errors[field]).lower()
    html = response.text
    # The error is tied to its field, and the rest of what was typed is still there.
    assert f'id="id_{field}_error"' in html
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error', html)
    assert 'value="Robin Tremblay"' in html or field == "contact_name"
    assert "A three-year plan and more stewards." in html or field == "goals"
    for name in ("email", "phone", "participants"):
        if name != field and name in data:
            assert f'value="{data[name]}"' in html
    assert SessionRequest.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_workshop_that_is_not_offered_on_request_is_refused(client, page, local, catalogue):
    scheduled = WorkshopPageFactory(parent=catalogue, title="Handling Conflict")

    response = client.post(FORM_URL, form_data(scheduled))

    assert "workshop" in errors_of(response)
    assert SessionRequest.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "workshop_id", ["99999999999999999999999", "-1", "1e309", "NaN", "0x10", "", "\x00"]
)
def test_an_impossible_workshop_is_refused_at_its_field(client, page, workshop, local, workshop_id):
    data = form_data(workshop)
    data["workshop"] = workshop_id

    response = client.post(FORM_URL, data)

    assert response.status_code == 200
    assert "workshop" in errors_of(response)
    assert 'value="Robin Tremblay"' in response.text
    assert SessionRequest.objects.count() == 0


@pytest.mark.django_db
def test_several_mistakes_are_all_told_at_once(client, page, workshop, local):
    response = client.post(
        FORM_URL,
        form_data(workshop, email="nope", participants="500", date_1=day(-1), local="0000"),
    )

    assert set(errors_of(response)) == {"email", "participants", "date_1", "local"}
    assert "Please correct the fields marked below." in response.text


@pytest.mark.django_db
def test_a_page_with_no_workshop_on_request_says_so(client, page, workshop):
    workshop.offered_on_request = False
    workshop.save_revision().publish()

    response = client.get(FORM_URL)

    assert response.status_code == 200
    assert "No workshop is offered on request at the moment." in response.text
    assert "Send the request" not in response.text


# The thank-you page


@pytest.mark.django_db
def test_the_thank_you_page_shows_only_the_request_sent_from_this_browser(
    client, page, workshop, local
):
    client.post(FORM_URL, form_data(workshop))
    reference = SessionRequest.objects.get().reference

    assert reference in client.get(THANKS_URL).text
    stranger = Client()
    response = stranger.get(THANKS_URL)
    assert response.status_code == 302
    assert response["Location"] == FORM_URL


# Cost


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 40])
def test_the_form_costs_a_fixed_number_of_queries(
    client, page, catalogue, django_assert_max_num_queries, size
):
    for _ in range(size):
        LocalFactory()
        WorkshopPageFactory(parent=catalogue, offered_on_request=True)
    client.get(FORM_URL)

    with django_assert_max_num_queries(FORM_MAX_QUERIES):
        response = client.get(FORM_URL)

    assert response.status_code == 200
    assert len(response.context["form"].fields["workshop"].queryset) == size + 1


# In French


@pytest.fixture
def french_page(page, workshop, catalogue):
    """The request page and the workshop in French, and a second workshop not translated."""
    WorkshopPageFactory(
        parent=catalogue, title="Bargaining Basics", slug="bargaining", offered_on_request=True
    )
    translate_page(workshop, title="Planification stratégique", slug="planification-strategique")
    return translate_page(page, title="Demander une séance", slug="demander-une-seance")


@pytest.mark.django_db
def test_the_french_form_offers_each_workshop_once_by_its_french_title(
    client, french_page, workshop
):
    form = client.get(french_page.url).context["form"]

    choices = [(str(value), label) for value, label in form.fields["workshop"].choices if value]
    assert [label for _value, label in choices] == [
        "Bargaining Basics",  # not translated: named in English
        "Planification stratégique",
    ]
    assert choices[1][0] == str(workshop.pk)
    assert form["workshop"].value() == workshop.pk  # the page's default, in the default language


@pytest.mark.django_db
def test_a_link_from_the_french_workshop_page_chooses_that_workshop(
    client, french_page, workshop, catalogue
):
    form = client.get(french_page.url + "?workshop=planification-strategique").context["form"]

    assert form["workshop"].value() == workshop.pk


@pytest.mark.django_db
def test_a_request_in_french_is_recorded_on_the_workshop_in_the_default_language(
    client, french_page, workshop, local
):
    french_workshop = workshop.get_translation(french_page.locale)

    refused = client.post(french_page.url, form_data(french_workshop))
    client.post(french_page.url, form_data(workshop))

    assert "workshop" in errors_of(refused)
    assert SessionRequest.objects.get().workshop_id == workshop.pk
