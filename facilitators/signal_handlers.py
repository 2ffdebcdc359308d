from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction

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
