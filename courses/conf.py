"""Settings of the courses app, each with a default so that another site can install it as is."""

from django.conf import settings


def base_template():
    """The template that public pages of the education apps extend."""
    return getattr(settings, "EDUCATION_BASE_TEMPLATE", "base.html")


def workshop_subpage_types():
    """Page types allowed under a workshop: by default only its facilitator guide."""
    return getattr(
        settings, "EDUCATION_WORKSHOP_SUBPAGE_TYPES", ["facilitators.FacilitatorGuidePage"]
    )
