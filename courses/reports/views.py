"""Reports for education staff: what happened in the program, to plan the next year from.

Four reports built on Wagtail's ``ReportView`` (filters, and CSV and XLSX downloads of the
same rows): enrolment and attendance per session, completions by local (with its division
and sector), facilitator activity, and demand per workshop. Each row is computed by the
database (``annotate`` with filtered ``Count`` and ``Sum``, and correlated subqueries where
two joins would multiply each other's rows), so a page costs the same few queries whatever the
number of sessions and enrolments.

Every report takes the same filters: a period (on the session's start), the program, the
workshop, the language and the division. The division is the participant's: it narrows the
people counted, and the rows to those where someone from the division took part.

A report opened with no period in its address covers the current program year (see
``courses.conf.program_year_start``: September to August by default), in the site's time zone,
and its period filter shows those dates; the CSV and XLSX downloads follow the same rule. A
period the person cleared (both dates sent empty) covers every session on record. Each report
says in words which period it covers.

Only people who may view sessions (the Education staff group, superusers) see the reports;
facilitators have their own sessions at /facilitate/ and see no report.
"""

from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.active_filters import (
    DateFromToRangeFilterAdapter,
    register_filter_adapter_class,
)
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale
from wagtail.permissions import policy_registry

import django_filters

from .. import conf
from ..admin_filters import DateFromToRangeFilter, ModelChoiceFilter, page_chooser_filter
from ..choices import AttendanceStatus, EnrollmentStatus, Language, RequestStatus, SessionStatus
from ..exports import FormulaSafeExportMixin
from ..models import Division, Enrollment, Local, Program, Session, SessionRequest, WorkshopPage
from .charts import Series, bar_chart, grouped_bar_chart

#: Attendance marks that count as having come to the session.
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.PARTIAL)


def percentage(part, whole):
    """``part`` as a percentage of ``whole``, to one decimal; ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return round(100 * (part or 0) / whole, 1)


class PercentColumn(Column):
    """A percentage, or a dash when there is nothing to divide by."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return "–" if value is None else f"{value:g} %"


class DateColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return date_format(value, "DATE_FORMAT") if value else ""


def source_workshops():
    """The workshops by their pages in the default language, which sessions and requests name
    (a translation is not another workshop)."""
    return WorkshopPage.objects.filter(locale=Locale.get_default()).order_by("title")


def program_year(day=None):
    """``(first_day, last_day)`` of the program year holding ``day`` (today in the site's time
    zone by default), or ``None`` when the site sets no program year
    (``EDUCATION_PROGRAM_YEAR_START = None``)."""
    start = conf.program_year_start()
    if start is None:
        return None
    day = day or timezone.localdate()
    month, first = start
    first_day = date(day.year, month, first)
    if first_day > day:
        first_day = date(day.year - 1, month, first)
    return first_day, date(first_day.year + 1, month, first) - timedelta(days=1)


def period_in_words(first_day, last_day):
    """The period a report covers, in words: "1 September 2026 to 31 August 2027"."""

    def day(value):
        return date_format(value, "j F Y")

    if first_day and last_day:
        return gettext("%(start)s to %(stop)s") % {"start": day(first_day), "stop": day(last_day)}
    if first_day:
        return gettext("From %(start)s") % {"start": day(first_day)}
    if last_day:
        return gettext("Up to %(stop)s") % {"stop": day(last_day)}
    return gettext("Every date on record")


class ReportPeriodFilter(DateFromToRangeFilter):
    """A report's period: the current program year when the address names no period at all
    (see :class:`ReportFilterSet`)."""


class ReportPeriodFilterAdapter(DateFromToRangeFilterAdapter):
    """The period among the active filters: removing it sends both dates empty, meaning every
    date on record, rather than dropping them, which would bring the program year back."""

    def get_url_without_filter_param(self, param):
        query_dict = self.query_dict.copy()
        for name in param if isinstance(param, (list, tuple)) else [param]:
            query_dict[name] = ""
        return self.base_url + "?" + query_dict.urlencode()


register_filter_adapter_class(ReportPeriodFilter, ReportPeriodFilterAdapter)


class ReportFilterSet(WagtailFilterSet):
    """The filters every report offers. The views read the cleaned values and apply them inside
    their aggregates (see :meth:`EducationReportView.conditions`), not as plain filters.

    When the address has neither date of the period (a first visit, a link from elsewhere, a
    download without a period), the period is the current program year, shown in the filter
    as if chosen. Dates sent empty (the person cleared them) mean every date on record.
    """

    period = ReportPeriodFilter(label=_("Period"), widget=DateRangePickerWidget, method="keep")
    program = ModelChoiceFilter(
        label=_("Program"), queryset=Program.objects.in_default_language(), method="keep"
    )
    workshop = page_chooser_filter(
        WorkshopPage, lambda request: source_workshops(), label=_("Workshop"), method="keep"
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Language.choices, empty_label=_("All"), method="keep"
    )
    division = ModelChoiceFilter(
        label=_("Division"), queryset=Division.objects.all(), method="keep"
    )

    class Meta:
        model = Session
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if self.data is not None and self.is_bound:
            self.data = self.with_default_period(self.data)

    def with_default_period(self, data):
        widget = self.filters["period"].field.widget
        keys = [widget.suffixed("period", suffix) for suffix in widget.suffixes]
        if any(key in data for key in keys) or (year := program_year()) is None:
            return data
        data = data.copy()
        for key, day in zip(keys, year, strict=True):
            data[key] = day.isoformat()
        return data

    def keep(self, queryset, name, value):
        return queryset


class ReportConditions:
    """The chosen filters, written as conditions on any path that leads to a session.

    ``session_path`` is the lookup from the queried model to a session (``""`` from a session
    itself, ``"session__"`` from an enrolment); ``participant_path`` leads to a participant.
    """

    def __init__(self, data):
        data = data or {}
        period = data.get("period")
        self.start = period.start if period else None
        self.stop = period.stop if period else None
        self.program = data.get("program")
        self.workshop = data.get("workshop")
        self.language = data.get("language") or ""
        self.division = data.get("division")

    def sessions(self, session_path=""):
        """Sessions in the period, of the program and workshop, held in the language."""
        lookups = {}
        if self.start:
            lookups[f"{session_path}starts_at__gte"] = self.start
        if self.stop:
            lookups[f"{session_path}starts_at__lte"] = self.stop
        if self.program:
            lookups[f"{session_path}workshop__program"] = self.program
        if self.workshop:
            lookups[f"{session_path}workshop"] = self.workshop
        if self.language:
            lookups[f"{session_path}language"] = self.language
        return Q(**lookups)

    def participants(self, participant_path):
        """Participants from the division (every participant when no division is chosen)."""
        if not self.division:
            return Q()
        return Q(**{f"{participant_path}local__division": self.division})

    def sessions_with_division(self, session_path=""):
        """:meth:`sessions`, and when a division is chosen, someone from it took part."""
        condition = self.sessions(session_path)
        if self.division:
            taking_part = Enrollment.objects.filter(
                participant__local__division=self.division
            ).exclude(status=EnrollmentStatus.CANCELLED)
            key = f"{session_path}pk" if session_path else "pk"
            condition &= Q(**{f"{key}__in": taking_part.values("session_id")})
        return condition


def count_subquery(queryset, outer_field, aggregate=None):
    """A correlated subquery: ``aggregate`` (a count of rows by default) of ``queryset`` rows
    whose ``outer_field`` is the outer row, 0 when there are none."""
    aggregate = aggregate or Count("pk")
    inner = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(result=aggregate)
        .values("result")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), Value(0))


def order_rows(rows, ordering):
    """``rows`` (a list) in the order that ``order_by(ordering)`` gives a queryset, ``ordering``
    being one attribute, "-" first for descending; rows with equal values keep their order."""
    if not ordering:
        return rows
    name = ordering.removeprefix("-")
    return sorted(rows, key=attrgetter(name), reverse=ordering.startswith("-"))


class EducationReportView(FormulaSafeExportMixin, ReportView):
    """A report over sessions, for the people who may view sessions.

    Subclasses build their rows in :meth:`get_rows` from :attr:`conditions` (the filters); the
    filters are not applied again afterwards. The rows are a queryset, or a list of objects
    when their figures come from grouped queries merged in Python (then ordered by
    :func:`order_rows`). :meth:`decorate_row` adds what is computed from a
    row's own figures (rates). :meth:`get_charts` returns the charts shown above the table.
    Downloads write names that look like formulas as text (see ``courses.exports``).
    """

    results_template_name = "courses/reports/report_results.html"
    filterset_class = ReportFilterSet
    permission_required = "view"
    permission_model = Session
    paginate_by = 50
    introduction = ""

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.permission_model)

    @cached_property
    def conditions(self):
        if self.filters and self.filters.is_valid():
            return ReportConditions(self.filters.form.cleaned_data)
        return ReportConditions({})

    def get_rows(self):
        raise NotImplementedError

    def get_base_queryset(self):
        return self.get_rows()

    def order_queryset(self, queryset):
        if isinstance(queryset, list):
            return order_rows(queryset, self.ordering)
        return super().order_queryset(queryset)

    def filter_queryset(self, queryset):
        # The filters are already inside the rows' aggregates.
        return queryset

    def get_filtered_queryset(self):
        return self.get_queryset()

    def decorate_row(self, row):
        return row

    def decorate_paginated_queryset(self, object_list):
        return [self.decorate_row(row) for row in object_list]

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get_charts(self):
        return []

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not self.is_export:
            context["charts"] = self.get_charts()
            context["introduction"] = self.introduction
            context["period_covered"] = self.period_covered()
        return context

    def period_covered(self):
        """The period the report covers, in words, from the period it was computed for."""
        conditions = self.conditions

        def local_day(moment):
            return timezone.localtime(moment).date() if moment else None

        return period_in_words(local_day(conditions.start), local_day(conditions.stop))


class SessionReportView(EducationReportView):
    """Enrolment and attendance per session: who signed up, who waited, who came and completed.

    The completion rate is the share of confirmed people who completed the workshop, for
    delivered sessions only (others have no outcome yet). The fill rate is confirmed people
    over seats.
    """

    page_title = _("Enrolment and attendance")
    header_icon = "date"
    index_url_name = "education_reports:sessions"
    index_results_url_name = "education_reports:sessions_results"
    export_filename = "enrolment-and-attendance"
    default_ordering = "-starts_at"
    introduction = _(
        "Each session in the period with its enrolments and, once it is closed, who came and "
        "who completed. Choose a division to count only its members."
    )
    list_export = [
        "workshop.title",
        "starts_on",
        "language",
        "status",
        "capacity",
        "confirmed",
        "offered",
        "waitlisted",
        "cancelled",
        "attended",
        "completed",
        "fill_rate",
        "completion_rate",
    ]
    export_headings = {
        "workshop.title": _("Workshop"),
        "starts_on": _("Date"),
        "language": _("Language"),
        "status": _("Status"),
        "capacity": _("Capacity"),
        "confirmed": _("Confirmed"),
        "offered": _("Offered a place"),
        "waitlisted": _("Waitlisted"),
        "cancelled": _("Cancelled"),
        "attended": _("Attended"),
        "completed": _("Completed"),
        "fill_rate": _("Fill rate (%)"),
        "completion_rate": _("Completion rate (%)"),
    }

    @cached_property
    def columns(self):
        return [
            Column("workshop", label=_("Workshop"), accessor="workshop.title"),
            DateColumn("starts_on", label=_("Date"), sort_key="starts_at"),
            Column("language", label=_("Language")),
            Column("status", label=_("Status")),
            Column("capacity", label=_("Capacity"), sort_key="capacity"),
            Column("confirmed", label=_("Confirmed"), sort_key="confirmed"),
            Column("offered", label=_("Offered a place"), sort_key="offered"),
            Column("waitlisted", label=_("Waitlisted"), sort_key="waitlisted"),
            Column("cancelled", label=_("Cancelled"), sort_key="cancelled"),
            Column("attended", label=_("Attended"), sort_key="attended"),
            Column("completed", label=_("Completed"), sort_key="completed"),
            PercentColumn("fill_rate", label=_("Fill rate")),
            PercentColumn("completion_rate", label=_("Completion rate")),
        ]

    def enrollment_counts(self):
        """Annotations counting a session's enrolments, of the division's members if chosen.

        Each is a subquery of the session's own enrolments, which the database evaluates for
        the rows it returns: a page of the report counts the enrolments of its 50 sessions,
        not those of every session in the period (a download counts them all).
        """
        enrolments = Enrollment.objects.filter(self.conditions.participants("participant__"))

        def count(**lookups):
            return count_subquery(enrolments.filter(**lookups), "session")

        return {
            "confirmed": count(status=EnrollmentStatus.CONFIRMED),
            "offered": count(status=EnrollmentStatus.OFFERED),
            "waitlisted": count(status=EnrollmentStatus.WAITLISTED),
            "cancelled": count(status=EnrollmentStatus.CANCELLED),
            "attended": count(status=EnrollmentStatus.CONFIRMED, attendance__status__in=ATTENDED),
            "completed": count(status=EnrollmentStatus.CONFIRMED, completed=True),
        }

    def sessions(self):
        return Session.objects.filter(self.conditions.sessions_with_division())

    def get_rows(self):
        return (
            self.sessions()
            .select_related("workshop")
            .annotate(**self.enrollment_counts())
            .order_by("-starts_at", "pk")
        )

    def decorate_row(self, session):
        session.starts_on = session.first_day()
        session.language = session.get_language_display()
        session.status_label = session.get_status_display()
        # A seat kept for someone offered it is taken.
        session.fill_rate = percentage(session.confirmed + session.offered, session.capacity)
        session.completion_rate = (
            percentage(session.completed, session.confirmed)
            if session.status == SessionStatus.DELIVERED
            else None
        )
        return session

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["status"] = item.status_label
        return row

    def get_charts(self):
        return [sessions_per_month_chart(self.sessions(), self.conditions)]


def sessions_per_month_chart(sessions, conditions, chart_id="sessions-per-month"):
    """Sessions held (not cancelled) and people confirmed in them, per month (one query).

    The people are counted per session by a subquery, then added up per month: grouping the
    sessions joined to their enrolments sorted every enrolment of the period."""
    confirmed = Enrollment.objects.filter(
        conditions.participants("participant__"), status=EnrollmentStatus.CONFIRMED
    )
    months = list(
        sessions.exclude(status=SessionStatus.CANCELLED)
        .annotate(month=TruncMonth("starts_at"))
        .order_by()
        .values("month")
        .annotate(
            sessions=Count("pk", distinct=True),
            participants=Sum(count_subquery(confirmed, "session")),
        )
        .order_by("month")
    )
    return grouped_bar_chart(
        chart_id,
        _("Sessions and participants per month"),
        _(
            "For each month, the sessions held or scheduled (solid bars) and the people "
            "confirmed in them (hatched bars)."
        ),
        _("Month"),
        [date_format(timezone.localtime(row["month"]), "YEAR_MONTH_FORMAT") for row in months],
        [
            Series(_("Sessions"), [row["sessions"] for row in months]),
            Series(_("Participants"), [row["participants"] for row in months]),
        ],
    )


class CompletionReportView(EducationReportView):
    """Completions by local, with the local's division and sector, and the hours completed.

    A completion is a confirmed enrolment marked completed when its session was closed; its
    hours are the hours attended. The local is the participant's local today.
    """

    page_title = _("Completions by local")
    header_icon = "group"
    index_url_name = "education_reports:completions"
    index_results_url_name = "education_reports:completions_results"
    export_filename = "completions-by-local"
    introduction = _(
        "Workshops completed by the members of each local over the period, with the hours "
        "they attended, by division and sector."
    )
    list_export = [
        "division.name",
        "sector.name",
        "number",
        "name",
        "delivered",
        "completions",
        "members",
        "hours",
        "completion_rate",
    ]
    export_headings = {
        "division.name": _("Division"),
        "sector.name": _("Sector"),
        "number": _("Local"),
        "name": _("Name"),
        "delivered": _("Enrolments in delivered sessions"),
        "completions": _("Completions"),
        "members": _("Members who completed"),
        "hours": _("Hours completed"),
        "completion_rate": _("Completion rate (%)"),
    }

    @cached_property
    def columns(self):
        return [
            Column("division", label=_("Division"), accessor="division.name"),
            Column("sector", label=_("Sector"), accessor="sector.name"),
            Column("number", label=_("Local"), sort_key="number"),
            Column("name", label=_("Name")),
            Column("delivered", label=_("Enrolled (delivered sessions)"), sort_key="delivered"),
            Column("completions", label=_("Completions"), sort_key="completions"),
            Column("members", label=_("Members who completed"), sort_key="members"),
            Column("hours", label=_("Hours completed"), sort_key="hours"),
            PercentColumn("completion_rate", label=_("Completion rate")),
        ]

    def get_rows(self):
        # One pass over the period's enrolments grouped by local, then the locals that have
        # figures. Grouping every local joined to its members, enrolments, sessions and marks
        # (and again for the paginator's count) cost seconds at a national union's size, and
        # a subquery per figure and local is no better when the report is sorted by a figure.
        completed = Q(completed=True)
        figures = {
            row.pop("participant__local"): row
            for row in Enrollment.objects.filter(
                self.conditions.sessions("session__"),
                self.conditions.participants("participant__"),
                status=EnrollmentStatus.CONFIRMED,
                session__status=SessionStatus.DELIVERED,
                participant__local__isnull=False,
            )
            .order_by()
            .values("participant__local")
            .annotate(
                delivered=Count("pk"),
                completions=Count("pk", filter=completed),
                members=Count("participant", filter=completed, distinct=True),
                hours=Sum("attendance__hours_attended", filter=completed),
            )
        }
        locals_ = (
            Local.objects.select_related("division", "sector")
            .filter(pk__in=list(figures))
            .order_by("division__name", "sector__name", "number")
        )
        rows = list(locals_)
        for local in rows:
            for name, value in figures[local.pk].items():
                setattr(local, name, value)
            local.hours = Decimal(local.hours or 0)
        return rows

    def decorate_row(self, local):
        local.hours = local.hours.quantize(Decimal("0.01"))
        local.completion_rate = percentage(local.completions, local.delivered)
        return local

    def get_charts(self):
        return [completion_rate_per_program_chart(self.conditions)]


def completion_rate_per_program_chart(conditions, chart_id="completion-rate-per-program"):
    """Of the confirmed people in delivered sessions, the share who completed, per program."""
    # A subquery per figure and program over the period's enrolments: joining every program
    # to all its sessions and their enrolments read them all, whatever the period.
    delivered = Enrollment.objects.filter(
        conditions.sessions("session__"),
        conditions.participants("participant__"),
        status=EnrollmentStatus.CONFIRMED,
        session__status=SessionStatus.DELIVERED,
    )
    to_program = "session__workshop__program"
    programs = [
        program
        for program in Program.objects.in_default_language()
        .annotate(
            delivered=count_subquery(delivered, to_program),
            completed=count_subquery(delivered.filter(completed=True), to_program),
        )
        .order_by("title")
        if program.delivered
    ]
    return bar_chart(
        chart_id,
        _("Completion rate per program"),
        _(
            "For each program, the share of people confirmed in its delivered sessions who "
            "completed the workshop, on a scale of 0 to 100 %."
        ),
        _("Program"),
        [program.title for program in programs],
        [percentage(program.completed, program.delivered) for program in programs],
        _("Completion rate"),
        suffix=" %",
        maximum=100,
    )


class FacilitatorReportView(EducationReportView):
    """What each facilitator delivered: sessions closed, the people who came, and the hours.

    Hours are the workshop's hours for each delivered session; participants are the people
    marked present or partly present in them.
    """

    page_title = _("Facilitator activity")
    header_icon = "user"
    index_url_name = "education_reports:facilitators"
    index_results_url_name = "education_reports:facilitators_results"
    export_filename = "facilitator-activity"
    introduction = _(
        "Sessions each facilitator delivered over the period, the people who came to them and "
        "the hours of workshop given. Scheduled sessions are those still to come."
    )
    list_export = ["name", "email", "delivered", "scheduled", "participants", "hours"]
    export_headings = {
        "name": _("Facilitator"),
        "email": _("Email"),
        "delivered": _("Sessions delivered"),
        "scheduled": _("Sessions scheduled"),
        "participants": _("Participants"),
        "hours": _("Hours delivered"),
    }

    @cached_property
    def columns(self):
        return [
            Column("name", label=_("Facilitator"), sort_key="last_name"),
            Column("email", label=_("Email")),
            Column("delivered", label=_("Sessions delivered"), sort_key="delivered"),
            Column("scheduled", label=_("Sessions scheduled"), sort_key="scheduled"),
            Column("participants", label=_("Participants"), sort_key="participants"),
            Column("hours", label=_("Hours delivered"), sort_key="hours"),
        ]

    default_ordering = "last_name"

    def get_rows(self):
        # Every figure is its own subquery per facilitator, with no join on the outer query:
        # grouping facilitators joined to their sessions made the database evaluate the
        # participants' subquery once per joined row, minutes at a large division's size.
        sessions = Session.objects.filter(self.conditions.sessions_with_division())
        delivered = sessions.filter(status=SessionStatus.DELIVERED)
        attended = Enrollment.objects.filter(
            self.conditions.sessions("session__"),
            self.conditions.participants("participant__"),
            status=EnrollmentStatus.CONFIRMED,
            session__status=SessionStatus.DELIVERED,
            attendance__status__in=ATTENDED,
        )
        return (
            get_user_model()
            .objects.filter(pk__in=sessions.values("facilitators"))
            .annotate(
                delivered=count_subquery(delivered, "facilitators"),
                scheduled=count_subquery(
                    sessions.filter(status=SessionStatus.SCHEDULED), "facilitators"
                ),
                hours=count_subquery(
                    delivered, "facilitators", aggregate=Sum("workshop__duration_hours")
                ),
                participants=count_subquery(attended, "session__facilitators"),
            )
            .order_by("last_name", "first_name", "pk")
        )

    def decorate_row(self, user):
        user.name = user.get_full_name() or user.get_username()
        return user


class DemandReportView(EducationReportView):
    """Where to schedule more: per workshop, seats and waitlists, and requests from locals.

    Cancelled sessions are left out. The waitlist is the people still waiting now; requests
    are those received in the period (new and in review ones are still open).
    """

    page_title = _("Demand per workshop")
    header_icon = "list-ul"
    index_url_name = "education_reports:demand"
    index_results_url_name = "education_reports:demand_results"
    export_filename = "demand-per-workshop"
    default_ordering = "-waitlisted"
    introduction = _(
        "For each workshop, how full its sessions are, how many people wait for a seat and "
        "how many locals asked for a session: where more sessions are needed."
    )
    list_export = [
        "title",
        "program_title",
        "session_count",
        "sessions_with_waitlist",
        "capacity",
        "confirmed",
        "offered",
        "waitlisted",
        "fill_rate",
        "requests",
        "open_requests",
    ]
    export_headings = {
        "title": _("Workshop"),
        "program_title": _("Program"),
        "session_count": _("Sessions"),
        "sessions_with_waitlist": _("Sessions with a waitlist"),
        "capacity": _("Seats"),
        "confirmed": _("Confirmed"),
        "offered": _("Offered a place"),
        "waitlisted": _("Waitlisted"),
        "fill_rate": _("Fill rate (%)"),
        "requests": _("Requests"),
        "open_requests": _("Open requests"),
    }

    @cached_property
    def columns(self):
        return [
            Column("title", label=_("Workshop"), sort_key="title"),
            Column("program_title", label=_("Program")),
            Column("session_count", label=_("Sessions"), sort_key="session_count"),
            Column(
                "sessions_with_waitlist",
                label=_("With a waitlist"),
                sort_key="sessions_with_waitlist",
            ),
            Column("capacity", label=_("Seats"), sort_key="capacity"),
            Column("confirmed", label=_("Confirmed"), sort_key="confirmed"),
            Column("offered", label=_("Offered a place"), sort_key="offered"),
            Column("waitlisted", label=_("Waitlisted"), sort_key="waitlisted"),
            PercentColumn("fill_rate", label=_("Fill rate")),
            Column("requests", label=_("Requests"), sort_key="requests"),
            Column("open_requests", label=_("Open requests"), sort_key="open_requests"),
        ]

    #: The figures of a workshop with neither sessions nor enrolments in the period.
    NO_FIGURES = {
        "session_count": 0,
        "sessions_with_waitlist": 0,
        "capacity": 0,
        "confirmed": 0,
        "offered": 0,
        "waitlisted": 0,
    }

    def get_rows(self):
        # The sessions' and the enrolments' figures are each one grouped query over the period,
        # merged into the workshops in Python; a subquery per figure and workshop read each
        # workshop's enrolments once per figure (and the whole ran again for the chart).
        conditions = self.conditions
        sessions = Session.objects.filter(conditions.sessions_with_division()).exclude(
            status=SessionStatus.CANCELLED
        )
        enrolments = Enrollment.objects.filter(
            conditions.sessions("session__"),
            conditions.participants("participant__"),
        ).exclude(session__status=SessionStatus.CANCELLED)
        requests = SessionRequest.objects.all()
        if conditions.start:
            requests = requests.filter(created_at__gte=conditions.start)
        if conditions.stop:
            requests = requests.filter(created_at__lte=conditions.stop)
        if conditions.language:
            requests = requests.filter(language=conditions.language)
        if conditions.division:
            requests = requests.filter(local__division=conditions.division)
        workshops = source_workshops()
        if conditions.program:
            workshops = workshops.filter(program=conditions.program)
        if conditions.workshop:
            workshops = workshops.filter(pk=conditions.workshop.pk)

        waiting = Enrollment.objects.filter(
            session=OuterRef("pk"), status=EnrollmentStatus.WAITLISTED
        )
        figures = {
            row.pop("workshop"): row
            for row in sessions.order_by()
            .values("workshop")
            .annotate(
                session_count=Count("pk"),
                sessions_with_waitlist=Count("pk", filter=Exists(waiting)),
                capacity=Sum("capacity"),
            )
        }
        for row in (
            enrolments.order_by()
            .values("session__workshop")
            .annotate(
                confirmed=Count("pk", filter=Q(status=EnrollmentStatus.CONFIRMED)),
                offered=Count("pk", filter=Q(status=EnrollmentStatus.OFFERED)),
                waitlisted=Count("pk", filter=Q(status=EnrollmentStatus.WAITLISTED)),
            )
        ):
            figures.setdefault(row.pop("session__workshop"), dict(self.NO_FIGURES)).update(row)

        rows = []
        for workshop in workshops.annotate(
            requests=count_subquery(requests, "workshop"),
            open_requests=count_subquery(
                requests.filter(status__in=(RequestStatus.NEW, RequestStatus.IN_REVIEW)),
                "workshop",
            ),
            program_title=Coalesce("program__title", Value("")),
        ):
            workshop_figures = {**self.NO_FIGURES, **figures.get(workshop.pk, {})}
            if workshop_figures["session_count"] or workshop.requests:
                for name, value in workshop_figures.items():
                    setattr(workshop, name, value)
                rows.append(workshop)
        # Most people waiting first, then by title (the workshops' own order).
        return order_rows(rows, "-waitlisted")

    def decorate_row(self, workshop):
        workshop.fill_rate = percentage(workshop.confirmed + workshop.offered, workshop.capacity)
        return workshop

    def get_charts(self):
        # The table's rows, in the table's order: computed once for both.
        return [fill_rate_and_waitlist_chart(self.object_list[:15])]


def fill_rate_and_waitlist_chart(workshops, chart_id="fill-rate-and-waitlist"):
    """Per workshop (rows of the demand report), how full its sessions are and who waits."""
    workshops = [workshop for workshop in workshops if workshop.session_count]
    return grouped_bar_chart(
        chart_id,
        _("Fill rate and waitlist per workshop"),
        _(
            "For each workshop, the share of its seats taken (solid bars, on a scale of 0 to "
            "100 %) and the number of people on its waitlists (hatched bars, on a scale up to "
            "the longest waitlist)."
        ),
        _("Workshop"),
        [workshop.title for workshop in workshops],
        [
            Series(
                _("Fill rate"),
                [percentage(w.confirmed + w.offered, w.capacity) for w in workshops],
                suffix=" %",
                maximum=100,
            ),
            Series(_("Waitlisted"), [w.waitlisted for w in workshops]),
        ],
    )


# Where the reports live in the admin: registered by ``wagtail_hooks.py`` under the namespace
# "education_reports", each in Wagtail's "Reports" menu.

REPORTS = {
    "sessions": SessionReportView,
    "completions": CompletionReportView,
    "facilitators": FacilitatorReportView,
    "demand": DemandReportView,
}

urlpatterns = [
    pattern
    for name, view_class in REPORTS.items()
    for pattern in (
        path(f"{name}/", view_class.as_view(), name=name),
        path(f"{name}/results/", view_class.as_view(results_only=True), name=f"{name}_results"),
    )
]


def can_see_report(user, view_class):
    """Whether ``user`` has the permission that ``view_class`` asks for."""
    policy = policy_registry.get_by_type(view_class.permission_model)
    return policy.user_has_permission(user, view_class.permission_required)


class ReportMenuItem(MenuItem):
    """A report in the "Reports" menu, shown to those who may open it."""

    def __init__(self, view_class, url, order):
        super().__init__(
            view_class.page_title,
            url,
            name=f"education-report-{view_class.export_filename}",
            icon_name=view_class.header_icon,
            order=order,
        )
        self.view_class = view_class

    def is_shown(self, request):
        return can_see_report(request.user, self.view_class)


def menu_item(name):
    """The "Reports" menu item of the report ``name`` (a key of :data:`REPORTS`)."""
    order = 100 + 10 * list(REPORTS).index(name)
    return ReportMenuItem(REPORTS[name], reverse(f"education_reports:{name}"), order)
