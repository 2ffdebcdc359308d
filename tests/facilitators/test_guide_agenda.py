"""A facilitator guide's agenda is its workshop's curriculum: a change to the curriculum shows at
once in the guide and its PDF, and the guide's notes stay with their module."""

import datetime
import importlib
from io import BytesIO

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest
from pypdf import PdfReader

from courses.choices import ActivityType
from facilitators.guide_admin import NOTES_MAX_LENGTH
from facilitators.models import FacilitatorGuidePage
from tests.factories import (
    FacilitatorFactory,
    FacilitatorGuidePageFactory,
    SessionFactory,
    WorkshopPageFactory,
)

migration = importlib.import_module("facilitators.migrations.0003_guide_agenda_follows_curriculum")


def module(title, minutes, activity_type=ActivityType.DISCUSSION):
    return {
        "type": "module",
        "value": {
            "title": title,
            "minutes": minutes,
            "activity_type": activity_type,
            "description": f"What happens in {title.lower()}.",
            "handout": None,
        },
    }


def notes_for(module_id, notes="", purpose="", steps=(), debrief=""):
    return {
        "type": "module",
        "value": {
            "module": module_id,
            "notes": notes,
            "purpose": purpose,
            "steps": list(steps),
            "debrief": debrief,
        },
    }


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue,
        title="Grievance handling",
        slug="grievances",
        curriculum=[
            module("Welcome and introductions", 60),
            module("Steps of a grievance", 90, ActivityType.SMALL_GROUPS),
            module("Morning break", 30, ActivityType.BREAK),
            module("Writing the grievance", 180, ActivityType.CASE_STUDY),
        ],
    )


def module_id(workshop, title):
    return next(child.id for child in workshop.curriculum if child.value["title"] == title)


@pytest.fixture
def guide(workshop):
    return FacilitatorGuidePageFactory(
        parent=workshop,
        agenda=[
            notes_for(
                module_id(workshop, "Steps of a grievance"),
                notes="Hand out the case cards first.",
                purpose="Follow a grievance from complaint to arbitration.",
                steps=["Form groups of four", "Give each group a case"],
                debrief="Where do time limits bite?",
            ),
            notes_for(module_id(workshop, "Morning break"), notes="Start again on time."),
        ],
    )


def publish_curriculum(workshop, change):
    """Change the workshop's curriculum (a list of module values, with their ids) and publish
    it, as staff do in the admin."""
    workshop = workshop.get_latest_revision_as_object()
    modules = [
        {"type": "module", "value": dict(child.value), "id": child.id}
        for child in workshop.curriculum
    ]
    workshop.curriculum = change(modules)
    workshop.save_revision().publish()


def rename(old, new):
    def change(modules):
        for item in modules:
            if item["value"]["title"] == old:
                item["value"]["title"] = new
        return modules

    return change


def pdf_text(response):
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


def agenda_rows(response):
    return [
        (item.starts.strftime("%H:%M"), item.minutes, item.title, item.notes)
        for item in response.context["agenda_items"]
    ]


@pytest.mark.django_db
def test_the_agenda_is_the_curriculum_on_the_clock_from_nine(client_as, facilitator, guide):
    response = client_as(facilitator).get(guide.url)

    assert response.status_code == 200
    assert agenda_rows(response) == [
        ("09:00", 60, "Welcome and introductions", ""),
        ("10:00", 90, "Steps of a grievance", "Hand out the case cards first."),
        ("11:30", 30, "Morning break", "Start again on time."),
        ("12:00", 180, "Writing the grievance", ""),
    ]
    assert '<time datetime="11:30">11:30</time>' in response.text
    assert "Follow a grievance from complaint to arbitration." in response.text
    assert "<li>Give each group a case</li>" in response.text


@pytest.mark.django_db
def test_a_renamed_module_shows_at_once_in_the_guide_and_its_pdf_with_its_notes(
    client_as, facilitator, workshop, guide
):
    publish_curriculum(workshop, rename("Steps of a grievance", "The grievance procedure"))
    client = client_as(facilitator)

    page = client.get(guide.url)
    pdf = pdf_text(client.get(reverse("facilitators:guide_pdf", args=[guide.pk])))

    assert ("10:00", 90, "The grievance procedure", "Hand out the case cards first.") in (
        agenda_rows(page)
    )
    assert "Steps of a grievance" not in page.text
    assert "The grievance procedure" in pdf
    assert "Steps of a grievance" not in pdf
    assert "Hand out the case cards first." in pdf
    assert "Follow a grievance from complaint to arbitration." in pdf


@pytest.mark.django_db
def test_retiming_or_moving_modules_moves_the_clock(client_as, facilitator, workshop, guide):
    def change(modules):
        welcome, steps, pause, writing = modules
        welcome["value"]["minutes"] = 30
        writing["value"]["minutes"] = 210
        return [welcome, pause, steps, writing]

    publish_curriculum(workshop, change)

    assert agenda_rows(client_as(facilitator).get(guide.url)) == [
        ("09:00", 30, "Welcome and introductions", ""),
        ("09:30", 30, "Morning break", "Start again on time."),
        ("10:00", 90, "Steps of a grievance", "Hand out the case cards first."),
        ("11:30", 210, "Writing the grievance", ""),
    ]


@pytest.mark.django_db
def test_a_removed_module_drops_its_notes_and_a_new_one_has_none(
    client_as, facilitator, workshop, guide
):
    def change(modules):
        welcome, steps, pause, writing = modules
        new = module("Role play: the first meeting", 90, ActivityType.ROLE_PLAY)
        return [welcome, new, pause, writing]

    publish_curriculum(workshop, change)
    response = client_as(facilitator).get(guide.url)

    assert agenda_rows(response) == [
        ("09:00", 60, "Welcome and introductions", ""),
        ("10:00", 90, "Role play: the first meeting", ""),
        ("11:30", 30, "Morning break", "Start again on time."),
        ("12:00", 180, "Writing the grievance", ""),
    ]
    assert "Hand out the case cards first." not in response.text
    assert "Follow a grievance from complaint to arbitration." not in response.text


@pytest.mark.django_db
def test_a_workshop_draft_does_not_change_the_guide_until_it_is_published(
    client_as, facilitator, workshop, guide
):
    draft = workshop.get_latest_revision_as_object()
    draft.curriculum[1].value["title"] = "Not yet"
    draft.save_revision()

    response = client_as(facilitator).get(guide.url)

    assert "Steps of a grievance" in response.text
    assert "Not yet" not in response.text


# Printed for a session


@pytest.fixture
def session(workshop, facilitator):
    """Two mornings in Halifax: 9:00 to 12:00 Atlantic time, a day apart."""
    start = datetime.datetime(2031, 3, 4, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=-4)))
    return SessionFactory(
        workshop=workshop,
        start=start,
        hours=3,
        days=2,
        time_zone="America/Halifax",
        facilitators=[facilitator],
    )


@pytest.mark.django_db
def test_printed_for_a_session_the_clock_follows_its_parts(client_as, facilitator, guide, session):
    client = client_as(facilitator)

    page = client.get(guide.url, {"session": session.pk})
    pdf = client.get(reverse("facilitators:guide_pdf", args=[guide.pk]), {"session": session.pk})

    assert page.context["session"] == session
    # The first morning holds the first three modules; writing starts the second morning.
    assert [
        (item.starts.strftime("%Y-%m-%d %H:%M"), item.part) for item in page.context["agenda_items"]
    ] == [
        ("2031-03-04 09:00", 0),
        ("2031-03-04 10:00", 0),
        ("2031-03-04 11:30", 0),
        ("2031-03-05 09:00", 1),
    ]
    assert page.context["agenda_days"]
    assert 'filename="facilitator-guide-grievances-2031-03-04.pdf"' in pdf["Content-Disposition"]
    text = pdf_text(pdf)
    assert "Tuesday, March 4, 2031" in text
    assert "Wednesday, March 5, 2031" in text
    # The clock times are Halifax's, and say so.
    assert "Starts (AT)" in page.text
    assert "Starts (AT)" in text
    assert f'href="{reverse("facilitators:guide_pdf", args=[guide.pk])}?session={session.pk}"' in (
        page.text
    )


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999999", "0"])
def test_a_session_that_names_nothing_leaves_the_clock_at_nine(
    client_as, facilitator, guide, value
):
    response = client_as(facilitator).get(guide.url, {"session": value})

    assert response.status_code == 200
    assert response.context["session"] is None
    assert agenda_rows(response)[0][0] == "09:00"
    assert "Starts (" not in response.text  # a plain day's clock is in no zone


@pytest.mark.django_db
def test_someone_elses_session_or_another_workshops_is_not_used(
    client_as, catalogue, guide, session
):
    stranger = FacilitatorFactory(user__username="stranger").user
    other = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue))

    assert client_as(stranger).get(guide.url, {"session": session.pk}).context["session"] is None
    assert client_as(stranger).get(guide.url, {"session": other.pk}).context["session"] is None


# The guide's editor


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def guide_form_data(workshop, notes=None, **fields):
    """What the guide's editor posts; ``notes`` maps module titles to their boxes."""
    data = nested_form_data(
        {
            "title": "Facilitator guide",
            "slug": "guide",
            "introduction": rich_text("<p>Arrive an hour early.</p>"),
            "materials": streamfield([]),
            "handouts": inline_formset([]),
            "facilitator_notes": rich_text("<p>Keep the parking lot on the flip chart.</p>"),
            **fields,
        }
    )
    for title, boxes in (notes or {}).items():
        for box, text in boxes.items():
            data[f"agenda_notes-{module_id(workshop, title)}-{box}"] = text
    return data


@pytest.mark.django_db
def test_the_editor_lists_every_module_with_its_notes(client_as, staff, workshop, guide):
    response = client_as(staff).get(edit_url(guide))

    assert response.status_code == 200
    html = response.text
    for title in ("Welcome and introductions", "Steps of a grievance", "Writing the grievance"):
        assert title in html
    assert "10:00 · Steps of a grievance (90 minutes)" in html
    steps_id = module_id(workshop, "Steps of a grievance")
    assert f'name="agenda_notes-{steps_id}-notes"' in html
    assert "Hand out the case cards first.</textarea>" in html
    assert "Form groups of four\nGive each group a case</textarea>" in html


@pytest.mark.django_db
def test_staff_write_notes_for_a_module_and_publish(client_as, staff, facilitator, workshop, guide):
    data = guide_form_data(
        workshop,
        {
            "Welcome and introductions": {"notes": "Ask each person for one grievance story."},
            "Steps of a grievance": {
                "notes": "Hand out the case cards first.",
                "steps": "Form groups of four\n\n  Give each group a case  \n",
            },
        },
    )
    data["action-publish"] = "action-publish"

    response = client_as(staff).post(edit_url(guide), data)

    assert response.status_code == 302
    guide = FacilitatorGuidePage.objects.get(pk=guide.pk)
    notes = guide.stored_notes()
    assert notes[module_id(workshop, "Welcome and introductions")]["notes"] == (
        "Ask each person for one grievance story."
    )
    assert notes[module_id(workshop, "Steps of a grievance")]["steps"] == [
        "Form groups of four",
        "Give each group a case",
    ]
    # Emptied in the editor: the break's note is gone.
    assert module_id(workshop, "Morning break") not in notes
    page = client_as(facilitator).get(guide.url)
    assert (
        "09:00",
        60,
        "Welcome and introductions",
        "Ask each person for one grievance story.",
    ) in (agenda_rows(page))


@pytest.mark.django_db
def test_notes_of_a_module_the_editor_does_not_list_are_kept(client_as, staff, workshop, guide):
    """A module taken out in the workshop's draft keeps its notes, should it come back."""
    pause = module_id(workshop, "Morning break")
    steps = module_id(workshop, "Steps of a grievance")
    draft = workshop.get_latest_revision_as_object()
    draft.curriculum = [
        {"type": "module", "value": dict(child.value), "id": child.id}
        for child in draft.curriculum
        if child.value["title"] != "Morning break"
    ]
    draft.save_revision(clean=False)  # a draft: its minutes need not add up yet

    form = client_as(staff).get(edit_url(guide)).context["form"]
    data = guide_form_data(workshop)
    data[f"agenda_notes-{steps}-notes"] = "New note."
    data["action-publish"] = "action-publish"
    response = client_as(staff).post(edit_url(guide), data)

    assert pause not in [row.module_id for row in form.fields["agenda_notes"].modules]
    assert response.status_code == 302
    notes = FacilitatorGuidePage.objects.get(pk=guide.pk).stored_notes()
    assert notes[pause]["notes"] == "Start again on time."
    assert notes[steps]["notes"] == "New note."


@pytest.mark.django_db
def test_a_module_only_in_the_workshops_draft_can_be_given_notes(client_as, staff, workshop, guide):
    draft = workshop.get_latest_revision_as_object()
    draft.curriculum = [
        *({"type": "module", "value": dict(c.value), "id": c.id} for c in draft.curriculum),
        module("Evaluation", 30),
    ]
    draft.save_revision(clean=False)

    response = client_as(staff).get(edit_url(guide))

    assert "Evaluation" in response.text
    assert "Not published in the workshop yet" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * (NOTES_MAX_LENGTH + 1), "keep it under 5000 characters"),
        ("a\x00b", "remove the null characters"),
    ],
)
def test_bad_notes_are_refused_at_the_field_keeping_what_was_typed(
    client_as, staff, workshop, guide, text, message
):
    data = guide_form_data(
        workshop, {"Writing the grievance": {"notes": text}}, title="Guide, edited"
    )
    data["action-publish"] = "action-publish"

    response = client_as(staff).post(edit_url(guide), data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["agenda_notes"])
    assert "Writing the grievance" in errors
    assert message in errors
    assert response.context["form"]["title"].value() == "Guide, edited"
    assert FacilitatorGuidePage.objects.get(pk=guide.pk).title == "Facilitator guide"


# Moving the old guides' content (the migration)


OLD_AGENDA = [
    {
        "type": "item",
        "value": {
            "starts_at": "09:00:00",
            "minutes": 60,
            "title": "Welcome and introductions",
            "notes": "",
        },
    },
    {
        "type": "item",
        "value": {
            "starts_at": "10:00:00",
            "minutes": 90,
            "title": "Steps  of a GRIEVANCE",
            "notes": "Use the cards.",
        },
    },
    {
        "type": "item",
        "value": {
            "starts_at": "11:30:00",
            "minutes": 30,
            "title": "Coffee",
            "notes": "Order it the day before.",
        },
    },
]
OLD_ACTIVITIES = [
    {
        "type": "activity",
        "value": {
            "title": "Steps of a grievance",
            "minutes": 90,
            "purpose": "Follow one.",
            "steps": [{"type": "item", "value": "Form groups", "id": "a"}],
            "debrief": "What bites?",
        },
    },
    {
        "type": "activity",
        "value": {
            "title": "A warm-up game",
            "minutes": 15,
            "purpose": "Break the ice.",
            "steps": ["Stand in a circle"],
            "debrief": "",
        },
    },
]


def test_the_migration_moves_notes_and_activities_to_their_modules():
    modules = [
        ("id-welcome", "Welcome and introductions", 60),
        ("id-steps", "Steps of a grievance", 90),
    ]

    stream, leftovers = migration.to_modules(OLD_AGENDA, OLD_ACTIVITIES, modules)

    assert stream == [
        {
            "type": "module",
            "value": {
                "module": "id-steps",
                "notes": "Use the cards.",
                "purpose": "Follow one.",
                "steps": ["Form groups"],
                "debrief": "What bites?",
            },
        }
    ]
    # Nothing is lost: what matches no module joins the facilitator notes under its title.
    assert leftovers == (
        "<p><b>Coffee</b></p><p>Order it the day before.</p>"
        "<p><b>A warm-up game</b></p><p>Break the ice.</p><ol><li>Stand in a circle</li></ol>"
    )


def test_the_migration_back_rebuilds_the_old_agenda_from_the_curriculum():
    modules = [("id-welcome", "Welcome", 60), ("id-steps", "Steps", 90), ("id-lunch", "Lunch", 30)]
    stream = [notes_for("id-steps", notes="Cards.", purpose="Follow one.", steps=["Groups"])]

    items, activities = migration.from_modules(stream, modules)

    assert [item["value"]["starts_at"] for item in items] == ["09:00:00", "10:00:00", "11:30:00"]
    assert [item["value"]["notes"] for item in items] == ["", "Cards.", ""]
    assert activities == [
        {
            "type": "activity",
            "value": {
                "title": "Steps",
                "minutes": 90,
                "purpose": "Follow one.",
                "steps": ["Groups"],
                "debrief": "",
            },
        }
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_moves_a_saved_guide_and_its_revisions_both_ways(catalogue):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    workshop = WorkshopPageFactory(
        parent=catalogue, curriculum=[module("Welcome", 120), module("Steps", 240)]
    )
    guide = FacilitatorGuidePageFactory(
        parent=workshop,
        agenda=[notes_for(workshop.curriculum[1].id, notes="Cards.", purpose="Follow one.")],
    )
    guide.save_revision()
    before = ("facilitators", "0002_roles")

    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old_apps = executor.loader.project_state([before]).apps
        old = old_apps.get_model("facilitators", "FacilitatorGuidePage").objects.get(pk=guide.pk)
        assert [item["value"]["title"] for item in old.agenda.raw_data] == ["Welcome", "Steps"]
        assert old.agenda.raw_data[1]["value"]["notes"] == "Cards."
        assert old.activities.raw_data[0]["value"]["purpose"] == "Follow one."
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    moved = FacilitatorGuidePage.objects.get(pk=guide.pk)
    assert moved.stored_notes()[workshop.curriculum[1].id]["notes"] == "Cards."
    assert moved.stored_notes()[workshop.curriculum[1].id]["purpose"] == "Follow one."
    revision = moved.get_latest_revision_as_object()
    assert revision.stored_notes()[workshop.curriculum[1].id]["notes"] == "Cards."
