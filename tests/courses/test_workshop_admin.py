"""Education staff write workshops as pages in the Wagtail admin."""

from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.choices import ActivityType, Audience
from courses.models import WorkshopIndexPage, WorkshopPage
from facilitators.models import FacilitatorGuidePage
from home.models import HomePage
from tests.factories import (
    HomePageFactory,
    ProgramFactory,
    SuperuserFactory,
    WorkshopIndexPageFactory,
    make_staff_user,
)


def module(title, minutes, activity_type=ActivityType.DISCUSSION):
    return (
        "module",
        {
            "title": title,
            "minutes": str(minutes),
            "activity_type": activity_type,
            "description": f"How we run {title.lower()}.",
            "handout": "",
        },
    )


def workshop_form_data(program, title="Bargaining basics", minutes=(180, 180), **fields):
    """What the admin's add form posts for a six-hour workshop whose modules last ``minutes``."""
    data = {
        "title": title,
        "summary": "How a collective agreement is bargained, from survey to ratification.",
        "program": str(program.pk),
        "audience": Audience.ALL_MEMBERS,
        "duration_hours": "6",
        "issues_certificate": "on",
        "outcomes": inline_formset([{"text": "Explain each step of bargaining."}], min=1),
        "what_to_bring": rich_text("<p>Your collective agreement.</p>"),
        "curriculum": streamfield(
            [module(f"Part {number}", length) for number, length in enumerate(minutes, 1)]
        ),
    }
    data.update(fields)
    return nested_form_data(data)


class WorkshopAdminTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        home = HomePageFactory(parent=root, slug="union-education")
        cls.catalogue = WorkshopIndexPageFactory(parent=home)
        cls.program = ProgramFactory(title="Bargaining Program")

    def add_url(self):
        return reverse(
            "wagtailadmin_pages:add", args=["courses", "workshoppage", self.catalogue.pk]
        )

    def test_superuser_creates_a_workshop(self):
        self.client.force_login(SuperuserFactory())

        self.assertCanCreate(self.catalogue, WorkshopPage, workshop_form_data(self.program))

        workshop = WorkshopPage.objects.get(slug="bargaining-basics")
        self.assertTrue(workshop.live)
        self.assertEqual(workshop.program, self.program)
        self.assertEqual(workshop.curriculum_minutes, 360)
        self.assertEqual(
            [outcome.text for outcome in workshop.outcomes.all()],
            ["Explain each step of bargaining."],
        )

    def test_education_staff_create_a_workshop(self):
        """The group's page permissions, granted by a data migration, are enough."""
        self.client.force_login(make_staff_user())

        self.assertCanCreate(self.catalogue, WorkshopPage, workshop_form_data(self.program))

        self.assertTrue(WorkshopPage.objects.get(slug="bargaining-basics").live)

    def test_minutes_that_do_not_add_up_keep_the_form_and_explain(self):
        self.client.force_login(make_staff_user())
        data = workshop_form_data(self.program, title="Short of time", minutes=(180, 150))
        data["slug"] = "short-of-time"
        data["action-publish"] = "action-publish"

        response = self.client.post(self.add_url(), data)

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("duration_hours", form.errors)
        error = " ".join(form.errors["duration_hours"])
        self.assertIn("330", error)
        self.assertIn("360", error)
        self.assertContains(response, "330 minutes")
        self.assertEqual(form["title"].value(), "Short of time")
        self.assertContains(response, "Short of time")
        self.assertFalse(WorkshopPage.objects.filter(slug="short-of-time").exists())

    def test_minutes_that_add_up_save(self):
        self.client.force_login(make_staff_user())
        data = workshop_form_data(self.program, title="Just right", minutes=(90, 90, 120, 60))
        data["slug"] = "just-right"

        response = self.client.post(self.add_url(), data)

        workshop = WorkshopPage.objects.get(slug="just-right")
        self.assertRedirects(response, reverse("wagtailadmin_pages:edit", args=[workshop.pk]))
        self.assertFalse(workshop.live)
        self.assertEqual(workshop.curriculum_minutes, 360)

    def test_the_catalogue_holds_only_workshops(self):
        self.assertAllowedSubpageTypes(WorkshopIndexPage, {WorkshopPage})
        self.assertAllowedParentPageTypes(WorkshopPage, {WorkshopIndexPage})
        self.assertCanNotCreateAt(HomePage, WorkshopPage)

    def test_a_workshop_holds_only_its_facilitator_guide(self):
        self.assertAllowedSubpageTypes(WorkshopPage, {FacilitatorGuidePage})

    def test_a_guide_lives_under_a_workshop_and_holds_nothing(self):
        self.assertAllowedParentPageTypes(FacilitatorGuidePage, {WorkshopPage})
        self.assertAllowedSubpageTypes(FacilitatorGuidePage, set())
        self.assertCanNotCreateAt(WorkshopIndexPage, FacilitatorGuidePage)
