"""Who may change who can read a page: those who govern it in the default language.

Wagtail lets whoever may publish a page set its privacy. Translators may publish the pages of
the other languages' trees (they put their translations live), but a page's privacy is not
theirs to decide: a French facilitator guide made public would hand the guide to anyone. So
on the apps' page types, privacy in another language than the default needs the right to
publish the page it translates, or, for a page with no source, the nearest ancestor that has
one (the English home page for a French page made from nothing).
"""

from wagtail.models import Locale, Page, PagePermissionTester


def privacy_source(page):
    """The page of the default language whose publishers govern ``page``'s privacy: ``page``
    itself in the default language, else the translation of it or of its nearest ancestor
    that has one; ``None`` when nothing above it is in the default language."""
    default_locale = Locale.get_default()
    if page.locale_id == default_locale.pk:
        return page
    lineage = [page, *page.get_ancestors().filter(depth__gt=1).order_by("-depth")]
    keys = [ancestor.translation_key for ancestor in lineage]
    sources = {
        source.translation_key: source
        for source in Page.objects.filter(translation_key__in=keys, locale=default_locale)
    }
    for key in keys:
        if key in sources:
            return sources[key]
    return None


class SourceGovernsPrivacy(PagePermissionTester):
    """Wagtail's permission tester, except that privacy outside the default language follows
    :func:`privacy_source`."""

    def can_set_view_restrictions(self):
        if not super().can_set_view_restrictions():
            return False
        if self.user.is_superuser:
            return True
        source = privacy_source(self.page)
        if source is None:
            return False
        if source.pk == self.page.pk:
            return True
        return PagePermissionTester(self.user, source).can_publish()


class PrivacyFollowsSource:
    """Mixed into a page type: its privacy is governed as :class:`SourceGovernsPrivacy` says."""

    def permissions_for_user(self, user):
        return SourceGovernsPrivacy(user, self)
