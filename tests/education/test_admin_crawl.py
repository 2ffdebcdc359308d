"""Every admin URL, as a facilitator and as education staff, with real records behind it.

The crawl resolves the whole admin URL tree (Wagtail's own URLs, everything added by
``register_admin_urls`` hooks and by viewsets, choosers included) and asks each URL once per
role, its arguments filled with real objects of the right model. Listings that export are also
asked for their CSV file, searchable results are searched for a member's name and email, and
choosers are asked for the objects they would hand back.

Two sessions hold the people: one that the facilitator delivers, with participant A, and one
that they do not, with participant B. Both are closed (their certificates issued, B's
reissued and revoked), and a local's request names its contact person. Nothing may answer
5xx, and nothing a facilitator is shown may name participant B or the request's contact.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import unquote

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.log_actions import log
from wagtail.models import Collection, Locale, Page, Site, Task, UploadedFile, Workflow

import pytest
from wagtail_factories import DocumentFactory, ImageFactory
from wagtail_localize.models import (
    OverridableSegment,
    StringSegment,
    Translation,
    TranslationSource,
)

from certificates.issuing import reissue, revoke
from certificates.models import Certificate, CertificateTemplate
from courses.attendance.rules import close_session, mark_attendance
from courses.choices import AttendanceStatus
from courses.models import Enrollment, Participant, Session
from courses.requests.rules import assign_facilitator, change_status
from courses.sessions.enrollment import update_own_details
from facilitators.models import Facilitator
from tests.factories import (
    EnrollmentFactory,
    FacilitatorFactory,
    FacilitatorGuidePageFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    SessionRequestFactory,
    UserFactory,
    WorkshopPageFactory,
)

pytestmark = pytest.mark.django_db

#: What a facilitator may never read about people outside their sessions.
PARTICIPANT_B_NAME = "Bernadette Quillfeather"
PARTICIPANT_B_EMAIL = "bernadette.quill@example.net"
CONTACT_NAME = "Ottoline Brackenbury"
CONTACT_EMAIL = "ottoline.brackenbury@example.net"
#: Searches typed into every chooser; listings and other results are searched for the first.
SEARCHES = ("Quillfeather", PARTICIPANT_B_EMAIL, "Brackenbury")

#: Admin URLs that are not asked, and why.
SKIPPED = {
    # Wagtail's own check of the error page: it raises on purpose.
    "wagtailadmin_error_test": "raises on purpose to show the 500 page",
    # Signing out would end the crawl's session.
    "wagtailadmin_logout": "signs the user out",
}

#: Arguments that name no record: a fixed value of the right shape.
FIXED_KWARGS = {
    "uidb64": "MQ",
    "token": "set-password",
    "filter_spec": "original",
    "action_name": "approve",
    "action": "delete",
    "revision_id_a": "earliest",
    "revision_id_b": "latest",
}


@dataclass
class World:
    """The records of the crawl, and the objects each URL argument is filled with."""

    facilitator: object
    staff: object
    participant_a: Participant
    participant_b: Participant
    page: Page
    parent_page: Page
    revision: object
    workflow_state: object
    task_state: object
    image: object
    document: object
    uploaded_file: object
    #: The object a URL's ``pk`` stands for, by model: always the one outside the
    #: facilitator's sessions, when there is such a one.
    instances: dict

    def instance_of(self, model):
        if model in self.instances:
            return self.instances[model]
        for known, instance in self.instances.items():
            if issubclass(model, known):
                return instance
        return model._default_manager.order_by("pk").first()


def days_ago(days):
    return (timezone.now() - timedelta(days=days)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )


def closed_session_with(
    workshop, facilitator, participant, *, days, django_capture_on_commit_callbacks
):
    """A past session of ``workshop`` delivered by ``facilitator``: ``participant`` was there
    the whole day; the session is closed the way facilitators close it (certificate issued)."""
    session = SessionFactory(workshop=workshop, start=days_ago(days), facilitators=[facilitator])
    enrollment = EnrollmentFactory(session=session, participant=participant)
    mark_attendance(session.pk, {enrollment.pk: (AttendanceStatus.PRESENT, None)}, user=facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        close_session(session.pk, user=facilitator)
    return session, enrollment


@pytest.fixture
def world(catalogue, facilitator, staff, django_capture_on_commit_callbacks):
    facilitator.first_name, facilitator.last_name = "Jordan", "Lee"
    facilitator.save(update_fields=["first_name", "last_name"])
    other_facilitator = FacilitatorFactory(user__first_name="Casey", user__last_name="Morgan").user
    program = ProgramFactory(title="Steward Program")
    workshop = WorkshopPageFactory(
        parent=catalogue, title="Handling Grievances", slug="handling-grievances", program=program
    )
    guide = FacilitatorGuidePageFactory(parent=workshop)
    local = LocalFactory(number="4400", name="Harbour Municipal Workers")

    participant_a = ParticipantFactory(
        name="Aurelio Mandelbrot", email="aurelio.mandel@example.net", local=local
    )
    user_b = UserFactory(
        username="bernadette",
        email=PARTICIPANT_B_EMAIL,
        first_name="Bernadette",
        last_name="Quillfeather",
    )
    participant_b = ParticipantFactory(
        name=PARTICIPANT_B_NAME, email=PARTICIPANT_B_EMAIL, local=local, user=user_b
    )
    # B changed their own details once: an entry of the participant's history, by B's user.
    update_own_details(
        participant_b, name=PARTICIPANT_B_NAME, local=LocalFactory(), preferred_language="fr"
    )

    closed_session_with(
        workshop,
        facilitator,
        participant_a,
        days=14,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    other_session, other_enrollment = closed_session_with(
        workshop,
        other_facilitator,
        participant_b,
        days=7,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    # B also waits for a place in a session of the facilitator's colleague.
    upcoming = SessionFactory(workshop=workshop, facilitators=[other_facilitator], capacity=1)
    EnrollmentFactory(session=upcoming, participant=ParticipantFactory())
    EnrollmentFactory(session=upcoming, participant=participant_b, status="waitlisted")
    log(
        instance=upcoming,
        action="courses.session.enrol",
        user=staff,
        data={"name": PARTICIPANT_B_NAME, "status": "waitlisted"},
    )

    certificate_b = Certificate.objects.get(enrollment=other_enrollment)
    with django_capture_on_commit_callbacks(execute=True):
        reissued = reissue(certificate_b.pk, holder_name=f"{PARTICIPANT_B_NAME} Jr", user=staff)
        revoke(reissued.pk, reason="Issued by mistake", user=staff)

    request_workshop = WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning", offered_on_request=True
    )
    Facilitator.objects.get(user=other_facilitator).certified_workshops.add(request_workshop)
    session_request = SessionRequestFactory(
        workshop=request_workshop, local=local, contact_name=CONTACT_NAME, email=CONTACT_EMAIL
    )
    change_status(session_request.pk, "in_review", user=staff, notify=False)
    assign_facilitator(session_request.pk, other_facilitator, user=staff)

    # A draft that adds a prerequisite: the admin's previews of it render the workshop.
    workshop.prerequisites.add(WorkshopPageFactory(parent=catalogue, title="Steward Basics"))
    revision = workshop.save_revision(user=staff)
    workflow = Workflow.objects.filter(active=True).first()
    workflow_state = workflow.start(workshop, staff)
    task_state = workflow_state.current_task_state
    image = ImageFactory(title="Poster")
    document = DocumentFactory(title="Handout")
    Redirect.objects.create(old_path="/old-grievances", redirect_page=workshop)
    uploaded_file = UploadedFile.objects.create(
        file=ContentFile(b"handout", name="handout.txt"),
        for_content_type=ContentType.objects.get_for_model(type(document)),
        uploaded_by_user=staff,
    )
    if apps.is_installed("axes"):
        # Someone tried B's address at the admin's sign-in, and failed.
        apps.get_model("axes", "AccessAttempt").objects.create(
            username=PARTICIPANT_B_EMAIL,
            ip_address="192.0.2.10",
            user_agent="Browser",
            http_accept="text/html",
            path_info="/admin/login/",
            attempt_time=timezone.now(),
            get_data="",
            post_data="",
            failures_since_start=1,
        )
    # The workshop is being translated into French with wagtail-localize (its French draft is
    # made when the translation starts, as in the admin).
    Translation.objects.create(
        source=TranslationSource.get_or_create_from_instance(workshop)[0],
        target_locale=Locale.objects.get_or_create(language_code="fr")[0],
    ).save_target(publish=False)
    organisation_settings = next(iter(settings_registry)).for_site(
        Site.objects.get(is_default_site=True)
    )

    return World(
        facilitator=facilitator,
        staff=staff,
        participant_a=participant_a,
        participant_b=participant_b,
        page=workshop,
        parent_page=catalogue,
        revision=revision,
        workflow_state=workflow_state,
        task_state=task_state,
        image=image,
        document=document,
        uploaded_file=uploaded_file,
        instances={
            Participant: participant_b,
            Enrollment: other_enrollment,
            Session: other_session,
            Certificate: certificate_b,
            Facilitator: Facilitator.objects.get(user=other_facilitator),
            get_user_model(): user_b,
            Group: Group.objects.get(name="Facilitators"),
            Page: guide,
            CertificateTemplate: CertificateTemplate.default(),
            Collection: Collection.get_first_root_node(),
            Site: Site.objects.get(is_default_site=True),
            Workflow: workflow,
            Task: task_state.task,
            type(session_request): session_request,
            type(local): local,
            type(program): program,
            type(organisation_settings): organisation_settings,
        },
    )


# Walking the URL tree


@dataclass
class AdminRoute:
    route: str
    namespace: str
    name: str
    pattern: URLPattern

    @property
    def full_name(self):
        if not self.name:
            return ""
        return f"{self.namespace}:{self.name}" if self.namespace else self.name

    @property
    def kwarg_names(self):
        pattern = self.pattern.pattern
        if isinstance(pattern, RegexPattern):
            return list(pattern.regex.groupindex)
        return list(pattern.converters)

    @property
    def view_class(self):
        return getattr(self.pattern.callback, "view_class", None)

    @property
    def model(self):
        """The model the view works on, as its viewset or class says."""
        initkwargs = getattr(self.pattern.callback, "view_initkwargs", None) or {}
        model = initkwargs.get("model") or getattr(self.view_class, "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        return model if isinstance(model, type) else None


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield AdminRoute(prefix + str(pattern.pattern), namespace, pattern.name, pattern)


def admin_routes():
    """Every URL pattern of the admin: the site's own before Wagtail's, then Wagtail's tree."""
    routes = []
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern).startswith("admin/"):
            routes.extend(walk([pattern]))
    assert any(
        isinstance(pattern, URLResolver) and pattern.urlconf_name is wagtailadmin_urls
        for pattern in get_resolver().url_patterns
    )
    return routes


def app_and_model(model):
    return {"app_label": model._meta.app_label, "model_name": model._meta.model_name}


def kwarg_value(route, name, world):
    """A real value for the URL argument ``name`` of ``route``, or None if none is known."""
    if name in FIXED_KWARGS:
        return FIXED_KWARGS[name]
    model = route.model
    if route.namespace.startswith(("wagtailsnippets_", "wagtailsnippetchoosers_")):
        app_label, model_name = route.namespace.split("_", 1)[1].split("_", 1)
        model = apps.get_model(app_label, model_name)
    page_names = {"page_id", "page_pk", "page_to_move_id", "parent_page_id", "destination_id"}
    if name in page_names:
        return (
            world.parent_page.pk
            if name in ("parent_page_id", "destination_id")
            else (world.page.pk)
        )
    values = {
        "revision_id": world.revision.pk,
        "task_state_id": world.task_state.pk,
        "workflow_state_id": world.workflow_state.pk,
        "task_id": world.task_state.task.pk,
        "workflow_pk": world.workflow_state.workflow.pk,
        "image_id": world.image.pk,
        "document_id": world.document.pk,
        "doc_id": world.document.pk,
        "collection_id": Collection.get_first_root_node().pk,
        "redirect_id": Redirect.objects.first().pk,
        "enrollment_pk": world.instances[Enrollment].pk,
        "session_id": 1,
    }
    if name in values:
        return values[name]
    if name in ("app_label", "content_type_app_name", "app_name"):
        return app_and_model(kwarg_model(route, world))["app_label"]
    if name in ("model_name", "content_type_model_name"):
        return app_and_model(kwarg_model(route, world))["model_name"]
    if route.namespace == "wagtail_localize":
        return localize_value(name, world)
    if name == "object_id":
        return world.participant_b.pk
    if name == "uploaded_file_id":
        return world.uploaded_file.pk
    if name == "pk":
        model = model or namespace_model(route, world)
        if model is None:
            return None
        instance = world.instance_of(model)
        return instance.pk if instance is not None else None
    return None


def localize_value(name, world):
    """A real value for an argument of wagtail-localize's URLs: the workshop's translation."""
    translation = Translation.objects.select_related("source").get()
    segment = StringSegment.objects.filter(source=translation.source).first()
    overridable = OverridableSegment.objects.filter(source=translation.source).first()
    return {
        "translation_source_id": translation.source_id,
        "translation_id": translation.pk,
        "string_segment_id": segment.pk,
        # The workshop has no overridable field: an id that names none.
        "overridable_segment_id": overridable.pk if overridable else 987654,
        "mode": "default",
        # Participants are not translatable: the submit page finds none.
        "pk": world.participant_b.pk,
    }.get(name)


def namespace_model(route, world):
    """The model of a view that does not say it, from where its URL is."""
    if route.namespace.startswith("wagtailadmin_api:"):
        return {
            "pages": Page,
            "documents": type(world.document),
            "images": type(world.image),
        }[route.namespace.split(":")[1]]
    if route.namespace == "wagtailadmin_pages":
        return Page
    if route.namespace == "wagtailadmin_workflows":
        return Task if "task" in route.name else Workflow
    if route.namespace == "wagtailsettings":
        return kwarg_model(route, world)
    return None


def kwarg_model(route, world):
    """The model a URL that takes ``app_label`` and ``model_name`` is asked about."""
    if route.namespace == "wagtailsettings":
        return next(iter(settings_registry))
    if route.namespace == "wagtailadmin_pages":
        return type(world.page)
    if route.namespace == "wagtailadmin_workflows":
        return type(world.task_state.task.specific)
    return Participant


def build_url(route, world):
    """The route's URL with real arguments, or None when an argument has no known value."""
    if not route.name:
        if route.kwarg_names or "^" in route.route:
            return "/admin/no-such-page/"
        return "/" + route.route
    kwargs = {}
    for name in route.kwarg_names:
        value = kwarg_value(route, name, world)
        if value is None:
            return None
        kwargs[name] = value
    return reverse(route.full_name, kwargs=kwargs)


def extra_urls(route, url, world):
    """Further questions to the same view: exports, searches, chosen objects."""
    extras = []
    view_class = route.view_class
    if view_class is not None and issubclass(view_class, SpreadsheetExportMixin):
        extras.append(f"{url}?export=csv")
    if route.name == "choose_results":
        extras.extend(f"{url}?q={search}" for search in SEARCHES)
    elif route.name and (route.name.endswith("results") or "search" in route.name):
        extras.append(f"{url}?q={SEARCHES[0]}")
    if route.name == "chosen_multiple" and route.model is not None:
        instance = world.instance_of(route.model)
        if instance is not None:
            extras.append(f"{url}?id={instance.pk}")
    if route.full_name == "wagtail_bulk_action":
        extras.extend(bulk_action_urls(world))
    return extras


def bulk_action_urls(world):
    """Every registered bulk action, for every record of its model and for one of them."""
    bulk_action_registry._scan_for_bulk_actions()
    urls = []
    for app_label, actions_by_model in bulk_action_registry.actions.items():
        for model_name, actions in actions_by_model.items():
            instance = world.instance_of(apps.get_model(app_label, model_name))
            for action in actions:
                url = reverse("wagtail_bulk_action", args=[app_label, model_name, action])
                urls.append(f"{url}?id=all")
                if instance is not None:
                    urls.append(f"{url}?id={instance.pk}")
    return urls


def crawl_urls(world):
    urls, unfilled = [], []
    for route in admin_routes():
        if route.full_name in SKIPPED:
            continue
        url = build_url(route, world)
        if url is None:
            unfilled.append(route.route)
            continue
        urls.append(url)
        urls.extend(extra_urls(route, url, world))
    return urls, unfilled


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def crawl(user, world, forbidden=(), expected=()):
    """GET every admin URL once as ``user``: the answers that failed, with why, and which of
    the ``expected`` texts some answer showed."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    urls, unfilled = crawl_urls(world)
    assert not unfilled, f"No real value for the arguments of {unfilled}"
    failures, seen = [], set()
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            failures.append(f"{url} → {response.status_code} {exc[1]!r}" if exc else url)
            continue
        text = body(response).lower()
        failures.extend(
            f"{url} shows {secret!r}"
            for secret in forbidden
            # What the user typed is said back to them ("no results for ..."): not a leak.
            if secret.lower() in text and secret.lower() not in unquote(url).lower()
        )
        seen.update(
            wanted
            for wanted in expected
            if wanted.lower() in text and wanted.lower() not in unquote(url).lower()
        )
    assert client.session.get("_auth_user_id") == str(user.pk), "the crawl was signed out"
    return failures, seen


def test_the_crawl_reaches_every_kind_of_admin_url(world):
    urls, unfilled = crawl_urls(world)

    assert not unfilled
    expected = [
        reverse("wagtailsnippetchoosers_courses_participant:choose"),
        reverse("wagtailsnippetchoosers_courses_enrollment:choose_results"),
        reverse("wagtailsnippetchoosers_courses_sessionrequest:choose"),
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_pages:history", args=[world.page.pk]),
        reverse("wagtailsnippets:index"),
        reverse("certificates_admin:history", args=[world.instances[Certificate].pk]),
        reverse("education_reports:sessions"),
    ]
    assert set(expected) <= set(urls)
    assert len(urls) > 350


def test_a_facilitator_sees_nobody_outside_their_sessions_anywhere_in_the_admin(world):
    failures, seen = crawl(
        world.facilitator,
        world,
        forbidden=(PARTICIPANT_B_NAME, PARTICIPANT_B_EMAIL, CONTACT_NAME, CONTACT_EMAIL),
        expected=(world.participant_a.name,),
    )

    assert not failures, "\n".join(failures)
    # Their own people are there to be seen (in the choosers): the crawl saw real answers.
    assert seen == {world.participant_a.name}


def test_no_admin_url_fails_for_education_staff(world):
    failures, seen = crawl(
        world.staff, world, expected=(PARTICIPANT_B_NAME, PARTICIPANT_B_EMAIL, CONTACT_NAME)
    )

    assert not failures, "\n".join(failures)
    assert seen == {PARTICIPANT_B_NAME, PARTICIPANT_B_EMAIL, CONTACT_NAME}
