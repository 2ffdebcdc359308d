"""The Translations report: every page and translatable snippet of the site's default language
(English), with the state of its translation into each other language (French).

A translation is in one of four states:

- *Not translated*: there is none, or only an alias of the source (which shows the source).
- *Out of date*: the source changed after the translation last took it in, so the translation
  lacks the change. A translation that wagtail-localize keeps in step with its source takes the
  source in when it is made and each time staff sync it ("Sync translated pages", which updates
  wagtail-localize's ``TranslationSource``): it is out of date when the source page was
  published after that sync (``last_published_at``; a draft is not what a sync takes in). A
  page translated by hand, with Wagtail's own editor, is out of date when the source was
  published after the translation was last edited. A snippet has no such date: it is out of
  date when its content differs from the content its ``TranslationSource`` stored at the last
  sync (Wagtail's bookkeeping of drafts, revisions and locks aside), the test wagtail-localize
  itself makes before it updates a source.
- *Waiting for translation*: in step with its source, but some of the source's strings have no
  translation yet (after a sync brought new text in, it shows in English until translated).
- *Up to date*.

The report costs a fixed number of queries whatever the number of pages: the pages, their
translations, wagtail-localize's records of them, and for each translatable snippet model the
same few. Its links depend on what the reader may do: translate, edit the translation, sync
it, and for staff who may edit the source, see what changed since the last sync (Wagtail's
comparison of two revisions of the source).

Only those who may submit translations (the Translators and Education staff groups,
superusers) see the report.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from modelcluster.models import (
    ClusterableModel,
    get_all_child_m2m_relations,
    get_all_child_relations,
    get_serializable_data_for_fields,
)
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import (
    DraftStateMixin,
    Locale,
    LockableMixin,
    Page,
    PageLogEntry,
    RevisionMixin,
    TranslatableMixin,
    get_page_models,
)
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import get_snippet_models

import django_filters
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from courses.exports import FormulaSafeExportMixin

from .translators import TRANSLATION_PERMISSION


class State(models.TextChoices):
    NOT_TRANSLATED = "not-translated", _("Not translated")
    OUT_OF_DATE = "out-of-date", _("Out of date")
    WAITING = "waiting", _("Waiting for translation")
    UP_TO_DATE = "up-to-date", _("Up to date")


class Kind(models.TextChoices):
    PAGE = "page", _("Page")
    SNIPPET = "snippet", _("Snippet")


#: Wagtail's bookkeeping of drafts, revisions and locks: not part of what is translated.
BOOKKEEPING_FIELDS = frozenset(
    field.name
    for mixin in (DraftStateMixin, RevisionMixin, LockableMixin)
    for field in mixin._meta.get_fields()
)


def can_see_translations(user):
    """Whether ``user`` may open the Translations report."""
    return user.is_active and user.has_perm(TRANSLATION_PERMISSION)


def translatable_snippet_models():
    """The snippet models registered with Wagtail that are translatable."""
    return [model for model in get_snippet_models() if issubclass(model, TranslatableMixin)]


def translatable_page_models():
    return [model for model in get_page_models() if model is not Page]


def model_key(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def other_locales(default_locale):
    return Locale.objects.exclude(pk=default_locale.pk).order_by("language_code")


@dataclass
class TranslationRow:
    """An object of the default language and its translation into one other language."""

    kind: str
    model: type
    source: models.Model
    locale: Locale
    state: str = State.NOT_TRANSLATED
    translation: models.Model | None = None
    #: When the source last changed in a way a sync takes in (pages: last published).
    source_changed_at: datetime | None = None
    #: When the translation last took the source in: its last sync, or for a translation
    #: edited by hand, its last edit.
    synced_at: datetime | None = None
    #: Whether wagtail-localize keeps the translation in step with its source.
    follows_source: bool = False
    translation_source_id: int | None = None
    links: list = field(default_factory=list)

    @property
    def title(self):
        return str(self.source)

    @property
    def kind_label(self):
        return Kind(self.kind).label

    @property
    def type_label(self):
        return capfirst(self.model._meta.verbose_name)

    @property
    def language(self):
        return self.locale.get_display_name()

    @property
    def state_label(self):
        return State(self.state).label

    @property
    def needs_work(self):
        return self.state != State.UP_TO_DATE


def changed_after(changed_at, since):
    """Whether a change at ``changed_at`` came after ``since`` (None: never taken in)."""
    return changed_at is not None and (since is None or changed_at > since)


def latest(*moments):
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None


@dataclass
class Sync:
    """wagtail-localize's record of a translation kept in step with its source."""

    source_id: int
    last_updated_at: datetime
    waiting: bool


def synced_translations(keys, default_locale, locales):
    """``{(translation key, locale id): Sync}`` for the objects of the default locale whose
    translation keys the subquery ``keys`` gives, translated into ``locales`` by
    wagtail-localize and kept in step with their source (one query)."""
    untranslated = StringSegment.objects.filter(source_id=OuterRef("source_id")).filter(
        ~Exists(
            StringTranslation.objects.filter(
                translation_of_id=OuterRef("string_id"),
                context_id=OuterRef("context_id"),
                locale_id=OuterRef(OuterRef("target_locale_id")),
                has_error=False,
            )
        )
    )
    translations = (
        Translation.objects.filter(
            enabled=True,
            source__object_id__in=keys,
            source__locale=default_locale,
            target_locale__in=locales,
        )
        .annotate(waiting=Exists(untranslated))
        .values_list(
            "source__object_id",
            "target_locale_id",
            "source_id",
            "source__last_updated_at",
            "waiting",
        )
    )
    return {
        (key, locale_id): Sync(source_id, last_updated_at, waiting)
        for key, locale_id, source_id, last_updated_at, waiting in translations
    }


def state_of(changed, sync):
    """The state of a translation that exists, from whether its source ``changed`` since it was
    taken in and from wagtail-localize's record ``sync`` (None when edited by hand)."""
    if changed:
        return State.OUT_OF_DATE
    if sync is not None and sync.waiting:
        return State.WAITING
    return State.UP_TO_DATE


# Pages

SOURCE_PAGE_FIELDS = (
    "pk",
    "title",
    "path",
    "depth",
    "owner_id",
    "content_type_id",
    "translation_key",
    "locale_id",
    "live",
    "last_published_at",
    "live_revision_id",
)
TRANSLATED_PAGE_FIELDS = (
    "pk",
    "path",
    "depth",
    "owner_id",
    "translation_key",
    "locale_id",
    "alias_of_id",
    "latest_revision_created_at",
    "last_published_at",
)


def source_pages(default_locale):
    """The pages of the default locale that may be translated: all but the root of the tree
    and aliases (whose original is translated instead)."""
    return Page.objects.filter(locale=default_locale, depth__gt=1, alias_of__isnull=True)


def page_model(content_type_id):
    return ContentType.objects.get_for_id(content_type_id).model_class() or Page


def page_rows(pages, default_locale, locales):
    """A :class:`TranslationRow` for each of ``pages`` (pages of the default locale) and each
    of ``locales``, in the order of the tree (four queries)."""
    keys = pages.values("translation_key")
    translated = Page.objects.filter(translation_key__in=keys, locale__in=locales).only(
        *TRANSLATED_PAGE_FIELDS
    )
    translations = {(page.translation_key, page.locale_id): page for page in translated}
    syncs = synced_translations(keys, default_locale, locales)
    rows = []
    for page in pages.only(*SOURCE_PAGE_FIELDS).order_by("path"):
        model = page_model(page.content_type_id)
        for locale in locales:
            row = TranslationRow(Kind.PAGE, model, page, locale)
            row.source_changed_at = page.last_published_at
            fill_page_row(
                row,
                translations.get((page.translation_key, locale.pk)),
                syncs.get((page.translation_key, locale.pk)),
            )
            rows.append(row)
    return rows


def fill_page_row(row, translation, sync):
    """The state of ``row`` from its translated page and wagtail-localize's record."""
    if translation is None or translation.alias_of_id is not None:
        row.state = State.NOT_TRANSLATED
        return
    record_translation(row, translation, sync)
    if sync is None:
        row.synced_at = latest(
            translation.latest_revision_created_at, translation.last_published_at
        )
    row.state = state_of(changed_after(row.source_changed_at, row.synced_at), sync)


def record_translation(row, translation, sync):
    """Set on ``row`` its ``translation`` and, when wagtail-localize keeps it in step with its
    source (``sync``), the source it follows and when it last took it in."""
    row.translation = translation
    if sync is not None:
        row.follows_source = True
        row.translation_source_id = sync.source_id
        row.synced_at = sync.last_updated_at


def row_of_translated_page(page):
    """The :class:`TranslationRow` of ``page``, a page in a language other than the default,
    as its source's row in the report; None for a page of the default language or one with no
    source."""
    default_locale = Locale.get_default()
    if page.locale_id == default_locale.pk:
        return None
    source = page.get_translation_or_none(default_locale)
    if source is None or source.alias_of_id is not None:
        return None
    return page_rows(Page.objects.filter(pk=source.pk), default_locale, [page.locale])[0]


# Snippets


def cluster_prefetches(model, prefix=""):
    """The ``prefetch_related`` lookups of the child objects that a serialisation of ``model``
    (``ClusterableModel.to_json``) reads, so that serialising many costs no query each."""
    if not issubclass(model, ClusterableModel):
        return []
    lookups = []
    for relation in get_all_child_relations(model):
        name = prefix + relation.get_accessor_name()
        lookups.append(name)
        lookups.extend(cluster_prefetches(relation.related_model, f"{name}__"))
    lookups.extend(prefix + m2m.name for m2m in get_all_child_m2m_relations(model))
    return lookups


def serialised(instance):
    """``instance`` serialised as wagtail-localize stores a source (``content_json``)."""
    if isinstance(instance, ClusterableModel):
        return instance.to_json()
    return json.dumps(get_serializable_data_for_fields(instance), cls=DjangoJSONEncoder)


def translated_content(content_json):
    """The content of a serialised object, without Wagtail's bookkeeping."""
    data = json.loads(content_json)
    return {name: value for name, value in data.items() if name not in BOOKKEEPING_FIELDS}


def snippet_rows(model, default_locale, locales):
    """A :class:`TranslationRow` for each instance of the translatable snippet ``model`` in the
    default locale and each of ``locales`` (four queries, and those of the prefetches)."""
    manager = model._default_manager
    keys = manager.filter(locale=default_locale).values("translation_key")
    translated = manager.filter(translation_key__in=keys, locale__in=locales).only(
        "pk", "translation_key", "locale_id"
    )
    translations = {(item.translation_key, item.locale_id): item for item in translated}
    syncs = synced_translations(keys, default_locale, locales)
    stored = dict(
        TranslationSource.objects.filter(object_id__in=keys, locale=default_locale).values_list(
            "object_id", "content_json"
        )
    )
    instances = manager.filter(locale=default_locale).prefetch_related(*cluster_prefetches(model))
    rows = []
    for instance in instances:
        content = stored.get(instance.translation_key)
        changed = content is not None and translated_content(content) != translated_content(
            serialised(instance)
        )
        for locale in locales:
            row = TranslationRow(Kind.SNIPPET, model, instance, locale)
            fill_snippet_row(
                row,
                translations.get((instance.translation_key, locale.pk)),
                syncs.get((instance.translation_key, locale.pk)),
                changed,
            )
            rows.append(row)
    return rows


def fill_snippet_row(row, translation, sync, changed):
    if translation is None:
        row.state = State.NOT_TRANSLATED
        return
    record_translation(row, translation, sync)
    row.state = state_of(changed, sync)


def translation_rows(kind="", type_key="", language=""):
    """Every row of the report, narrowed to a kind (``"page"`` or ``"snippet"``), a model
    (``"app_label.model_name"``) and a target language code when given."""
    default_locale = Locale.get_default()
    locales = list(other_locales(default_locale))
    if language:
        locales = [locale for locale in locales if locale.language_code == language]
    if not locales:
        return []
    rows = []
    if kind in ("", Kind.PAGE):
        pages = source_pages(default_locale)
        page_types = {model_key(model): model for model in translatable_page_models()}
        if type_key:
            model = page_types.get(type_key)
            pages = pages.type(model) if model else pages.none()
        rows.extend(page_rows(pages, default_locale, locales))
    if kind in ("", Kind.SNIPPET):
        for model in translatable_snippet_models():
            if not type_key or type_key == model_key(model):
                rows.extend(snippet_rows(model, default_locale, locales))
    return rows


# Links


class RowLinks:
    """The links of the report's rows that ``user`` may follow; ``back_url`` is where a sync
    returns."""

    def __init__(self, user, back_url):
        self.user = user
        self.back_url = back_url
        self.page_policy = PagePermissionPolicy()
        self.snippet_permissions = {}

    def can_edit_page(self, page):
        return self.page_policy.user_has_permission_for_instance(self.user, "change", page)

    def can_change_snippets(self, model):
        if model not in self.snippet_permissions:
            viewset = getattr(model, "snippet_viewset", None)
            self.snippet_permissions[model] = viewset is not None and (
                viewset.permission_policy.user_has_permission(self.user, "change")
            )
        return self.snippet_permissions[model]

    def can_sync(self, row):
        """A page's translation is synced by who may edit it; a snippet's, by who may change
        snippets of its kind (as ``education.views.UpdateTranslationsView`` asks)."""
        if row.kind == Kind.PAGE:
            return row.translation is not None and self.can_edit_page(row.translation)
        return self.can_change_snippets(row.model)

    def __call__(self, row):
        links = self.page_links(row) if row.kind == Kind.PAGE else self.snippet_links(row)
        if row.state == State.OUT_OF_DATE and row.follows_source and self.can_sync(row):
            url = reverse("wagtail_localize:update_translations", args=[row.translation_source_id])
            links.append((_("Sync"), f"{url}?{urlencode({'next': self.back_url})}"))
        return links

    def page_links(self, row):
        links = []
        select = urlencode({"select_locale": row.locale.language_code})
        if row.state == State.NOT_TRANSLATED:
            url = reverse("wagtail_localize:submit_page_translation", args=[row.source.pk])
            links.append((_("Translate"), f"{url}?{select}"))
        elif self.can_edit_page(row.translation):
            url = reverse("wagtailadmin_pages:edit", args=[row.translation.pk])
            links.append((_("Edit translation"), url))
        if row.state == State.OUT_OF_DATE and self.can_edit_page(row.source):
            url = reverse("translation_report:changes", args=[row.source.pk])
            query = urlencode({"locale": row.locale.language_code})
            links.append((_("What changed"), f"{url}?{query}"))
        return links

    def snippet_links(self, row):
        model = row.model
        if not self.can_change_snippets(model):
            return []
        viewset = model.snippet_viewset
        links = []
        if row.state == State.NOT_TRANSLATED:
            url = reverse(
                "wagtail_localize:submit_snippet_translation",
                args=[model._meta.app_label, model._meta.model_name, quote(row.source.pk)],
            )
            select = urlencode({"select_locale": row.locale.language_code})
            links.append((_("Translate"), f"{url}?{select}"))
        else:
            url = reverse(viewset.get_url_name("edit"), args=[quote(row.translation.pk)])
            links.append((_("Edit translation"), url))
        if row.state == State.OUT_OF_DATE:
            url = reverse(viewset.get_url_name("history"), args=[quote(row.source.pk)])
            links.append((_("History of the source"), url))
        return links


# The report


def type_choices():
    models_ = translatable_page_models() + translatable_snippet_models()
    return sorted(
        ((model_key(model), capfirst(model._meta.verbose_name)) for model in models_),
        key=lambda choice: str(choice[1]),
    )


def language_choices():
    default_locale = Locale.get_default()
    return [
        (locale.language_code, locale.get_display_name())
        for locale in other_locales(default_locale)
    ]


class TranslationFilterSet(WagtailFilterSet):
    """The report's filters. The view reads their values and builds only the rows they keep."""

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=State.choices, empty_label=_("All"), method="keep"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Kind.choices, empty_label=_("All"), method="keep"
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=type_choices, empty_label=_("All"), method="keep"
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=language_choices, empty_label=_("All"), method="keep"
    )

    class Meta:
        model = Page
        fields = []

    def keep(self, queryset, name, value):
        return queryset


class ActionsColumn(Column):
    cell_template_name = "home/translations/actions_cell.html"


def local_time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class TranslationsReportView(FormulaSafeExportMixin, ReportView):
    """Each page and translatable snippet of the default language with the state of its
    translation into each other language, and what the reader may do about it."""

    page_title = _("Translations")
    header_icon = "site"
    index_url_name = "translation_report:index"
    index_results_url_name = "translation_report:index_results"
    results_template_name = "home/translations/report_results.html"
    filterset_class = TranslationFilterSet
    export_filename = "translations"
    paginate_by = 50
    list_export = [
        "title",
        "kind_label",
        "type_label",
        "language",
        "state_label",
        "source_changed_at",
        "synced_at",
    ]
    export_headings = {
        "title": _("Title"),
        "kind_label": _("Kind"),
        "type_label": _("Type"),
        "language": _("Language"),
        "state_label": _("State"),
        "source_changed_at": _("Source published"),
        "synced_at": _("Translation synced"),
    }
    custom_field_preprocess = {
        "source_changed_at": {"csv": local_time, "xlsx": local_time},
        "synced_at": {"csv": local_time, "xlsx": local_time},
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_see_translations(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def columns(self):
        return [
            Column("title", label=_("Title")),
            Column("type_label", label=_("Type")),
            Column("language", label=_("Language")),
            StatusTagColumn("state_label", label=_("State"), primary=lambda row: row.needs_work),
            DateColumn("source_changed_at", label=_("Source published")),
            DateColumn("synced_at", label=_("Translation synced")),
            ActionsColumn("links", label=_("Actions")),
        ]

    @cached_property
    def chosen(self):
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data
        return {}

    def get_queryset(self):
        rows = translation_rows(
            kind=self.chosen.get("kind") or "",
            type_key=self.chosen.get("type") or "",
            language=self.chosen.get("language") or "",
        )
        state = self.chosen.get("state")
        if state:
            rows = [row for row in rows if row.state == state]
        return rows

    def filter_queryset(self, queryset):
        # The filters chose the rows as they were built.
        return queryset

    def get_filtered_queryset(self):
        return self.get_queryset()

    def back_url(self):
        """The report as the reader sees it now, for a sync to return to."""
        query = self.request.GET.copy()
        for name in ("_w_filter_fragment", "export"):
            query.pop(name, None)
        return f"{self.index_url}?{query.urlencode()}" if query else self.index_url

    def decorate_paginated_queryset(self, object_list):
        links = RowLinks(self.request.user, self.back_url())
        for row in object_list:
            row.links = links(row)
        return object_list

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["states"] = State
        return context


def revision_live_at(page, moment):
    """The id of the revision of ``page`` that was live at ``moment`` (the last one published
    by then, or failing a record of that, the last one saved by then); None if none."""
    if moment is None:
        return None
    published = (
        PageLogEntry.objects.filter(
            page=page, action="wagtail.publish", timestamp__lte=moment, revision__isnull=False
        )
        .order_by("-timestamp", "-pk")
        .values_list("revision_id", flat=True)
        .first()
    )
    if published is not None:
        return published
    return (
        page.revisions.filter(created_at__lte=moment)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def what_changed(request, page_id):
    """What changed in a page of the default language since its translation into
    ``?locale=`` last took it in: Wagtail's comparison of the revision live then with the live
    page, or the page's history when there is no such revision. For those who may edit it."""
    if not can_see_translations(request.user):
        raise PermissionDenied
    default_locale = Locale.get_default()
    page = get_object_or_404(Page, pk=page_id, locale=default_locale)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    history = reverse("wagtailadmin_pages:history", args=[page.pk])
    locales = other_locales(default_locale)
    locale = locales.filter(language_code=request.GET.get("locale", "")).first() or locales.first()
    if locale is None:
        return redirect(history)
    row = page_rows(Page.objects.filter(pk=page.pk), default_locale, [locale])[0]
    revision_id = revision_live_at(page, row.synced_at)
    if revision_id is None or revision_id == page.live_revision_id:
        return redirect(history)
    return redirect("wagtailadmin_pages:revisions_compare", page.pk, revision_id, "live")


def out_of_date_notice(request, page):
    """In the editor of a translated page: a warning when its source changed since the
    translation last took it in."""
    if request.method != "GET":
        return
    row = row_of_translated_page(page)
    if row is None or row.state != State.OUT_OF_DATE:
        return
    buttons = []
    if can_see_translations(request.user):
        url = reverse("translation_report:index")
        query = urlencode({"state": State.OUT_OF_DATE, "language": row.locale.language_code})
        buttons.append(messages.button(f"{url}?{query}", _("Translations report")))
    if row.follows_source:
        message = _(
            "The page this translates has changed since the translation last took it in: "
            "sync it to bring in the new text."
        )
    else:
        message = _("The page this translates has been published since this page was edited.")
    messages.warning(request, message, buttons=buttons)


# Where the report lives in the admin: registered by ``wagtail_hooks.py`` under the namespace
# "translation_report", in Wagtail's "Reports" menu.

urlpatterns = [
    path("", TranslationsReportView.as_view(), name="index"),
    path("results/", TranslationsReportView.as_view(results_only=True), name="index_results"),
    path("changes/<int:page_id>/", what_changed, name="changes"),
]


class TranslationsMenuItem(MenuItem):
    """The report in the "Reports" menu, shown to those who may open it."""

    def is_shown(self, request):
        return can_see_translations(request.user)


def menu_item():
    return TranslationsMenuItem(
        _("Translations"),
        reverse("translation_report:index"),
        name="translation-report",
        icon_name="site",
        order=180,
    )
