from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from courses.models import WorkshopPage

from . import guide_pdfs, tasks
from .models import FacilitatorGuidePage
from .privacy import drop_duplicate_restriction, restrict_guide


@receiver(post_save, sender=FacilitatorGuidePage)
def make_new_guides_private(sender, instance, created, raw=False, **kwargs):
    """A new guide is private from the moment it exists; nobody has to remember to set it."""
    if created and not raw:
        restrict_guide(instance)


@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
def keep_one_restriction_per_guide(sender, instance, action, reverse, **kwargs):
    """A restriction copied onto a guide that its own creation already made private is
    dropped: the copy of a guide keeps one restriction, as its original has."""
    if action != "post_add" or reverse:
        return
    if issubclass(instance.page.specific_class or type(None), FacilitatorGuidePage):
        drop_duplicate_restriction(instance)


@receiver(page_published, sender=FacilitatorGuidePage)
def render_published_guide(sender, instance, **kwargs):
    """A guide just published has its PDF rendered in the background, once committed."""
    transaction.on_commit(partial(tasks.render_guide_pdf.enqueue, instance.pk))


@receiver(page_published, sender=WorkshopPage)
def render_guides_of_published_workshop(sender, instance, **kwargs):
    """A guide's agenda is its workshop's curriculum: publishing the workshop prints its guide
    again."""
    for page_id in (
        FacilitatorGuidePage.objects.child_of(instance).live().values_list("pk", flat=True)
    ):
        transaction.on_commit(partial(tasks.render_guide_pdf.enqueue, page_id))


@receiver(page_unpublished, sender=FacilitatorGuidePage)
@receiver(post_delete, sender=FacilitatorGuidePage)
def delete_guide_pdfs(sender, instance, **kwargs):
    """A guide unpublished or deleted keeps no PDF."""
    transaction.on_commit(partial(guide_pdfs.delete_stored, instance.pk))


@receiver(post_save, sender=get_document_model())
@receiver(post_delete, sender=get_document_model())
def forget_guide_pdfs(sender, instance, created=False, raw=False, **kwargs):
    """Guides print their handouts' titles: a document edited or deleted has every guide
    printed again on its next download (documents change seldom)."""
    if not created and not raw:
        transaction.on_commit(guide_pdfs.delete_all_stored)
