from . import conf


def education(request):
    """Expose the base template name so that app templates can extend the host site's layout."""
    return {"education_base_template": conf.base_template()}
