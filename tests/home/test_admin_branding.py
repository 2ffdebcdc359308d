"""The entry for staff and facilitators (the log-in page, the admin's title, logo and welcome)
says the organisation's name, in the reader's language."""

import re

import pytest
import wagtail_factories

from home.models import OrganisationSettings

pytestmark = pytest.mark.django_db


def title_and_heading(response):
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    return " ".join(title.split()), " ".join(heading.split())


@pytest.fixture
def organisation(site_root):
    organisation = OrganisationSettings.for_site(site_root)
    organisation.name = "Canadian Union of Workers"
    organisation.name_fr = "Syndicat canadien des travailleurs"
    organisation.save()
    return organisation


def test_the_log_in_page_says_the_organisations_name(client, organisation):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")

    title, heading = title_and_heading(response)
    assert heading == "Canadian Union of Workers — staff and facilitators"
    assert title == "Sign in - Canadian Union of Workers — staff and facilitators"
    assert "Sign in to Wagtail" not in response.content.decode()


def test_the_log_in_page_in_french(client, organisation):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="fr")

    title, heading = title_and_heading(response)
    assert heading == "Syndicat canadien des travailleurs — personnel et personnes animatrices"
    assert title.endswith(heading)


def test_without_a_name_set_the_products_name_is_used(client, site_root):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert title_and_heading(response)[1] == "Union Education — staff and facilitators"


def test_the_organisations_logo_is_on_the_log_in_page_and_in_the_admin(
    client, client_as, organisation, staff
):
    organisation.logo = wagtail_factories.ImageFactory(file__width=300, file__height=120)
    organisation.save()
    assert "<img" in client.get("/admin/login/").content.decode().split('class="login-logo"')[1]

    client_as(staff)
    dashboard = client.get("/admin/")
    html = dashboard.content.decode()
    branding = html.split("data-wagtail-sidebar-branding-logo>")[1].split("</template>")[0]
    assert "<img" in branding
    assert "Canadian Union of Workers — staff and facilitators" in html
    welcome = re.search(r'<h1 class="w-h1 w-mt-0">(.*?)</h1>', html, re.S)
    assert " ".join(welcome.group(1).split()) == "Canadian Union of Workers"


def test_without_a_logo_the_admin_keeps_its_own(client, client_as, organisation, staff):
    assert 'class="login-logo"' not in client.get("/admin/login/").content.decode()
    client_as(staff)
    html = client.get("/admin/").content.decode()
    branding = html.split("data-wagtail-sidebar-branding-logo>")[1].split("</template>")[0]
    assert "<img" not in branding
