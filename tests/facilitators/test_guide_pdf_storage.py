"""The facilitator guide's PDF is rendered once per published revision and kept in a storage
nothing serves; the sign-in sheet, rendered on each download, reuses the shared WeasyPrint
state."""

import datetime
from io import BytesIO
from unittest import mock
from urllib.parse import urlsplit

from django.core.files.storage import FileSystemStorage, InMemoryStorage, default_storage
from django.urls import reverse
from django.utils import timezone

from wagtail.documents import get_document_model

import pytest
from pypdf import PdfReader

from courses import pdf_rendering
from courses.choices import TaskPriority
from facilitators import guide_pdfs, pdf, tasks
from facilitators.models import FacilitatorGuidePage, GuideHandout
from tests.factories import (
    FacilitatorFactory,
    FacilitatorGuidePageFactory,
    SessionFactory,
    WorkshopPageFactory,
    curriculum,
)


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def publish(page, **changes):
    """Publish ``page`` through a new revision, as the admin does, with ``changes``."""
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


@pytest.fixture(autouse=True)
def storage(settings):
    """A storage of its own for each test: files kept by another test never show here."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.FACILITATORS_GUIDE_STORAGE_ALIAS = "default"
    return default_storage


@pytest.fixture
def workshop(catalogue):
    return publish(
        WorkshopPageFactory(
            parent=catalogue,
            title="Grievance handling",
            slug="grievance-handling",
            curriculum=curriculum(360, modules=3, titles=["Welcome", "Steps", "Wrap"]),
        )
    )


@pytest.fixture
def guide(workshop):
    return publish(FacilitatorGuidePageFactory(parent=workshop))


@pytest.fixture
def guide_url(guide):
    return reverse("facilitators:guide_pdf", args=[guide.pk])


@pytest.fixture
def renders():
    """Counts the guide's renders (each still renders)."""
    with mock.patch.object(guide_pdfs.pdf, "render_guide", wraps=pdf.render_guide) as spy:
        yield spy


def stored(storage, guide):
    return sorted(guide_pdfs.stored_names(storage, guide.pk))


@pytest.mark.django_db
def test_the_guide_is_rendered_once_per_revision(
    client_as, facilitator, guide, guide_url, renders, storage
):
    first = client_as(facilitator).get(guide_url)
    second = client_as(facilitator).get(guide_url)

    assert first.status_code == second.status_code == 200
    assert second["Content-Type"] == "application/pdf"
    assert 'filename="facilitator-guide-grievance-handling.pdf"' in second["Content-Disposition"]
    assert renders.call_count == 1
    assert second.content == first.content
    [name] = stored(storage, guide)
    assert name.startswith(f"facilitator-guides/{guide.pk}/{guide.live_revision_id}-")
    assert "Keep the parking lot on the flip chart." in pdf_text(second.content)


@pytest.mark.django_db
def test_a_new_revision_has_a_new_file_and_the_old_one_goes(
    client_as, facilitator, guide, guide_url, renders, storage
):
    client_as(facilitator).get(guide_url)
    [old] = stored(storage, guide)

    guide = publish(guide, facilitator_notes="<p>Open the windows at the break.</p>")
    response = client_as(facilitator).get(guide_url)

    assert renders.call_count == 2
    [new] = stored(storage, guide)
    assert new != old
    assert new.startswith(f"facilitator-guides/{guide.pk}/{guide.live_revision_id}-")
    text = pdf_text(response.content)
    assert "Open the windows at the break." in text
    assert "Keep the parking lot" not in text


@pytest.mark.django_db
def test_publishing_the_workshop_prints_its_curriculum_again(
    client_as, facilitator, workshop, guide, guide_url, storage, django_capture_on_commit_callbacks
):
    client_as(facilitator).get(guide_url)
    [old] = stored(storage, guide)
    modules = [
        {**block, "value": {**block["value"], "title": title}}
        for block, title in zip(
            workshop.curriculum.raw_data, ["Hello", "Steps", "Wrap"], strict=True
        )
    ]

    with django_capture_on_commit_callbacks(execute=True):
        publish(workshop, curriculum=modules)

    [new] = stored(storage, guide)
    assert new != old
    text = pdf_text(client_as(facilitator).get(guide_url).content)
    assert "Hello" in text
    assert "Welcome" not in text


@pytest.mark.django_db
def test_publishing_queues_the_render_at_a_low_priority(
    client_as, facilitator, guide, guide_url, renders, storage, django_capture_on_commit_callbacks
):
    assert tasks.render_guide_pdf.priority == TaskPriority.BULK
    assert TaskPriority.BULK < TaskPriority.EMAIL

    with django_capture_on_commit_callbacks(execute=True):
        guide = publish(guide, introduction="<p>Bring name tags.</p>")

    assert renders.call_count == 1  # by the task, before anyone downloads it
    [name] = stored(storage, guide)
    assert name.startswith(f"facilitator-guides/{guide.pk}/{guide.live_revision_id}-")

    response = client_as(facilitator).get(guide_url)

    assert response.status_code == 200
    assert renders.call_count == 1
    assert "Bring name tags." in pdf_text(response.content)


@pytest.mark.django_db
def test_the_task_leaves_an_unpublished_guide_alone(guide, renders, storage):
    guide.unpublish()

    tasks.render_guide_pdf.call(guide.pk)

    assert renders.call_count == 0
    assert stored(storage, guide) == []


@pytest.mark.django_db
def test_unpublishing_the_guide_deletes_its_pdfs(
    client_as, facilitator, guide, guide_url, storage, django_capture_on_commit_callbacks
):
    client_as(facilitator).get(guide_url)
    assert stored(storage, guide)

    with django_capture_on_commit_callbacks(execute=True):
        guide.unpublish()

    assert stored(storage, guide) == []
    assert client_as(facilitator).get(guide_url).status_code == 404


@pytest.mark.django_db
def test_deleting_the_guide_deletes_its_pdfs(
    client_as, facilitator, guide, guide_url, storage, django_capture_on_commit_callbacks
):
    client_as(facilitator).get(guide_url)
    assert stored(storage, guide)

    with django_capture_on_commit_callbacks(execute=True):
        FacilitatorGuidePage.objects.get(pk=guide.pk).delete()

    assert stored(storage, guide) == []


@pytest.mark.django_db
def test_editing_a_handout_prints_the_guides_again(
    client_as, facilitator, guide, guide_url, storage, django_capture_on_commit_callbacks
):
    document = get_document_model().objects.create(title="Case cards")
    GuideHandout.objects.create(page=guide, document=document, locale_id=guide.locale_id)
    guide = publish(guide)
    assert "Case cards" in pdf_text(client_as(facilitator).get(guide_url).content)

    with django_capture_on_commit_callbacks(execute=True):
        document.title = "Grievance case cards"
        document.save()

    assert stored(storage, guide) == []
    assert "Grievance case cards" in pdf_text(client_as(facilitator).get(guide_url).content)


# Who gets it: as before it was kept


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, guide_url, renders):
    response = client.get(guide_url)

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("wagtailadmin_login")
    assert renders.call_count == 0


@pytest.mark.django_db
def test_a_participant_is_refused_even_once_it_is_stored(
    client_as, facilitator, participant, guide_url
):
    assert client_as(facilitator).get(guide_url).status_code == 200

    response = client_as(participant).get(guide_url)

    assert response.status_code == 403
    assert response["Content-Type"] != "application/pdf"


@pytest.mark.django_db
def test_staff_get_the_stored_guide(client_as, facilitator, staff, guide_url, renders):
    client_as(facilitator).get(guide_url)

    response = client_as(staff).get(guide_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert renders.call_count == 1


@pytest.fixture
def session(workshop, facilitator):
    return SessionFactory(
        workshop=workshop,
        start=timezone.make_aware(datetime.datetime(2031, 3, 4, 9, 0)),
        facilitators=[facilitator],
    )


@pytest.mark.django_db
def test_a_session_guide_is_kept_apart_and_rendered_once(
    client_as, facilitator, session, guide, guide_url, renders, storage
):
    plain = client_as(facilitator).get(guide_url)
    first = client_as(facilitator).get(guide_url, {"session": session.pk})
    second = client_as(facilitator).get(guide_url, {"session": session.pk})

    assert renders.call_count == 2  # the plain guide and the session's, once each
    assert len(stored(storage, guide)) == 2
    assert second.content == first.content != plain.content
    assert "facilitator-guide-grievance-handling-2031-03-04.pdf" in second["Content-Disposition"]
    assert "Clock times for the session" in pdf_text(second.content)


@pytest.mark.django_db
def test_a_facilitator_of_another_session_gets_the_plain_guide(
    client_as, session, guide, guide_url
):
    other = FacilitatorFactory(user__username="other-facilitator").user

    response = client_as(other).get(guide_url, {"session": session.pk})

    assert response.status_code == 200
    assert 'filename="facilitator-guide-grievance-handling.pdf"' in response["Content-Disposition"]
    assert "Clock times for the session" not in pdf_text(response.content)


@pytest.mark.django_db
def test_a_guide_never_published_through_a_revision_is_rendered_each_time(
    client_as, facilitator, catalogue, renders, storage
):
    workshop = WorkshopPageFactory(parent=catalogue)
    guide = FacilitatorGuidePageFactory(parent=workshop)
    url = reverse("facilitators:guide_pdf", args=[guide.pk])

    assert client_as(facilitator).get(url).status_code == 200
    assert client_as(facilitator).get(url).status_code == 200

    assert renders.call_count == 2
    assert stored(storage, guide) == []


# Storing


def test_a_file_stored_twice_on_disk_is_one_whole_file(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = guide_pdfs.file_name(7, (3, 2), "digest")

    guide_pdfs._store(storage, name, b"%PDF-first")
    guide_pdfs._store(storage, name, b"%PDF-second")

    assert [path.name for path in (tmp_path / "facilitator-guides" / "7").iterdir()] == [
        "3-2-digest.pdf"
    ]
    assert storage.open(name).read() == b"%PDF-second"


def test_a_storage_that_does_not_overwrite_keeps_the_first_copy():
    storage = InMemoryStorage()
    name = guide_pdfs.file_name(7, (3, 2), "digest")

    guide_pdfs._store(storage, name, b"%PDF-first")
    guide_pdfs._store(storage, name, b"%PDF-first")

    assert guide_pdfs.stored_names(storage, 7) == [name]


def test_guides_are_kept_in_the_private_storage_by_default():
    from education.settings import base

    assert base.FACILITATORS_GUIDE_STORAGE_ALIAS == "private"
    location = base.STORAGES["private"]["OPTIONS"]["location"]
    assert not str(location).startswith(str(base.MEDIA_ROOT))


# The sign-in sheet


@pytest.mark.django_db
def test_the_sign_in_sheet_reuses_the_shared_font_configuration(
    client_as, facilitator, session, guide_url
):
    from weasyprint import HTML

    font_configs = []
    write_pdf = HTML.write_pdf

    def spy(document, *args, **kwargs):
        font_configs.append(kwargs.get("font_config"))
        return write_pdf(document, *args, **kwargs)

    sheet_url = reverse("facilitators:sign_in_sheet", args=[session.pk])
    with mock.patch.object(HTML, "write_pdf", spy):
        assert client_as(facilitator).get(sheet_url).status_code == 200
        assert client_as(facilitator).get(sheet_url).status_code == 200
        assert client_as(facilitator).get(guide_url).status_code == 200

    shared = pdf_rendering.renderer().font_config
    assert len(font_configs) == 3
    assert all(font_config is shared for font_config in font_configs)
