"""The locals suggested as someone types in a local field (/locals/suggest/?q=...), and the
forms that ask for them instead of carrying every local of the union in their page."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from courses.ratelimits import DEFAULT_RATE_LIMITS
from courses.sessions.local_suggestions import MAX_QUERY_LENGTH, MAX_SUGGESTIONS
from tests.enrolment import ask, confirmation_links
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    SessionRequestPageFactory,
    WorkshopPageFactory,
)

URL = "/en/locals/suggest/"

#: A name nobody types in these tests: were every local in the page, it would be there.
UNTYPED = "Quarry Workers Of Nowhere"


def suggest(client, text, **extra):
    return client.get(URL, {"q": text}, **extra)


def values(response):
    return [result["value"] for result in response.json()["results"]]


@pytest.fixture
def locals_(db):
    """Locals whose numbers and names begin alike, by number."""
    made = {}
    for number, name, city in [
        ("3247", "Social Services Workers", "Laval"),
        ("32", "Hospital Workers", "Montréal"),
        ("320", "School Board Employees", "Québec"),
        ("3201", "Transit Workers", "Gatineau"),
        ("4321", "Library Workers", "Sherbrooke"),
        ("5000", "Hospitality and Social Care", "Saint-Jérôme"),
        ("5100", "Municipal Employees", ""),
    ]:
        made[number] = LocalFactory(number=number, name=name, city=city)
    return made


# The address


def test_the_address_is_under_the_language_prefix():
    assert reverse("courses:local_suggestions") == URL


# Matching and ordering


def test_a_number_suggests_the_locals_it_begins_the_exact_one_first(client, locals_):
    response = suggest(client, "32")

    assert response.status_code == 200
    assert values(response) == [
        "32 — Hospital Workers",
        "320 — School Board Employees",
        "3201 — Transit Workers",
        "3247 — Social Services Workers",
    ]


def test_each_suggestion_has_the_value_for_the_field_and_a_label_with_the_city(client, locals_):
    response = suggest(client, "3247")

    assert response.json() == {
        "results": [
            {
                "value": "3247 — Social Services Workers",
                "label": "3247 — Social Services Workers, Laval",
            }
        ]
    }
    # A local with no city is labelled as it is put in the field.
    assert suggest(client, "5100").json()["results"] == [
        {"value": "5100 — Municipal Employees", "label": "5100 — Municipal Employees"}
    ]


@pytest.mark.parametrize("typed", ["Local 3247", "local #3247", "#3247", "3247 — Social"])
def test_a_number_written_as_people_write_it_is_found(client, locals_, typed):
    assert values(suggest(client, typed)) == ["3247 — Social Services Workers"]


def test_a_number_does_not_match_in_the_middle(client, locals_):
    # 4321 has "32" in it, but does not begin with it.
    assert "4321 — Library Workers" not in values(suggest(client, "32"))


def test_words_match_the_beginning_of_words_of_the_name_or_city(client, locals_):
    assert values(suggest(client, "workers")) == [
        "32 — Hospital Workers",
        "4321 — Library Workers",
        "3247 — Social Services Workers",
        "3201 — Transit Workers",
    ]
    assert values(suggest(client, "LAVAL")) == ["3247 — Social Services Workers"]
    assert values(suggest(client, "jérôme")) == ["5000 — Hospitality and Social Care"]
    assert values(suggest(client, "social laval")) == ["3247 — Social Services Workers"]
    # Not in the middle of a word.
    assert values(suggest(client, "orkers")) == []


def test_names_that_begin_with_the_text_come_first(client, locals_):
    assert values(suggest(client, "hosp")) == [
        "32 — Hospital Workers",
        "5000 — Hospitality and Social Care",
    ]
    # "Social" begins one name and is a later word of another.
    assert values(suggest(client, "social")) == [
        "3247 — Social Services Workers",
        "5000 — Hospitality and Social Care",
    ]


def test_at_most_ten_locals_are_suggested(client, db):
    for n in range(MAX_SUGGESTIONS + 5):
        LocalFactory(number=f"7{n:02d}", name=f"Retail Workers {n}")

    assert MAX_SUGGESTIONS == 10
    assert len(values(suggest(client, "7"))) == MAX_SUGGESTIONS
    assert len(values(suggest(client, "retail"))) == MAX_SUGGESTIONS


# Too short, too long, nothing


@pytest.mark.parametrize("typed", ["", "   ", "h", "S", "-", "#"])
def test_too_little_typed_suggests_nothing(client, locals_, typed):
    response = suggest(client, typed)

    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_one_digit_is_enough(client, locals_):
    assert values(suggest(client, "5")) == [
        "5000 — Hospitality and Social Care",
        "5100 — Municipal Employees",
    ]


def test_no_query_at_all_suggests_nothing(client, locals_):
    assert client.get(URL).json() == {"results": []}


def test_text_longer_than_fifty_characters_suggests_nothing(client, locals_):
    assert MAX_QUERY_LENGTH == 50
    assert values(suggest(client, "3247" + " " * 10 + "x" * (MAX_QUERY_LENGTH - 14))) != []
    assert values(suggest(client, "3247 " + "x" * MAX_QUERY_LENGTH)) == []
    assert values(suggest(client, "workers " * 1000)) == []


@pytest.mark.parametrize("typed", ["a\x00b", "32\x00", "%", "_", "'; drop table", "∞∞"])
def test_odd_text_suggests_nothing_and_fails_nothing(client, locals_, typed):
    response = suggest(client, typed)

    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_only_get_is_answered(client, locals_):
    assert client.post(URL, {"q": "32"}).status_code == 405


# One query


@pytest.mark.parametrize("count", [5, 60])
@pytest.mark.parametrize("typed", ["3", "300", "work", "social workers"])
def test_one_query_whatever_the_number_of_locals(client, db, count, typed):
    for n in range(count):
        LocalFactory(number=f"3{n:03d}", name=f"Social Workers {n}", city="Laval")
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        response = suggest(client, typed)

    assert response.status_code == 200
    assert response.json()["results"]
    assert len(queries) == 1, [query["sql"] for query in queries]


# Public data only


def test_only_the_locals_public_details_are_answered(client, locals_):
    member = ParticipantFactory(
        name="Robin Secretname", email="robin.secret@example.org", local=locals_["3247"]
    )

    response = suggest(client, "3247")

    body = response.content.decode()
    assert member.name not in body
    assert member.email not in body
    (result,) = response.json()["results"]
    assert set(result) == {"value", "label"}
    # A member's name is never matched either.
    assert suggest(client, "Secretname").json() == {"results": []}


def test_an_anonymous_answer_sets_no_cookie_and_may_be_kept(locals_):
    response = suggest(Client(), "32")

    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"max-age=300", "public"}
    assert response["Content-Type"] == "application/json"


# The rate limit


def test_the_rate_limit_is_generous_and_can_be_changed():
    assert DEFAULT_RATE_LIMITS["local_suggestions.client"] == "120/m"


def test_over_the_rate_limit_nothing_is_suggested(client, locals_, settings):
    settings.EDUCATION_RATE_LIMITS = {"local_suggestions.client": "3/m"}

    answers = [suggest(client, "32") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json() == {"results": []}
    assert int(refused["Retry-After"]) >= 1
    assert "public" not in refused["Cache-Control"]
    assert "Set-Cookie" not in refused.headers
    # Another client is not limited.
    other = suggest(client, "32", REMOTE_ADDR="192.0.2.10")
    assert other.status_code == 200
    assert values(other)


def test_the_rate_limit_can_be_turned_off(client, locals_, settings):
    settings.EDUCATION_RATE_LIMITS = {"local_suggestions.client": None}

    assert all(suggest(client, "32").status_code == 200 for _ in range(130))


# The forms: no page carries every local any more


@pytest.fixture
def many_locals(db):
    """Thirty locals, one of them with a name nobody types."""
    made = [LocalFactory(number=str(6000 + n), name=f"Local {6000 + n} Sector") for n in range(29)]
    made.append(LocalFactory(number="6999", name=UNTYPED))
    return made


def assert_suggests_without_every_local(html):
    assert "locals-list" not in html
    assert "<datalist" not in html
    assert UNTYPED not in html
    assert f'data-suggest-url="{URL}"' in html
    assert 'src="/static/courses/js/local_suggest.js"' in html


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Bargaining basics", slug="bargaining", offered_on_request=True
    )


@pytest.fixture
def session(workshop):
    return SessionFactory(workshop=workshop, capacity=10)


def test_the_enrol_form_asks_for_suggestions(client, session, many_locals):
    response = client.get(f"/en/sessions/{session.pk}/enrol/")

    assert response.status_code == 200
    assert_suggests_without_every_local(response.text)


def test_the_confirm_page_asks_for_suggestions(client, session, many_locals):
    data = {
        "name": "Ana Lima",
        "email": "ana@example.org",
        "local": "6001",
        "preferred_language": "en",
        "accessibility_needs": "",
        "childcare_needs": "",
    }
    assert ask(client, session, data).status_code == 302
    (link,) = confirmation_links("ana@example.org")

    response = client.get(link)

    assert response.status_code == 200
    assert_suggests_without_every_local(response.text)
    # What the member typed is offered back as the field takes it.
    assert 'value="6001 — Local 6001 Sector"' in response.text


def test_my_details_asks_for_suggestions(client, participant, many_locals):
    ParticipantFactory(user=participant, email=participant.email, local=many_locals[3])
    client.force_login(participant)

    response = client.get("/en/my-learning/details/")

    assert response.status_code == 200
    assert_suggests_without_every_local(response.text)
    assert 'value="6003 — Local 6003 Sector"' in response.text


def test_the_request_form_asks_for_suggestions(client, home_page, workshop, many_locals):
    SessionRequestPageFactory(parent=home_page, default_workshop=workshop)

    response = client.get("/en/request-a-session/")

    assert response.status_code == 200
    assert_suggests_without_every_local(response.text)


def test_the_rosters_walk_in_form_asks_for_suggestions(client, workshop, facilitator, many_locals):
    yesterday = timezone.now() - timedelta(days=1)
    session = SessionFactory(workshop=workshop, start=yesterday, facilitators=[facilitator])
    EnrollmentFactory(session=session)
    client.force_login(facilitator)

    response = client.get(reverse("facilitators:roster", args=[session.pk]))

    assert response.status_code == 200
    assert 'name="walk_in-local"' in response.text
    assert_suggests_without_every_local(response.text)


def test_the_enrol_form_still_takes_a_typed_number_without_the_script(client, session, locals_):
    data = {
        "name": "Ana Lima",
        "email": "ana@example.org",
        "local": "3247",
        "preferred_language": "en",
        "accessibility_needs": "",
        "childcare_needs": "",
    }

    assert ask(client, session, data).status_code == 302

    refused = ask(client, session, {**data, "email": "bo@example.org", "local": "9999"})
    assert refused.status_code == 200
    assert (
        "We could not find local “9999”. Check its number, or pick it from the suggestions."
        in refused.content.decode()
    )
