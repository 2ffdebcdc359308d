"""The demo's content files parse, hold every field the loader reads and nothing else, and agree
with each other and with the demo's schedule: a workshop's day adds up to its hours, a guide
names modules of its workshop's curriculum, a local is in a known division and sector, and so
on. None of this needs a database, so a mistake in a content file shows here before the demo is
loaded."""

import tomllib

import pytest

from courses.choices import ActivityType, Audience, Language, TimeZone
from home.demo import certificates, guides, requests, sessions, union, workshops
from home.demo.data import CONTENT, content

NAMES = ["certificates", "guides", "requests", "sessions", "union", "workshops"]

# The fields of each kind of entry: those it must give, and those it may.
MODULE = {"title", "minutes", "activity_type", "description"}
WORKSHOP = {
    "slug",
    "title",
    "audience",
    "duration_hours",
    "summary",
    "outcomes",
    "what_to_bring",
    "curriculum",
}
WORKSHOP_OPTIONAL = {"program", "offered_on_request", "prerequisites"}
GUIDE = {"introduction", "materials", "notes", "activities", "handout"}
REQUEST = {"contact_name", "contact_role", "email", "phone", "goals"}
REQUEST_OPTIONAL = {
    "local_name_other",
    "location",
    "accessibility_needs",
    "staff_notes",
    "decline_reason",
    "venue",
    "city",
}


def strings(value, path=""):
    """Every string in a parsed content file, with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


def by_slug():
    return {workshop["slug"]: workshop for workshop in workshops.WORKSHOPS}


def test_the_content_folder_holds_the_files_the_demo_reads():
    assert sorted(path.stem for path in CONTENT.glob("*.toml")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_content_file_parses(name):
    with (CONTENT / f"{name}.toml").open("rb") as file:
        assert tomllib.load(file) == content(name)


@pytest.mark.parametrize("name", NAMES)
def test_every_text_is_one_tidy_line(name):
    """Inside triple quotes every line but the last ends in a backslash, with the space between
    two words before it: a line that does not would put a line break in the text."""
    for path, text in strings(content(name), name):
        assert text == text.strip(), path
        assert "\n" not in text and "\t" not in text and "  " not in text, path


def test_the_workshops_hold_what_the_catalogue_needs():
    data = content("workshops")
    assert set(data) == {"programs", "modules", "workshops"}
    for program in data["programs"]:
        assert set(program) == {"slug", "title", "description", "issues_certificate", "required"}
    for module in data["modules"].values():
        assert set(module) == MODULE
    for workshop in data["workshops"]:
        assert WORKSHOP <= set(workshop) <= WORKSHOP | WORKSHOP_OPTIONAL, workshop["slug"]
        assert workshop["outcomes"], workshop["slug"]
        for module in workshop["curriculum"]:
            if "shared" in module:
                assert module["shared"] in data["modules"], workshop["slug"]
                assert set(module) - {"shared"} <= MODULE, workshop["slug"]
            else:
                assert set(module) == MODULE, workshop["slug"]


def test_every_workshop_s_curriculum_fills_its_hours():
    assert len(workshops.WORKSHOPS) == len(by_slug()) == 10
    for workshop in workshops.WORKSHOPS:
        curriculum = workshop["curriculum"]
        minutes = sum(module.minutes for module in curriculum)
        assert minutes == workshop["duration_hours"] * 60, workshop["slug"]
        assert all(module.minutes > 0 for module in curriculum), workshop["slug"]
        assert {module.activity_type for module in curriculum} <= set(ActivityType)
        assert workshop["audience"] in Audience.values


def test_programs_and_prerequisites_name_workshops_listed_before():
    programs = {program["slug"]: program for program in workshops.PROGRAMS}
    seen = set()
    for workshop in workshops.WORKSHOPS:
        assert workshop["program"] is None or workshop["program"] in programs, workshop["slug"]
        assert set(workshop["prerequisites"]) <= seen, workshop["slug"]
        seen.add(workshop["slug"])
    for program in workshops.PROGRAMS:
        for slug in program["required"]:
            assert by_slug()[slug]["program"] == program["slug"], slug


def test_every_workshop_has_a_guide_whose_activities_name_its_modules():
    assert set(guides.GUIDES) == set(by_slug())
    titles = {data["title"] for data in content("workshops")["modules"].values()}
    assert set(guides.BREAK_NOTES) <= titles
    for slug, guide in guides.GUIDES.items():
        assert set(guide) == GUIDE, slug
        curriculum = {module.title for module in by_slug()[slug]["curriculum"]}
        for activity in guide["activities"]:
            assert set(activity) == {"module", "purpose", "steps", "debrief"}, slug
            assert activity["module"] in curriculum, (slug, activity["module"])
            assert activity["steps"], (slug, activity["module"])
        assert set(guide["handout"]) == {"title", "when", "html"}, slug
        for item, quantity in [*guides.COMMON_MATERIALS, *guide["materials"]]:
            assert item and quantity, slug


def test_handouts_have_different_titles():
    """The loader finds a handout again by its title in the handouts' collection."""
    titles = [guide["handout"]["title"] for guide in guides.GUIDES.values()]
    assert len(set(titles)) == len(titles)


def test_the_union_s_locals_and_people_name_what_exists():
    data = content("union")
    assert {zone for _code, _name, zone in union.DIVISIONS} <= set(TimeZone)
    for number, local in data["locals"].items():
        assert set(local) == {"name", "city", "division", "sector"}, number
        assert local["division"] in data["divisions"], number
        assert local["sector"] in data["sectors"], number
    usernames = [user["username"] for user in data["users"]]
    assert len(set(usernames)) == len(usernames)
    assert union.MEMBER["username"] not in usernames
    for user in data["users"]:
        assert set(user["groups"]) <= set(union.ROLE_GROUPS), user["username"]
        certified = user.get("facilitator", {}).get("workshops", [])
        assert certified == union.ALL_WORKSHOPS or set(certified) <= set(by_slug())


def test_the_schedule_s_places_and_people_are_in_the_content():
    data = content("sessions")
    places = {plan.place for plan in sessions.SESSIONS}
    assert places == set(data["places"])
    for key, place in data["places"].items():
        assert set(place) in ({"venue", "address", "city"}, {"online_url"}), key
    for city, division in sessions.CITY_DIVISIONS.items():
        assert division in content("union")["divisions"], city
    for plan in sessions.SESSIONS:
        assert not plan.city or plan.city in sessions.CITY_DIVISIONS, plan.place
        assert plan.workshop in by_slug(), plan.workshop
    emails = {email for _name, email, _local, _language in sessions.PARTICIPANTS}
    for name, email, number, language in sessions.PARTICIPANTS:
        assert number in content("union")["locals"], name
        assert language in Language.values, name
        assert email == email.lower(), name
    assert set(sessions.NEEDS) <= emails
    for needs in data["needs"].values():
        assert needs and set(needs) <= {"accessibility", "childcare"}


def test_every_request_of_the_demo_has_its_texts():
    data = content("requests")
    assert set(data["page"]) == {"title", "slug", "introduction", "thank_you_text"}
    assert {plan.texts for plan in requests.REQUESTS} == set(data["requests"])
    for key, texts in data["requests"].items():
        assert REQUEST <= set(texts) <= REQUEST | REQUEST_OPTIONAL, key
    for plan in requests.REQUESTS:
        assert bool(plan.local) != bool(plan.text("local_name_other")), plan.texts
        assert not plan.local or plan.local in content("union")["locals"], plan.texts


def test_the_revoked_certificate_has_its_reason():
    assert content("certificates") == {"revoked": {"reason": certificates.REVOKED_REASON}}
    assert certificates.REVOKED_WORKSHOP in by_slug()
