from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import FacilitatorGuidePage
from .privacy import restrict_guide


@receiver(post_save, sender=FacilitatorGuidePage)
def make_new_guides_private(sender, instance, created, raw=False, **kwargs):
    """A new guide is private from the moment it exists; nobody has to remember to set it."""
    if created and not raw:
        restrict_guide(instance)
