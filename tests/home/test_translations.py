"""The translators' work in the admin: the Translations report (each page and snippet of the
default language with the state of its French translation), who may open it, the Translators
group's rights over the French tree and none over the English one, and the report's cost."""

import csv
import io

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import GroupPagePermission, Locale, Page, PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data

import polib
import pytest
from wagtail_localize.models import Translation, TranslationSource

from courses.models import Program, WorkshopOutcome
from courses.page_permissions import privacy_source
from home import translations
from home.translations import State, snippet_rows
from home.translators import TRANSLATORS_GROUP, language_tree_tops
from tests.factories import (
    FacilitatorGuidePageFactory,
    ProgramFactory,
    UserFactory,
    WorkshopPageFactory,
    translate_page,
)

URL = "/admin/translations/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def translator(db):
    """A user in the Translators group."""
    return UserFactory(username="translator", groups=[TRANSLATORS_GROUP])


@pytest.fixture
def french():
    return Locale.objects.get(language_code="fr")


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling conflict", summary="A day on it.")


def translate_strings(translation):
    """Every string of the source translated, as a translator does in wagtail-localize's
    editor."""
    po = polib.POFile()
    for entry in translation.export_po():
        entry.msgstr = f"{entry.msgid} (fr)"
        po.append(entry)
    translation.import_po(po)


def publish_translation(translation):
    """The translation saved into its page and published (wagtail-localize publishes when the
    transaction commits, which a test's never does: published here at once)."""
    translation.save_target(publish=False)
    translation.get_target_instance().get_latest_revision().publish()


def translate_with_localize(page, locale):
    """``page`` submitted for translation into ``locale``, translated and published."""
    source, _created = TranslationSource.get_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    translate_strings(translation)
    publish_translation(translation)
    return translation


def sync(translation):
    """ "Sync translated pages": the source's new content is taken into the translation."""
    translation.source.update_from_db()


def publish_change(page, **changes):
    page = page.specific
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def report(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["object_list"]


def row_of(rows, instance):
    matches = [row for row in rows if row.source.pk == instance.pk and row.model is type(instance)]
    assert len(matches) == 1, matches
    return matches[0]


def page_row(rows, page):
    matches = [row for row in rows if row.kind == "page" and row.source.pk == page.pk]
    assert len(matches) == 1, matches
    return matches[0]


def catalogue_data(title, slug):
    """The catalogue's edit form, published."""
    return nested_form_data(
        {"title": title, "slug": slug, "introduction": "Every workshop.", "action-publish": "1"}
    )


def links(row):
    return {str(label): url for label, url in row.links}


# The state of a translation


def test_a_translation_goes_out_of_date_when_its_source_is_published_and_back_after_a_sync(
    client_as, staff, workshop, french
):
    translation = translate_with_localize(workshop, french)
    client = client_as(staff)

    row = page_row(report(client), workshop)
    assert row.state == State.UP_TO_DATE
    assert row.translation.pk == workshop.get_translation(french).pk
    assert "Edit translation" in links(row)

    publish_change(workshop, summary="A day on conflict at work, and how to calm it.")

    row = page_row(report(client), workshop)
    assert row.state == State.OUT_OF_DATE
    assert row.source_changed_at > row.synced_at
    row_links = links(row)
    assert row_links["Sync"] == (
        reverse("wagtail_localize:update_translations", args=[translation.source_id])
        + "?next=%2Fadmin%2Ftranslations%2F"
    )
    assert row_links["What changed"].startswith(
        reverse("translation_report:changes", args=[workshop.pk])
    )

    # Synced: the new sentence waits for its translation, then the translation is up to date.
    sync(translation)
    assert page_row(report(client), workshop).state == State.WAITING
    translate_strings(translation)
    publish_translation(translation)
    row = page_row(report(client), workshop)
    assert row.state == State.UP_TO_DATE
    assert "Sync" not in links(row)


def test_a_draft_of_the_source_leaves_the_translation_up_to_date(
    client_as, staff, workshop, french
):
    """A sync takes in the published page, not a draft: a draft changes nothing yet."""
    translate_with_localize(workshop, french)
    workshop.summary = "Not published yet."
    workshop.save_revision()

    assert page_row(report(client_as(staff)), workshop).state == State.UP_TO_DATE


def test_a_translation_made_by_hand_is_out_of_date_until_edited_after_its_source(
    client_as, staff, workshop
):
    french_page = translate_page(workshop, title="Gérer les conflits")
    client = client_as(staff)
    assert page_row(report(client), workshop).state == State.UP_TO_DATE

    publish_change(workshop, summary="A new summary.")
    row = page_row(report(client), workshop)
    assert row.state == State.OUT_OF_DATE
    assert not row.follows_source
    assert "Sync" not in links(row)

    publish_change(french_page, summary="Un nouveau résumé.")
    assert page_row(report(client), workshop).state == State.UP_TO_DATE


def test_what_changed_compares_the_revision_synced_with_the_live_page(
    client_as, staff, workshop, french
):
    publish_change(workshop)
    synced_revision = Page.objects.get(pk=workshop.pk).live_revision
    translate_with_localize(workshop, french)
    publish_change(workshop, summary="A day on conflict at work.")

    response = client_as(staff).get(
        reverse("translation_report:changes", args=[workshop.pk]), {"locale": "fr"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "wagtailadmin_pages:revisions_compare", args=[workshop.pk, synced_revision.pk, "live"]
    )


def test_what_changed_of_an_up_to_date_page_is_its_history(client_as, staff, workshop, french):
    translate_with_localize(workshop, french)

    response = client_as(staff).get(reverse("translation_report:changes", args=[workshop.pk]))

    assert response["Location"] == reverse("wagtailadmin_pages:history", args=[workshop.pk])


# What is listed


def test_untranslated_pages_are_listed_with_a_link_to_translate_them(
    client_as, staff, home_page, workshop
):
    rows = report(client_as(staff))

    for page in (home_page, workshop):
        row = page_row(rows, page)
        assert row.state == State.NOT_TRANSLATED
        assert row.language == "French"
        assert links(row) == {
            "Translate": reverse("wagtail_localize:submit_page_translation", args=[page.pk])
            + "?select_locale=fr"
        }
    assert not Page.objects.filter(locale__language_code="fr").exists()


def test_an_alias_in_french_is_not_a_translation(client_as, staff, workshop, french):
    translate_page(workshop.get_parent())
    alias = workshop.copy_for_translation(french, alias=True)
    assert alias.alias_of_id == workshop.pk

    row = page_row(report(client_as(staff)), workshop)

    assert row.state == State.NOT_TRANSLATED


def test_untranslated_snippets_are_listed(client_as, staff, workshop, monkeypatch):
    """Every translatable snippet model is listed: here the learning outcomes stand for one."""
    monkeypatch.setattr(translations, "translatable_snippet_models", lambda: [WorkshopOutcome])
    outcome = workshop.outcomes.get()

    rows = report(client_as(staff), kind="snippet")

    row = row_of(rows, outcome)
    assert row.state == State.NOT_TRANSLATED
    assert row.kind_label == "Snippet"
    assert row.title == outcome.text
    assert {row.kind for row in rows} == {"snippet"}


def test_a_snippet_is_out_of_date_when_it_differs_from_the_content_last_synced(workshop, french):
    outcome = workshop.outcomes.get()
    default_locale = Locale.get_default()

    def state():
        (row,) = snippet_rows(WorkshopOutcome, default_locale, [french])
        return row.state

    assert state() == State.NOT_TRANSLATED
    translate_page(workshop)  # and its outcomes with it
    source, _created = TranslationSource.get_or_create_from_instance(outcome)
    assert state() == State.UP_TO_DATE

    outcome.text = "Name three ways to calm a conflict."
    outcome.save()
    assert state() == State.OUT_OF_DATE

    source.update_from_db()
    assert state() == State.UP_TO_DATE


def test_an_untranslated_program_is_listed_with_a_link_to_translate_it(client_as, staff):
    program = ProgramFactory(title="Bargaining Program")

    row = row_of(report(client_as(staff), kind="snippet"), program)

    assert row.state == State.NOT_TRANSLATED
    assert "Translate" in links(row)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "not-translated"}, {"Union Education", "Workshops", "Fresh"}),
        ({"state": "out-of-date"}, {"Handling conflict"}),
        ({"state": "up-to-date"}, set()),
        ({"kind": "snippet"}, set()),
        ({"type": "courses.workshoppage"}, {"Handling conflict", "Fresh"}),
        ({"language": "fr"}, {"Union Education", "Workshops", "Handling conflict", "Fresh"}),
    ],
    ids=["not-translated", "out-of-date", "up-to-date", "snippets", "type", "language"],
)
def test_report_filters(client_as, staff, workshop, french, params, expected):
    translate_with_localize(workshop, french)
    publish_change(workshop, summary="Changed.")
    WorkshopPageFactory(parent=workshop.get_parent(), title="Fresh")

    rows = report(client_as(staff), **params)

    assert {row.title for row in rows} == expected


def test_the_report_downloads_as_a_spreadsheet(client_as, staff, workshop, french):
    translate_with_localize(workshop, french)

    response = client_as(staff).get(URL, {"export": "csv"})

    assert response.status_code == 200
    lines = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    by_title = {line["Title"]: line for line in lines}
    assert by_title["Handling conflict"]["State"] == "Up to date"
    assert by_title["Handling conflict"]["Type"] == "Workshop"
    assert by_title["Handling conflict"]["Language"] == "French"
    assert by_title["Handling conflict"]["Translation synced"]
    assert by_title["Workshops"]["State"] == "Not translated"


# Who may open it


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("participant", False),
        ("facilitator", False),
        ("staff", True),
        ("translator", True),
        ("superuser", True),
    ],
)
def test_who_may_open_the_report(client_as, users, translator, home_page, role, allowed):
    user = translator if role == "translator" else users[role]
    client = client_as(user)

    response = client.get(URL)

    if allowed:
        assert response.status_code == 200
        assert "Translations" in response.text
    elif role == "facilitator":
        # In the admin, but refused: sent to the dashboard with a message.
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    for url in (f"{URL}results/", f"{URL}?export=csv"):
        assert (client.get(url).status_code == 200) is allowed


def test_the_reports_menu_has_one_translations_report(client_as, staff, facilitator):
    """The report replaces wagtail-localize's in the menu, and shows to those who may open it."""
    html = client_as(staff).get("/admin/").text
    assert f'"{URL}"' in html
    assert reverse("wagtail_localize:translations_report") not in html

    html = client_as(facilitator).get("/admin/").text
    assert f'"{URL}"' not in html


def test_a_translator_sees_no_way_to_what_changed_in_the_english_page(
    client_as, translator, workshop, french
):
    translate_with_localize(workshop, french)
    publish_change(workshop, summary="Changed.")
    client = client_as(translator)

    row = page_row(report(client), workshop)

    assert row.state == State.OUT_OF_DATE
    assert set(links(row)) == {"Edit translation", "Sync"}
    changes = client.get(reverse("translation_report:changes", args=[workshop.pk]))
    assert changes.status_code == 302
    assert "revisions" not in changes["Location"]


# The Translators group


def test_the_translators_group_may_translate_and_nothing_in_english(translator, staff):
    group = Group.objects.get(name=TRANSLATORS_GROUP)

    assert translator.has_perm("wagtailadmin.access_admin")
    assert translator.has_perm("wagtail_localize.submit_translation")
    assert staff.has_perm("wagtail_localize.submit_translation")
    assert not any(translator.has_perm(f"courses.change_{name}") for name in ("program", "local"))
    english = Page.objects.filter(locale__language_code="en")
    assert not GroupPagePermission.objects.filter(group=group, page__in=english).exists()


def test_the_french_home_page_opens_the_french_tree_to_translators(home_page, french):
    group = Group.objects.get(name=TRANSLATORS_GROUP)

    french_home = translate_page(home_page)

    granted = GroupPagePermission.objects.filter(group=group).values_list(
        "page_id", "permission__codename"
    )
    assert set(granted) == {
        (french_home.pk, "add_page"),
        (french_home.pk, "change_page"),
        (french_home.pk, "publish_page"),
    }


def test_the_tops_of_the_french_tree_are_found_for_the_migration(home_page, workshop):
    french_workshop = translate_page(workshop)
    french_home = home_page.get_translation(french_workshop.locale)

    tops = language_tree_tops(Page.objects.all(), Locale.get_default().pk)

    assert tops == [french_home.pk]


def test_a_translator_edits_and_publishes_a_french_page_but_not_its_english_source(
    client_as, translator, catalogue
):
    french_catalogue = translate_page(catalogue)
    client = client_as(translator)

    def post(page, title):
        data = catalogue_data(title, page.slug)
        return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)

    response = post(french_catalogue, "Ateliers")
    assert response.status_code == 302
    french_catalogue.refresh_from_db()
    assert french_catalogue.title == "Ateliers"
    assert french_catalogue.live and not french_catalogue.has_unpublished_changes

    refused = client.get(reverse("wagtailadmin_pages:edit", args=[catalogue.pk]))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    response = post(catalogue, "Taken over")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    catalogue.refresh_from_db()
    assert catalogue.title == "Workshops"
    titles = [revision.content["title"] for revision in catalogue.revisions.all()]
    assert "Taken over" not in titles


def test_a_translator_submits_a_page_for_translation_and_opens_its_editor(
    client_as, translator, workshop, french
):
    client = client_as(translator)

    submit = reverse("wagtail_localize:submit_page_translation", args=[workshop.pk])
    response = client.post(submit, {"locales": [french.pk]})

    assert response.status_code == 302
    french_page = workshop.get_translation(french)
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[french_page.pk])
    assert client.get(response["Location"]).status_code == 200
    row = page_row(report(client), workshop)
    assert row.state == State.WAITING
    assert row.follows_source


def test_the_editor_of_an_out_of_date_translation_says_so(client_as, translator, workshop, french):
    translate_with_localize(workshop, french)
    publish_change(workshop, summary="Changed.")
    french_page = workshop.get_translation(french)

    response = client_as(translator).get(reverse("wagtailadmin_pages:edit", args=[french_page.pk]))

    assert response.status_code == 200
    assert "has changed since the translation last took it in" in response.text


def test_the_editor_of_a_translation_made_by_hand_says_when_its_source_was_published(
    client_as, translator, catalogue
):
    french_catalogue = translate_page(catalogue)
    edit = reverse("wagtailadmin_pages:edit", args=[french_catalogue.pk])
    client = client_as(translator)
    notice = "has been published since this page was edited"
    assert notice not in client.get(edit).text

    publish_change(catalogue, introduction="Every workshop, this year.")

    assert notice in client.get(edit).text


# Its cost


def test_the_report_costs_the_same_queries_whatever_the_number_of_pages(
    client_as, staff, catalogue, french, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(translations, "translatable_snippet_models", lambda: [WorkshopOutcome])
    client = client_as(staff)

    def add_workshops(count):
        for number in range(count):
            workshop = WorkshopPageFactory(parent=catalogue, outcomes=["One", "Two"])
            if number % 3:
                translate_with_localize(workshop, french)
            if number % 3 == 2:
                publish_change(workshop, summary=f"Changed {number}.")

    def queries():
        client.get(URL)  # caches of content types and permissions
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    add_workshops(3)
    few = queries()
    add_workshops(12)
    many = queries()

    assert many == few
    # The session, the user and their permissions, the locales, the pages and their
    # translations, wagtail-localize's records, the snippets' the same, the admin's menus.
    with django_assert_max_num_queries(24):
        client.get(URL)


# Snippets are translated by those who may change them


def program_submit_url(program):
    return reverse(
        "wagtail_localize:submit_snippet_translation", args=["courses", "program", program.pk]
    )


@pytest.mark.django_db
def test_a_translator_may_not_translate_a_program(client_as, translator, french):
    """Translators hold no right over programs: wagtail-localize's form alone would let them
    make the French copy."""
    program = ProgramFactory(title="Bargaining Program")
    client = client_as(translator)

    page = client.get(program_submit_url(program))
    sent = client.post(program_submit_url(program), {"locales": [french.pk]})

    # Refused as the admin refuses: sent to the dashboard with a message.
    assert [(r.status_code, r["Location"]) for r in (page, sent)] == [(302, "/admin/")] * 2
    assert Program.objects.filter(translation_key=program.translation_key).count() == 1


@pytest.mark.django_db
def test_staff_translate_a_program(client_as, staff, french):
    program = ProgramFactory(title="Bargaining Program")

    response = client_as(staff).post(program_submit_url(program), {"locales": [french.pk]})

    assert response.status_code == 302
    assert program.get_translation(french).title == "Bargaining Program"


@pytest.mark.django_db
def test_only_who_may_change_programs_syncs_a_programs_translation(
    client_as, translator, staff, french
):
    program = ProgramFactory(title="Bargaining Program")
    source, _created = TranslationSource.get_or_create_from_instance(program)
    Translation.objects.create(source=source, target_locale=french).save_target(publish=True)
    program.description = "A new sentence."
    program.save()
    url = reverse("wagtail_localize:update_translations", args=[source.pk])

    assert client_as(translator).get(url)["Location"] == "/admin/"  # refused
    assert client_as(staff).get(url).status_code == 200
    translator_row = row_of(report(client_as(translator), kind="snippet"), program)
    staff_row = row_of(report(client_as(staff), kind="snippet"), program)
    assert translator_row.state == staff_row.state == State.OUT_OF_DATE
    assert "Sync" not in links(translator_row)
    assert "Sync" in links(staff_row)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["", "results/"])
def test_wagtail_localizes_own_report_leads_to_the_translations_report(
    client_as, facilitator, staff, path
):
    """It names every translated object to anyone with admin access."""
    old = f"/admin/localize/reports/translations/{path}"

    assert client_as(staff).get(old).url == URL
    response = client_as(facilitator).get(old, follow=True)
    # Refused there: sent on to the dashboard.
    assert [url for url, _status in response.redirect_chain] == [URL, "/admin/"]


@pytest.fixture
def french_guide(workshop):
    """A facilitator guide and its French translation, private as every guide is."""
    guide = FacilitatorGuidePageFactory(parent=workshop)
    return translate_page(guide, title="Guide d’animation")


def privacy_url(page):
    return reverse("wagtailadmin_pages:set_privacy", args=[page.pk])


def test_a_translator_may_not_make_a_french_guide_public(client_as, translator, french_guide):
    client = client_as(translator)
    restriction = PageViewRestriction.objects.get(page=french_guide)

    opened = client.get(privacy_url(french_guide))
    made_public = client.post(privacy_url(french_guide), {"restriction_type": "none"})

    assert (opened.status_code, opened["Location"]) == (302, "/admin/")
    assert (made_public.status_code, made_public["Location"]) == (302, "/admin/")
    assert list(PageViewRestriction.objects.filter(page=french_guide)) == [restriction]
    anonymous = Client().get(french_guide.url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_translator_still_publishes_the_french_guide(client_as, translator, french_guide):
    """Privacy aside, the guide's translation is the translator's to put live."""
    permissions = french_guide.permissions_for_user(translator)

    assert permissions.can_edit() and permissions.can_publish()
    assert not permissions.can_set_view_restrictions()


def test_a_translator_may_not_change_the_privacy_of_any_french_page(translator, workshop):
    french_workshop = translate_page(workshop)
    french_home = french_workshop.get_parent().get_parent().specific

    for page in (french_workshop, french_home):
        assert page.permissions_for_user(translator).can_publish()
        assert not page.permissions_for_user(translator).can_set_view_restrictions()


def test_staff_set_the_privacy_of_french_pages(client_as, staff, french_guide):
    client = client_as(staff)

    response = client.post(privacy_url(french_guide), {"restriction_type": "login"})

    assert response.status_code == 200
    restriction = PageViewRestriction.objects.get(page=french_guide)
    assert restriction.restriction_type == PageViewRestriction.LOGIN


def test_a_french_page_with_no_english_source_is_governed_by_its_nearest_translated_ancestor(
    translator, staff, workshop
):
    french_workshop = translate_page(workshop)
    french_only = FacilitatorGuidePageFactory(parent=french_workshop, title="Annexe")

    assert privacy_source(french_only).pk == workshop.pk
    assert french_only.permissions_for_user(staff).can_set_view_restrictions()
    assert not french_only.permissions_for_user(translator).can_set_view_restrictions()
