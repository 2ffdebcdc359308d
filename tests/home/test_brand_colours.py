"""The union's brand colours: chosen in the organisation settings, refused when text on them
would fall below WCAG AA contrast, and shown on the public pages through a stylesheet of CSS
custom properties that only ever holds validated ``#rrggbb`` values."""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

import pytest

from home import colours
from home.models import OrganisationSettings
from tests.education.test_csp import assert_strict, inline_code

BRAND_LINK = re.compile(r'<link rel="stylesheet" href="(/brand\.css\?v=[0-9a-f]{12})">')


@pytest.fixture
def organisation(site_root):
    return OrganisationSettings.for_site(site_root)


def brand_link(client, url="/en/"):
    response = client.get(url)
    assert response.status_code == 200
    found = BRAND_LINK.search(response.content.decode())
    return found.group(1) if found else None


def settings_form_data(organisation, **changes):
    return {
        "name": organisation.name,
        "name_fr": organisation.name_fr,
        "logo": "",
        "contact_email": organisation.contact_email,
        "staff_notification_emails": organisation.staff_notification_emails,
        "primary_colour": organisation.primary_colour,
        "accent_colour": organisation.accent_colour,
        **changes,
    }


def settings_url(site):
    return reverse("wagtailsettings:edit", args=["home", "organisationsettings", site.pk])


# Contrast


def test_black_on_white_is_the_highest_contrast():
    assert colours.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert colours.contrast_ratio("#ffffff", "#000000") == pytest.approx(21)


def test_a_colour_on_itself_has_no_contrast():
    assert colours.contrast_ratio("#8f1d21", "#8F1D21") == pytest.approx(1)


def test_grey_777777_on_white_falls_just_short_of_aa():
    assert colours.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.005)
    assert colours.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.005)


def test_the_default_red_is_well_above_aa_wherever_it_is_shown():
    assert colours.contrast_ratio(colours.DEFAULT_PRIMARY, colours.TEXT_ON_PRIMARY) > 8
    for background in colours.LINK_BACKGROUNDS:
        assert colours.contrast_ratio(colours.DEFAULT_ACCENT, background) > 7


@pytest.mark.parametrize("value", ["red", "#fff", "#12345g", " #123456", "#1234567", "", None])
def test_only_six_hexadecimal_digits_are_a_colour(value):
    assert not colours.is_hex_colour(value)
    with pytest.raises(ValueError):
        colours.parse_hex(value)


def test_a_darker_shade_keeps_its_contrast_with_white():
    assert colours.darker("#ffffff") == "#bfbfbf"
    shade = colours.darker("#1d4f91")
    assert colours.contrast_ratio(shade, "#ffffff") > colours.contrast_ratio("#1d4f91", "#ffffff")


# The settings refuse what would be hard to read


def test_the_defaults_are_the_stylesheets_colours_and_pass(organisation):
    assert organisation.primary_colour == "#8f1d21"
    assert organisation.accent_colour == "#8f1d21"

    organisation.full_clean()


def test_a_light_primary_colour_is_refused_at_its_field(organisation):
    organisation.primary_colour = "#777777"

    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    assert list(refused.value.message_dict) == ["primary_colour"]
    (message,) = refused.value.message_dict["primary_colour"]
    assert message == (
        "White text on this colour has a contrast of 4.4:1; it needs at least 4.5:1 to stay "
        "readable. Choose a darker colour."
    )


def test_a_light_accent_colour_is_refused_at_its_field(organisation):
    organisation.accent_colour = "#ff9900"

    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    assert list(refused.value.message_dict) == ["accent_colour"]
    # 2.1:1 on white, 1.9:1 on the footer's and messages' background: the lower is told.
    assert (
        "Links in this colour have a contrast of 1.9:1"
        in (refused.value.message_dict["accent_colour"][0])
    )


def test_an_accent_readable_on_white_but_not_on_the_panels_is_refused(organisation):
    # 4.7:1 on white, 4.2:1 on the footer's and messages' background.
    organisation.accent_colour = "#737373"
    assert colours.contrast_ratio("#737373", "#ffffff") > 4.5

    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    assert "accent_colour" in refused.value.message_dict


def test_a_malformed_colour_is_refused_kindly(organisation):
    organisation.primary_colour = "red"

    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    assert refused.value.message_dict["primary_colour"] == [
        "Enter a colour as # followed by six hexadecimal digits, such as #8f1d21."
    ]


def test_the_messages_speak_french(organisation):
    organisation.primary_colour = "#777777"
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    # The ratio is written the French way, whether or not the sentence is translated yet.
    assert "4,4:1" in refused.value.message_dict["primary_colour"][0]


# Through the admin


def test_staff_are_told_at_the_field_and_keep_what_they_chose(client_as, staff, organisation):
    client = client_as(staff)

    response = client.post(
        settings_url(organisation.site),
        settings_form_data(organisation, primary_colour="#777777", accent_colour="#1d4f91"),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["primary_colour"]
    assert "contrast of 4.4:1" in form.errors["primary_colour"][0]
    html = response.content.decode()
    assert re.search(r'<input type="color" name="primary_colour" value="#777777"', html)
    assert re.search(r'<input type="color" name="accent_colour" value="#1d4f91"', html)
    assert "contrast of 4.4:1" in html
    organisation.refresh_from_db()
    assert organisation.primary_colour == "#8f1d21"
    assert organisation.accent_colour == "#8f1d21"


def test_staff_are_told_of_a_malformed_colour(client_as, staff, organisation):
    client = client_as(staff)

    response = client.post(
        settings_url(organisation.site),
        settings_form_data(organisation, accent_colour="blue;}"),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["accent_colour"]
    assert "six hexadecimal digits" in response.context["form"].errors["accent_colour"][0]
    organisation.refresh_from_db()
    assert organisation.accent_colour == "#8f1d21"


def test_a_good_colour_is_saved_and_shown_on_the_public_pages(
    client_as, staff, organisation, django_capture_on_commit_callbacks
):
    client = client_as(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            settings_url(organisation.site),
            settings_form_data(organisation, primary_colour="#1d4f91", accent_colour="#0b6e4f"),
        )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.primary_colour, organisation.accent_colour) == ("#1d4f91", "#0b6e4f")
    client.logout()
    link = brand_link(client)
    assert link is not None
    stylesheet = client.get(link)
    assert stylesheet.status_code == 200
    assert stylesheet["Content-Type"] == "text/css; charset=utf-8"
    css = stylesheet.content.decode()
    assert "--brand-primary: #1d4f91;" in css
    assert "--brand-accent: #0b6e4f;" in css
    assert f"--brand-primary-dark: {colours.darker('#1d4f91')};" in css
    # At the address naming its colours, browsers may keep it.
    assert "immutable" in stylesheet["Cache-Control"]


def test_a_page_kept_for_visitors_shows_new_colours_once_they_are_saved(
    client, organisation, django_capture_on_commit_callbacks
):
    assert brand_link(client) is None  # kept by the page cache from here

    with django_capture_on_commit_callbacks(execute=True):
        organisation.primary_colour = "#1d4f91"
        organisation.save()

    link = brand_link(client)
    assert link is not None
    with django_capture_on_commit_callbacks(execute=True):
        organisation.primary_colour = "#0b6e4f"
        organisation.save()
    assert brand_link(client) not in (None, link)


def test_the_default_look_needs_no_brand_stylesheet(client, organisation):
    assert brand_link(client) is None

    response = client.get(reverse("brand_stylesheet"))

    assert response.status_code == 200
    assert "--brand" not in response.content.decode()
    assert "immutable" not in response["Cache-Control"]


def test_only_the_colours_that_differ_from_the_stylesheets_are_written(organisation):
    organisation.accent_colour = "#0B6E4F"

    assert organisation.brand_colours() == {
        "--brand-accent": "#0b6e4f",
        "--brand-accent-dark": colours.darker("#0b6e4f"),
    }


# Nothing but a validated colour reaches a page


@pytest.mark.parametrize("value", ["red;}</style><script>", "red;}</", "#fff}<a", "expression"])
def test_a_value_saved_without_validation_never_reaches_the_page(client, organisation, value):
    if len(value) > 7 and connection.vendor != "sqlite":
        pytest.skip("The database refuses a value longer than the field.")
    organisation.primary_colour = value
    organisation.accent_colour = "#0b6e4f"
    organisation.save()  # no clean(): as a script or a data migration might

    page = client.get("/en/").content.decode()
    link = BRAND_LINK.search(page).group(1)
    css = client.get(link).content.decode()

    for text in (page, css):
        assert value not in text
        assert "<script>" not in text
    assert "--brand-primary" not in css
    assert "--brand-accent: #0b6e4f;" in css


def test_the_pages_keep_a_strict_policy_with_a_brand(client, organisation):
    organisation.primary_colour = "#1d4f91"
    organisation.save()

    response = client.get("/en/")

    assert_strict(response)
    assert not inline_code(response.content.decode())
    assert BRAND_LINK.search(response.content.decode())
    stylesheet = client.get(reverse("brand_stylesheet"))
    assert_strict(stylesheet)


def test_the_stylesheet_uses_the_brand_with_todays_colours_as_fallback():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/education.css"), encoding="utf-8") as css:
        text = css.read()

    assert "--primary: var(--brand-primary, #8f1d21);" in text
    assert "--accent: var(--brand-accent, #8f1d21);" in text
    assert ".site-header { background: var(--primary);" in text
    assert "a { color: var(--accent);" in text
