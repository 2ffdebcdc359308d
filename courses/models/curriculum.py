"""Curricula: programs, the workshop catalogue and its workshops.

Workshops are Wagtail pages so that education staff write and revise them with revisions,
previews and moderation.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, Panel
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page, TranslatableMixin, get_page_models
from wagtail.search import index

from .. import conf
from ..admin_widgets import InlinePanel
from ..blocks import CurriculumBlock, total_minutes
from ..choices import Audience
from ..page_cache import CachedForVisitors
from ..page_permissions import PrivacyFollowsSource
from .sessions import Session

try:  # wagtail-localize, when the site translates with it, keeps translations in step
    from wagtail_localize.fields import BaseTranslatableField, SynchronizedField
except ImportError:
    BaseTranslatableField = SynchronizedField = None


class ProgramForm(WagtailAdminModelForm):
    """The program's admin form: only the program in the default language has required
    workshops (see :class:`Program`)."""

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("requirements")
        if formset is None or self.instance.in_default_language():
            return cleaned_data
        formset.full_clean()
        chosen = [
            form
            for form in formset.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE", False)
        ]
        if chosen:
            self.add_error(
                None,
                ValidationError(
                    _(
                        "Required workshops are chosen on the program in the site’s default "
                        "language; its translations have none."
                    ),
                    code="translation",
                ),
            )
        return cleaned_data


class ProgramQuerySet(models.QuerySet):
    def in_default_language(self):
        """The programs in the site's default language: the ones workshops belong to, whose
        required workshops count and which issue certificates. Their translations only name
        and describe them in another language."""
        return self.filter(locale__language_code=default_language_code())


def default_language_code():
    """The code of the site's default content language (English)."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


class Program(TranslatableMixin, index.Indexed, ClusterableModel):
    """A stream of workshops, such as the Bargaining Program or Local Executive Training.

    A program may issue its own certificate to members who complete every required workshop.

    A program is translated: its translation into French has a title and a description of its
    own, and the slug and the certificate setting of the program in the default language (kept
    in step by wagtail-localize, never changed on the translation). Titles and slugs are unique
    in each language. What makes the program (its required workshops, the workshops that belong
    to it, its certificates) belongs to the program in the default language only: a translation
    has no required workshops of its own (they are neither copied into it nor synchronised), so
    that no rule can count them twice, and workshops and certificates always name the program
    in the default language. :attr:`shown` is the program as a reader of the active language is
    shown it.
    """

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    issues_certificate = models.BooleanField(
        _("issues a certificate"),
        default=False,
        help_text=_("Members who complete every required workshop receive a program certificate."),
    )

    objects = ProgramQuerySet.as_manager()

    base_form_class = ProgramForm

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("issues_certificate"),
        InlinePanel("requirements", label=_("Required workshops")),
    ]

    search_fields = [
        index.SearchField("title"),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("locale"),
    ]

    # Copying the program into another language copies neither its required workshops...
    exclude_fields_in_copy = ["requirements"]
    # ... nor does wagtail-localize keep them in step; the slug and the certificate setting are
    # the same in every language.
    if SynchronizedField is not None:
        override_translatable_fields = [
            SynchronizedField("slug", overridable=False),
            SynchronizedField("issues_certificate", overridable=False),
            BaseTranslatableField("requirements"),
        ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["title"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.UniqueConstraint(fields=["title", "locale"], name="unique_program_title"),
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_program_slug"),
        ]

    def __str__(self):
        return self.title

    def validate_constraints(self, exclude=None):
        # The locale is no field of the admin's form, yet a title or slug is unique in its
        # language: a new program is in the default language unless it says otherwise.
        if self.locale_id is None:
            self.locale = self.get_default_locale()
        super().validate_constraints(set(exclude or ()) - {"locale"})

    def in_default_language(self):
        """Whether this is the program in the site's default language (not a translation)."""
        if self.locale_id is None:
            return True
        return self.locale.language_code == default_language_code()

    def required_workshops(self):
        """The workshops a member must complete for this program, in order."""
        return [requirement.workshop for requirement in self.requirements.all()]

    @cached_property
    def shown(self):
        """This program as a reader of the active language is shown it: its translation into
        that language, else the program itself. Lists set it for all their programs at once
        (:func:`show_programs`)."""
        return programs_in_language([self]).get(self.translation_key, self)


def programs_in_language(programs, language_code=None):
    """``{translation_key: program}``: the translation of each of ``programs`` (programs in the
    default language) into the active language (or ``language_code``), for those that have
    one. One query, none in the default language."""
    keys = {program.translation_key for program in programs}
    try:
        code = language_code or get_supported_content_language_variant(get_language())
    except LookupError:  # a site whose content is in one language only
        return {}
    if not keys or code == default_language_code():
        return {}
    translations = Program.objects.filter(translation_key__in=keys, locale__language_code=code)
    return {program.translation_key: program for program in translations}


def show_programs(programs, language_code=None):
    """Set :attr:`Program.shown` on each of ``programs`` (programs in the default language; the
    same program may come more than once), in one query. Returns them, in a list."""
    programs = [program for program in programs if program is not None]
    translations = programs_in_language(programs, language_code)
    for program in programs:
        program.shown = translations.get(program.translation_key, program)
    return programs


class ProgramRequirement(Orderable):
    """A workshop that counts towards completing a program."""

    program = ParentalKey(Program, on_delete=models.CASCADE, related_name="requirements")
    workshop = models.ForeignKey(
        "courses.WorkshopPage",
        verbose_name=_("workshop"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("workshop")]

    class Meta(Orderable.Meta):
        verbose_name = _("required workshop")
        verbose_name_plural = _("required workshops")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "workshop"], name="unique_workshop_per_program"
            )
        ]


class WorkshopIndexPage(CachedForVisitors, PrivacyFollowsSource, Page):
    """The public catalogue of workshops, at /workshops/."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    subpage_types = ["courses.WorkshopPage"]
    max_count = 1

    class Meta:
        verbose_name = _("workshop catalogue")

    def workshops(self):
        """Live, public workshops under this catalogue."""
        return (
            WorkshopPage.objects.child_of(self)
            .live()
            .public()
            .select_related("program")
            .order_by("title")
        )

    #: How many of the soonest sessions the catalogue lists; each workshop's page lists all its own.
    UPCOMING_SESSIONS = 12

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        programs = list(Program.objects.in_default_language())
        filters = catalogue_filters(request.GET, programs)
        workshops = list(filter_workshops(self.workshops(), filters))
        # The programs' names in the reader's language: one query for the list and the cards.
        show_programs([*programs, *(workshop.program for workshop in workshops)])
        # One query fetches the soonest upcoming public sessions of the listed workshops, and
        # only as many as are shown, whatever their number. A session belongs to the workshop
        # in every language: the catalogue in French lists the sessions of the French pages'
        # English originals, and the other way round. Workshops offered on request are never
        # scheduled publicly.
        by_key = {
            workshop.translation_key: workshop
            for workshop in workshops
            if not workshop.offered_on_request
        }
        upcoming = list(
            sessions_of_workshops(by_key).order_by("starts_at", "pk")[: self.UPCOMING_SESSIONS]
        )
        for session in upcoming:
            session.shown_workshop = by_key[session.workshop_key]
        context.update(
            workshops=workshops,
            filters=filters,
            programs=sorted(programs, key=lambda program: program.shown.title.casefold()),
            audiences=Audience.choices,
            upcoming_sessions=upcoming,
        )
        return context


def sessions_of_workshops(translation_keys):
    """The upcoming public sessions of the workshops with these ``translation_keys``, whatever
    the language of the page each session was scheduled on, soonest first; each annotated with
    its workshop's ``workshop_key`` and its seats (counted only for the sessions fetched: take
    the first few with ``[:n]`` rather than in Python)."""
    return (
        Session.objects.upcoming()
        .open_to_public()
        .filter(workshop__translation_key__in=list(translation_keys))
        .with_counts_per_row()
        .annotate(workshop_key=F("workshop__translation_key"))
        .select_related("workshop")
        .prefetch_related("parts")
    )


def in_language(pages, language_code=None):
    """``{translation_key: page}``: the live translation of each of ``pages`` in the active
    language (or ``language_code``), for those that have one. One query when the pages are all
    of one type, two otherwise."""
    keys = {page.translation_key for page in pages}
    if not keys:
        return {}
    try:
        code = language_code or get_supported_content_language_variant(get_language())
    except LookupError:  # a site whose content is in one language only
        return {}
    models = {type(page) for page in pages}
    if len(models) == 1 and (model := models.pop()) is not Page:
        translations = model.objects.all()  # pages of one type: no second query for their type
    else:
        translations = Page.objects.specific()
    translations = translations.live().filter(translation_key__in=keys, locale__language_code=code)
    return {page.translation_key: page for page in translations.select_related("locale")}


def show_in_language(sessions, language_code=None):
    """Set ``shown_workshop`` on each session: its workshop's page in the active language, or
    the session's own page when it has no translation there. One query."""
    sessions = list(sessions)
    translations = in_language([session.workshop for session in sessions], language_code)
    for session in sessions:
        key = session.workshop.translation_key
        session.shown_workshop = translations.get(key, session.workshop)
    return sessions


def catalogue_filters(params, programs):
    """Read the program and audience filters from a query string, dropping unknown values."""
    slug = params.get("program", "")
    program = next((p for p in programs if p.slug == slug), None)
    audience = params.get("audience", "")
    return {
        "program": program.slug if program else "",
        "program_id": program.pk if program else None,
        "audience": audience if audience in Audience.values else "",
    }


def filter_workshops(workshops, filters):
    """Narrow a workshop queryset to the filters returned by :func:`catalogue_filters`."""
    if filters["program_id"]:
        workshops = workshops.filter(program_id=filters["program_id"])
    if filters["audience"]:
        workshops = workshops.filter(audience=filters["audience"])
    return workshops


class WorkshopPageForm(WagtailAdminPageForm):
    """The workshop's admin form: a draft is saved (and previewed) whatever its modules'
    minutes add up to, so that a curriculum can be reworked over several sittings; publishing
    or submitting it for moderation checks them."""

    def clean_program(self):
        program = self.cleaned_data.get("program")
        if program is None or program.in_default_language():
            return program
        source = program.get_translation_or_none(Locale.get_default())
        params = {"title": program.title, "language": program.locale.get_display_name()}
        if source is None:
            message = _(
                "“%(title)s” is a program in %(language)s: a workshop belongs to a program in "
                "the site’s default language."
            )
        else:
            params["source"] = source.title
            message = _(
                "“%(title)s” is the program’s translation into %(language)s: choose the "
                "program itself, “%(source)s”."
            )
        raise ValidationError(message, code="translation", params=params)

    def _post_clean(self):
        # Wagtail defers what a draft need not have yet when it saves one: so do the minutes.
        self.instance.defer_minutes_check = self.is_deferred_validation
        try:
            super()._post_clean()
        finally:
            self.instance.defer_minutes_check = False


class CurriculumTotalPanel(Panel):
    """The curriculum's running total against the workshop's duration. The editor's script
    (``courses/js/curriculum_total.js``) keeps it up to date as staff type."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/curriculum_total_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            hours = page.duration_hours or 0
            planned = total_minutes(page.curriculum) if page.curriculum else 0
            values = {"planned": planned, "hours": hours, "expected": hours * 60}
            # The wordings the script fills in, translated here.
            matches = gettext("The modules add up to %(planned)s minutes, as the duration needs.")
            differs = gettext(
                "The modules add up to %(planned)s minutes, but a %(hours)s-hour workshop needs "
                "%(expected)s minutes. A draft may be saved like this; it is published once "
                "they match."
            )
            context.update(
                values,
                matches=matches,
                differs=differs,
                text=(matches if planned == hours * 60 else differs) % values,
                adds_up=planned == hours * 60,
            )
            return context


def declared_parent_models(model):
    """The page types the page type ``model`` names in its own ``parent_page_types``: none when
    it accepts any parent, or names one that does not exist (its own check says so)."""
    if getattr(model, "parent_page_types", None) is None:
        return []
    try:
        return model.clean_parent_page_models()
    except (ValueError, LookupError):
        return []


class WorkshopPage(CachedForVisitors, PrivacyFollowsSource, Page):
    """One workshop of the catalogue: what it covers, for whom, and its timed curriculum.

    The curriculum's module minutes must add up to the workshop's duration to be published.
    """

    summary = models.TextField(_("summary"), help_text=_("One or two sentences for listings."))
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshops",
    )
    audience = models.CharField(
        _("audience"), max_length=40, choices=Audience.choices, default=Audience.ALL_MEMBERS
    )
    duration_hours = models.PositiveSmallIntegerField(
        _("duration in hours"), default=6, validators=[MinValueValidator(1)]
    )
    what_to_bring = RichTextField(
        _("what to bring"), blank=True, features=["bold", "italic", "ul", "link"]
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        symmetrical=False,
        blank=True,
        related_name="required_by",
        help_text=_("Workshops a member must complete before taking this one."),
    )
    offered_on_request = models.BooleanField(
        _("offered on request"),
        default=False,
        help_text=_("Tailored for one local when it asks; never scheduled publicly."),
    )
    issues_certificate = models.BooleanField(_("issues a certificate"), default=True)
    curriculum = StreamField(CurriculumBlock(), verbose_name=_("curriculum"))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("program"),
                FieldPanel("audience"),
                FieldPanel("duration_hours"),
                FieldPanel("prerequisites"),
                FieldPanel("offered_on_request"),
                FieldPanel("issues_certificate"),
            ],
            heading=_("Delivery"),
        ),
        InlinePanel("outcomes", label=_("Learning outcomes"), min_num=1),
        FieldPanel("what_to_bring"),
        FieldPanel("curriculum"),
        CurriculumTotalPanel(heading=_("Running total")),
    ]

    base_form_class = WorkshopPageForm

    if SynchronizedField is not None:
        # The workshop's page in every language belongs to the program in the default language.
        override_translatable_fields = [SynchronizedField("program", overridable=False)]

    # The title (boosted by Page) weighs most, then the summary, then everything else.
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=1.5),
        index.SearchField("curriculum"),
        index.RelatedFields("outcomes", [index.SearchField("text")]),
        index.RelatedFields("program", [index.SearchField("title")]),
        index.FilterField("audience"),
        index.FilterField("program"),
        index.FilterField("offered_on_request"),
    ]

    parent_page_types = ["courses.WorkshopIndexPage"]
    # None: the page types made for a workshop (see ``clean_subpage_models``).
    subpage_types = conf.workshop_subpage_types()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    @classmethod
    def clean_subpage_models(cls):
        """The page types allowed under a workshop: those of ``subpage_types``
        (``EDUCATION_WORKSHOP_SUBPAGE_TYPES``) when a site sets it, else those of the installed
        apps that name a workshop among their own ``parent_page_types``, such as the
        facilitators app's guide. A page type that accepts any parent is not one of them: a
        workshop holds only the pages made for it."""
        if cls._clean_subpage_models is None and cls.subpage_types is None:
            cls._clean_subpage_models = [
                model for model in get_page_models() if cls in declared_parent_models(model)
            ]
        return super().clean_subpage_models()

    def clean(self):
        super().clean()
        if not getattr(self, "defer_minutes_check", False):
            self.check_minutes()

    def check_minutes(self):
        """Refuse a curriculum whose modules do not fill the workshop's duration, naming both
        totals. A draft saved in the admin skips this (see :class:`WorkshopPageForm`); publishing,
        submitting for moderation and saving outside the admin's drafts do not."""
        if self.duration_hours and self.curriculum:
            planned = total_minutes(self.curriculum)
            expected = self.duration_hours * 60
            if planned != expected:
                message = ngettext(
                    "The curriculum's modules add up to %(planned)s minutes, but a "
                    "%(hours)s-hour workshop needs %(expected)s minutes.",
                    "The curriculum's modules add up to %(planned)s minutes, but a "
                    "%(hours)s-hour workshop needs %(expected)s minutes.",
                    self.duration_hours,
                ) % {"planned": planned, "hours": self.duration_hours, "expected": expected}
                raise ValidationError({"duration_hours": message, "curriculum": message})

    @property
    def curriculum_minutes(self):
        return total_minutes(self.curriculum)

    def in_language(self, language_code=None):
        """This workshop's live page in ``language_code`` (the active language by default), or
        this page when it has none in that language: what a person reading that language is
        shown of it (its title, its address)."""
        return in_language([self], language_code).get(self.translation_key, self)

    def guide(self):
        """The private facilitator guide under this workshop, if any (not checked for access)."""
        return self.get_children().live().first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["outcomes"] = self.outcomes.all()
        prerequisites = self.prerequisites.all()
        if not isinstance(prerequisites, models.QuerySet):
            # A draft or an old revision, previewed: its prerequisites are held in memory.
            prerequisites = WorkshopPage.objects.filter(pk__in=[page.pk for page in prerequisites])
        prerequisites = list(prerequisites.live())
        shown = in_language(prerequisites)
        context["prerequisite_workshops"] = sorted(
            (shown.get(page.translation_key, page) for page in prerequisites),
            key=lambda page: page.title,
        )
        # A new workshop, previewed before it is first saved, has no sessions yet. Its
        # sessions are those of the workshop in every language.
        upcoming = (
            []
            if self.offered_on_request or self.pk is None
            else list(sessions_of_workshops([self.translation_key]))
        )
        for session in upcoming:
            session.shown_workshop = self
        context["upcoming_sessions"] = upcoming
        return context


class WorkshopOutcome(TranslatableMixin, Orderable):
    """Something a participant can do after the workshop. Translated with its page."""

    page = ParentalKey(WorkshopPage, on_delete=models.CASCADE, related_name="outcomes")
    text = models.CharField(_("outcome"), max_length=255)

    panels = [FieldPanel("text")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("learning outcome")
        verbose_name_plural = _("learning outcomes")

    def __str__(self):
        return self.text
