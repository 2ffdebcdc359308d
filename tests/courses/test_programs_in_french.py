"""Programs in French: a program's French translation names it on the French catalogue, its
workshops' pages and the home page, while the English pages name it in English. Filters and
calendar addresses use the slug, the same in both languages. A workshop belongs to the program
in the default language: the admin offers no translation, and refuses one."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from wagtail.models import Locale

import pytest
from icalendar import Calendar

from courses.models import Program, WorkshopPage
from tests.courses.test_workshop_admin import workshop_form_data
from tests.factories import (
    ProgramFactory,
    WorkshopPageFactory,
    make_staff_user,
    translate_page,
    translate_snippet,
)

pytestmark = pytest.mark.django_db

ENGLISH_PROGRAM = "Bargaining Program"
FRENCH_PROGRAM = "Programme de négociation"
FRENCH_DESCRIPTION = "Des ateliers qui préparent les sections locales à la négociation."


@pytest.fixture
def program():
    return ProgramFactory(
        title=ENGLISH_PROGRAM,
        slug="bargaining-program",
        description="Workshops that prepare locals for bargaining.",
    )


@pytest.fixture
def french_program(program):
    return translate_snippet(program, title=FRENCH_PROGRAM, description=FRENCH_DESCRIPTION)


@pytest.fixture
def workshop(catalogue, program):
    return WorkshopPageFactory(
        parent=catalogue, title="Reading Your Agreement", slug="reading", program=program
    )


@pytest.fixture
def french(workshop, french_program):
    """The workshop's French page (with the catalogue's and the home page's)."""
    return translate_page(workshop, title="Lire sa convention", slug="lire-sa-convention")


def options_of(html):
    start = html.index('id="filter-program"')
    return html[start : html.index("</select>", start)]


def test_the_translation_is_a_program_in_french_with_the_same_slug(program, french_program):
    assert french_program.translation_key == program.translation_key
    assert french_program.locale.language_code == "fr"
    assert (french_program.slug, french_program.issues_certificate) == (
        program.slug,
        program.issues_certificate,
    )
    assert list(Program.objects.in_default_language()) == [program]


def test_titles_and_slugs_are_unique_in_each_language(program, french_program):
    duplicate = Program(title=ENGLISH_PROGRAM, slug="other", locale=program.locale)
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "Program with this Title and Locale already exists." in str(refused.value)
    # The same slug in another language is the program's own translation.
    Program(
        title="Programa de negociación",
        slug=program.slug,
        locale=Locale.objects.create(language_code="es"),
    ).full_clean()


def test_the_french_catalogue_names_the_program_in_french(client, workshop, french):
    english = client.get(workshop.get_parent().url).text
    french_html = client.get(french.get_parent().url).text

    assert french.get_parent().url.startswith("/fr/")
    assert ENGLISH_PROGRAM in options_of(english)
    assert FRENCH_PROGRAM not in english
    assert FRENCH_PROGRAM in options_of(french_html)  # the filter
    assert 'value="bargaining-program"' in options_of(french_html)
    assert f"<dd>{FRENCH_PROGRAM}</dd>" in french_html  # the workshop's card
    assert ENGLISH_PROGRAM not in french_html


def test_the_french_catalogue_filters_by_the_programs_slug(client, french, catalogue):
    WorkshopPageFactory(parent=catalogue, title="Other Workshop", program=None)
    translate_page(WorkshopPage.objects.get(title="Other Workshop"), title="Autre atelier")

    response = client.get(french.get_parent().url, {"program": "bargaining-program"})

    assert [page.pk for page in response.context["workshops"]] == [french.pk]
    assert response.context["filters"]["program"] == "bargaining-program"


def test_the_workshops_french_page_names_the_program_in_french(client, workshop, french):
    english = client.get(workshop.url).text
    french_html = client.get(french.url).text

    assert ENGLISH_PROGRAM in english
    assert FRENCH_PROGRAM not in english
    assert FRENCH_PROGRAM in french_html
    assert ENGLISH_PROGRAM not in french_html
    assert reverse("courses:program_feed", args=["bargaining-program"]) in french_html


def test_the_french_home_page_presents_the_program_in_french(client, home_page, french):
    english = client.get(home_page.url).text
    french_html = client.get(french.get_parent().get_parent().url).text

    assert ENGLISH_PROGRAM in english
    assert FRENCH_PROGRAM not in english
    assert FRENCH_PROGRAM in french_html
    assert FRENCH_DESCRIPTION in french_html
    assert ENGLISH_PROGRAM not in french_html
    assert "Lire sa convention" in french_html


def test_a_program_not_translated_is_named_in_english_in_french(client, catalogue, french):
    ProgramFactory(title="Health and Safety", slug="health-and-safety")

    html = client.get(french.get_parent().url).text

    assert "Health and Safety" in options_of(html)
    assert FRENCH_PROGRAM in options_of(html)


def test_the_programs_feed_is_named_in_the_readers_language(client, french):
    for prefix, name in (("/en/", ENGLISH_PROGRAM), ("/fr/", FRENCH_PROGRAM)):
        url = reverse("courses:program_feed", args=["bargaining-program"])
        url = prefix + url.split("/", 2)[2]
        response = client.get(url)
        assert response.status_code == 200
        assert str(Calendar.from_ical(response.content)["x-wr-calname"]) == name


# The admin


def chooser_url():
    return reverse(Program.snippet_viewset.chooser_viewset.get_url_name("choose"))


def test_the_program_chooser_offers_no_translation(client, program, french_program):
    client.force_login(make_staff_user())

    response = client.get(chooser_url())

    assert response.status_code == 200
    assert ENGLISH_PROGRAM in response.text
    assert FRENCH_PROGRAM not in response.text


def test_a_workshop_cannot_belong_to_a_programs_translation(
    client, catalogue, program, french_program
):
    client.force_login(make_staff_user())
    add_url = reverse("wagtailadmin_pages:add", args=["courses", "workshoppage", catalogue.pk])
    data = workshop_form_data(french_program, slug="bargaining-basics")

    response = client.post(add_url, data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["program"])
    assert FRENCH_PROGRAM in errors
    assert ENGLISH_PROGRAM in errors
    assert not WorkshopPage.objects.filter(slug="bargaining-basics").exists()


def test_a_translation_has_no_required_workshops(client, workshop, french_program):
    client.force_login(make_staff_user())
    edit_url = reverse(Program.snippet_viewset.get_url_name("edit"), args=[french_program.pk])
    form = client.get(edit_url).context["form"]
    data = {
        "title": FRENCH_PROGRAM,
        "slug": "bargaining-program",
        "description": FRENCH_DESCRIPTION,
        "requirements-TOTAL_FORMS": "1",
        "requirements-INITIAL_FORMS": "0",
        "requirements-MIN_NUM_FORMS": "0",
        "requirements-MAX_NUM_FORMS": "1000",
        "requirements-0-workshop": str(workshop.pk),
        "requirements-0-ORDER": "1",
        "requirements-0-id": "",
        "requirements-0-DELETE": "",
    }
    data.update({name: value for name, value in form.initial.items() if name.startswith("opened_")})

    response = client.post(edit_url, data)

    assert response.status_code == 200
    assert "default language" in " ".join(response.context["form"].non_field_errors())
    assert not french_program.requirements.exists()


def test_staff_list_programs_in_each_language(client, program, french_program):
    client.force_login(make_staff_user())

    response = client.get(reverse(Program.snippet_viewset.get_url_name("list")))

    assert response.status_code == 200
    assert ENGLISH_PROGRAM in response.text


def test_staff_adding_a_program_under_a_title_taken_are_told_so(client, program):
    client.force_login(make_staff_user())
    add_url = reverse(Program.snippet_viewset.get_url_name("add"))
    data = {
        "title": ENGLISH_PROGRAM,
        "slug": "another-slug",
        "description": "",
        "requirements-TOTAL_FORMS": "0",
        "requirements-INITIAL_FORMS": "0",
        "requirements-MIN_NUM_FORMS": "0",
        "requirements-MAX_NUM_FORMS": "1000",
    }

    response = client.post(add_url, data)

    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].non_field_errors())
    assert Program.objects.count() == 1
