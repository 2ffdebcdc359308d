"""Admin views for education staff: sessions, the people enrolled in them, cancelling and
reopening.

Nothing here loses what people did: a session anyone enrolled in is never deleted (it is
cancelled instead), and a session saved by someone else after its form was opened is not
overwritten: the form comes back with their changes marked (see ``VersionCheckedEditMixin``).

The views that act on one session (its people, enrolling, cancelling, reopening) are attached
to the session viewset in ``wagtail_hooks.py``; they check the session model's Wagtail
permission policy: seeing a session's people needs any permission on sessions, changing them
needs "change".

Other apps add their own actions to these pages through two Wagtail hooks:

``register_session_admin_buttons``
    a function ``(session, request)`` returning Wagtail admin ``Button`` objects shown in the
    header of a session's pages (for example the roster where attendance is taken);
``register_session_enrollment_actions``
    a function ``(enrollment, request)`` returning ``(label, url)`` pairs shown on a confirmed
    person's row of the "People" page.
"""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    ProtectedError,
    RestrictedError,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import EditView, IndexView

import django_filters

from ..admin_filters import DateFromToRangeFilter, page_chooser_filter, snippet_chooser_filter
from ..admin_forms import EditConflict
from ..admin_permissions import visible_to_requester
from ..admin_viewsets import DeleteView
from ..choices import EnrollmentSource, EnrollmentStatus, Language, SessionStatus
from ..models import Enrollment, Session, WorkshopPage
from ..roles import is_education_staff
from ..signals import session_deleting
from . import changes as session_changes
from .admin_forms import BulkEnrolForm, CancelSessionForm, StaffEnrolForm
from .bulk import enrol_rows, parse_rows, staff_message
from .enrollment import (
    EnrollmentError,
    cancel,
    cancel_session,
    enrol_person,
    lapse_offers,
    offer_place,
)


def local_datetime(value, session=None):
    """A date and time formatted for the active language: in the session's own time zone, with
    the zone ("Nov. 2, 2026, 9 a.m. PT"), or else in the site's."""
    if value is None:
        return ""
    if session is not None:
        return session.format_local(value)
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


class LocalDateTimeColumn(Column):
    """A session's date and time shown in its time zone (not "3 days ago")."""

    def get_value(self, instance):
        session = instance if isinstance(instance, Session) else None
        return local_datetime(super().get_value(instance), session)


def seats_label(session):
    """A session's seats taken out of its capacity ("12 / 20"), saying how many are kept for
    people offered one ("12 + 1 offered / 20"). Uses the annotations of
    ``Session.objects.with_counts()`` (or ``with_counts_per_row()``)."""
    if getattr(session, "offered_count", 0):
        return gettext("%(confirmed)d + %(offered)d offered / %(capacity)d") % {
            "confirmed": session.confirmed_count,
            "offered": session.offered_count,
            "capacity": session.capacity,
        }
    return f"{session.confirmed_count} / {session.capacity}"


class LinkColumn(Column):
    """A column whose value links to the URL that ``get_url(instance)`` returns."""

    cell_template_name = "courses/admin/link_cell.html"

    def __init__(self, name, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self.get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["link_url"] = self.get_url(instance)
        return context


class SessionFilterSet(WagtailFilterSet):
    workshop = page_chooser_filter(WorkshopPage, WorkshopPage.objects.all(), label=_("Workshop"))
    starts_at = DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=SessionStatus.choices, empty_label=_("All")
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Language.choices, empty_label=_("All")
    )

    class Meta:
        model = Session
        fields = ["workshop", "starts_at", "status", "language"]


class EnrollmentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=EnrollmentStatus.choices, empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=EnrollmentSource.choices, empty_label=_("All")
    )
    session = snippet_chooser_filter(
        Session,
        visible_to_requester(Session.objects.select_related("workshop")),
        label=_("Session"),
    )

    class Meta:
        model = Enrollment
        fields = ["status", "source", "session"]


SESSION_BUTTONS_HOOK = "register_session_admin_buttons"


ENROLLMENT_ACTIONS_HOOK = "register_session_enrollment_actions"


def buttons_from_other_apps(session, request):
    """The buttons that other apps add to a session's admin pages."""
    buttons = []
    for get_buttons in hooks.get_hooks(SESSION_BUTTONS_HOOK):
        buttons.extend(get_buttons(session, request) or [])
    return buttons


def enrollment_actions_from_other_apps(enrollment, request):
    """The ``(label, url)`` actions that other apps add to a confirmed person's row."""
    actions = []
    for get_actions in hooks.get_hooks(ENROLLMENT_ACTIONS_HOOK):
        actions.extend(get_actions(enrollment, request) or [])
    return actions


class SessionActionsMixin:
    """URLs of the actions on one session, as the current user may use them."""

    people_url_name = None
    cancel_session_url_name = None
    reopen_session_url_name = None

    def get_people_url(self, session):
        if self.people_url_name and self.user_has_any_permission({"view", "change"}):
            return reverse(self.people_url_name, args=[quote(session.pk)])

    def get_cancel_session_url(self, session):
        if (
            self.cancel_session_url_name
            and session.status == SessionStatus.SCHEDULED
            and self.user_has_permission("change")
        ):
            return reverse(self.cancel_session_url_name, args=[quote(session.pk)])

    def get_reopen_session_url(self, session):
        """Only the education staff reopen a closed session (to correct its attendance)."""
        if (
            self.reopen_session_url_name
            and session.status == SessionStatus.DELIVERED
            and self.user_has_permission("change")
            and is_education_staff(self.request.user)
        ):
            return reverse(self.reopen_session_url_name, args=[quote(session.pk)])

    def get_session_buttons(self, session):
        """Buttons for the header of a session's own pages (edit, people, ...)."""
        buttons = buttons_from_other_apps(session, self.request)
        if reopen_url := self.get_reopen_session_url(session):
            buttons.append(
                Button(_("Reopen session"), url=reopen_url, icon_name="undo", priority=45)
            )
        if cancel_url := self.get_cancel_session_url(session):
            buttons.append(
                Button(_("Cancel session"), url=cancel_url, icon_name="cross", priority=40)
            )
        return buttons


class SessionIndexView(SessionActionsMixin, IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if people_url := self.get_people_url(instance):
            buttons.append(MenuItem(_("People"), url=people_url, icon_name="group", priority=15))
        if cancel_url := self.get_cancel_session_url(instance):
            buttons.append(
                MenuItem(_("Cancel session"), url=cancel_url, icon_name="cross", priority=40)
            )
        return buttons


class VersionCheckedEditMixin:
    """For an edit view whose form has ``VersionCheckedModelFormMixin``: the record is locked
    while it is saved, and a form opened before someone else saved it is shown again, with what
    they changed, instead of overwriting their change."""

    def save_instance(self):
        current = self.model._default_manager.select_for_update().get(pk=self.object.pk)
        conflict = self.form.conflict_with(current)
        if conflict is not None:
            raise conflict
        self.form.instance.version = current.version
        return super().save_instance()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EditConflict as conflict:
            keep_uneditable_fields(form, conflict.current)
            form.report_conflict(conflict)
            self.produced_error_code = "edit_conflict"
            self.produced_error_message = gettext(
                "The %(model_name)s was not saved: someone else saved it after you opened it."
            ) % {"model_name": self.model._meta.verbose_name}
            return self.form_invalid(form)


def keep_uneditable_fields(form, current):
    """Give the form's record the saved values of what the form does not edit (its status,
    for example), so the page shows where the record stands now; what was typed stays."""
    for field in form.instance._meta.concrete_fields:
        if not field.primary_key and field.name not in form.fields:
            setattr(form.instance, field.attname, getattr(current, field.attname))


class SessionEditView(SessionActionsMixin, VersionCheckedEditMixin, EditView):
    """Editing a session tells the people in it what changed (``courses.sessions.changes``),
    and gives the seats a higher capacity frees to the first people waiting."""

    session_update = None

    def save_instance(self):
        before = session_changes.capture(self.object.pk)
        instance = super().save_instance()
        self.session_update = session_changes.after_save(
            instance.pk, before, user=self.request.user
        )
        return instance

    def form_valid(self, form):
        response = super().form_valid(form)
        update = self.session_update
        if update is not None and not self.expects_json_response:
            if update.told:
                messages.success(
                    self.request,
                    ngettext(
                        "%(count)d person was emailed what changed.",
                        "%(count)d people were emailed what changed.",
                        update.told,
                    )
                    % {"count": update.told},
                )
            if update.promoted:
                messages.success(self.request, promoted_message(update.promoted))
        return response

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if people_url := self.get_people_url(self.object):
            buttons.append(Button(_("People"), url=people_url, icon_name="group", priority=5))
        buttons.extend(self.get_session_buttons(self.object))
        return buttons


class SessionDeleteView(SessionActionsMixin, DeleteView):
    """Delete a session nobody ever enrolled in, such as one scheduled by mistake.

    A session people enrolled in is never deleted, even once they have all cancelled: their
    enrolments, attendance and certificates are their records. The page says so and points to
    "Cancel session", which calls the session off, tells everyone and keeps it all on record.
    The check is made again, under the session's lock, when the deletion is confirmed.
    """

    def get_template_names(self):
        return ["courses/admin/delete_session.html"]

    @cached_property
    def enrollment_count(self):
        """Everyone who ever enrolled in the session, whether confirmed, waiting or cancelled."""
        return self.object.enrollments.count()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            session=self.object,
            starts=local_datetime(self.object.starts_at, self.object),
            ends=local_datetime(self.object.ends_at, self.object),
            enrollment_count=self.enrollment_count,
            cancel_session_url=self.get_cancel_session_url(self.object),
            people_url=self.get_people_url(self.object),
        )
        return context

    def refuse(self):
        """The page again, saying why the session stays."""
        self.__dict__.pop("enrollment_count", None)
        messages.error(self.request, gettext("The session was not deleted."))
        return self.render_to_response(self.get_context_data())

    def form_valid(self, form):
        try:
            with transaction.atomic():
                locked = Session.objects.select_for_update().get(pk=self.object.pk)
                if locked.enrollments.exists():
                    return self.refuse()
                replies = session_deleting.send(
                    sender=Session, session=locked, user=self.request.user
                )
                response = super().form_valid(form)
        except (ProtectedError, RestrictedError):
            return self.refuse()
        for _receiver, reply in replies:
            if reply:
                messages.info(self.request, reply)
        return response


class SessionObjectView(
    SessionActionsMixin,
    PermissionCheckedMixin,
    BaseObjectMixin,
    WagtailAdminTemplateMixin,
    TemplateView,
):
    """Base of the views about one session, reached from its row in the list."""

    model = Session
    index_url_name = None
    edit_url_name = None
    bulk_enrol_url_name = None
    cancel_enrollment_url_name = None
    offer_place_url_name = None
    header_icon = "date"
    any_permission_required = {"view", "change"}
    #: Actions that need a permission beyond seeing the session.
    post_permission_required = "change"

    def get_base_object_queryset(self):
        return Session.objects.select_related("workshop", "restricted_to_local")

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and not self.user_has_permission(self.post_permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        items = [
            {
                "url": reverse(self.index_url_name),
                "label": Session._meta.verbose_name_plural.capitalize(),
            }
        ]
        if self.user_has_permission("change"):
            items.append(
                {
                    "url": reverse(self.edit_url_name, args=[quote(self.object.pk)]),
                    "label": str(self.object),
                }
            )
        items.append(
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()}
        )
        return self.breadcrumbs_items + items

    @cached_property
    def header_more_buttons(self):
        buttons = []
        if self.user_has_permission("change"):
            edit_url = reverse(self.edit_url_name, args=[quote(self.object.pk)])
            buttons.append(Button(_("Edit session"), url=edit_url, icon_name="edit", priority=10))
            if self.object.status == SessionStatus.SCHEDULED:
                bulk_url = reverse(self.bulk_enrol_url_name, args=[quote(self.object.pk)])
                buttons.append(
                    Button(_("Enrol a list"), url=bulk_url, icon_name="group", priority=20)
                )
        buttons.extend(self.get_session_buttons(self.object))
        return buttons

    def get_people_url(self, session=None):
        return super().get_people_url(session or self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session"] = self.object
        context["people_url"] = self.get_people_url()
        context["starts"] = local_datetime(self.object.starts_at, self.object)
        context["ends"] = local_datetime(self.object.ends_at, self.object)
        return context


class SessionPeopleView(SessionObjectView):
    """Everyone confirmed or waiting for a session, with staff enrolment and cancelling."""

    page_title = _("People")
    template_name = "courses/admin/session_people.html"

    def get_enrollments(self):
        return (
            Enrollment.objects.filter(session=self.object)
            .exclude(status=EnrollmentStatus.CANCELLED)
            .select_related("participant__local", "attendance__marked_by")
            .order_by("created_at", "pk")
        )

    def get(self, request, *args, **kwargs):
        # Offers whose time is up are settled as soon as anyone looks, not at the next clock.
        lapse_offers(session_ids=[self.object.pk])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        confirmed, offered, waitlisted = [], [], []
        # A session of several parts shows each person's mark on each part.
        prefetch_related_objects([self.object], "parts")
        day_parts = list(self.object.parts.all())
        day_parts = day_parts if len(day_parts) > 1 else []
        enrollments = self.get_enrollments()
        if day_parts:
            enrollments = enrollments.prefetch_related("attendance_days")
        for enrollment in enrollments:
            if enrollment.status == EnrollmentStatus.CONFIRMED:
                enrollment.extra_actions = enrollment_actions_from_other_apps(
                    enrollment, self.request
                )
                enrollment.day_marks = _day_marks(enrollment, day_parts)
                confirmed.append(enrollment)
            elif enrollment.status == EnrollmentStatus.OFFERED:
                offered.append(enrollment)
            else:
                enrollment.position = len(waitlisted) + 1
                waitlisted.append(enrollment)
        can_change = self.user_has_permission("change")
        context.update(
            {
                "confirmed": confirmed,
                "offered": offered,
                "waitlisted": waitlisted,
                "offer_place_url_name": self.offer_place_url_name,
                "day_parts": day_parts,
                "marked_count": sum(
                    1 for enrollment in confirmed if _attendance_of(enrollment) is not None
                ),
                "is_closed": self.object.status == SessionStatus.DELIVERED,
                "can_change": can_change,
                "can_enrol": can_change and self.object.status == SessionStatus.SCHEDULED,
                "form": form or StaffEnrolForm(),
                "bulk_enrol_url": reverse(self.bulk_enrol_url_name, args=[self.object.pk]),
                "cancel_enrollment_url_name": self.cancel_enrollment_url_name,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = StaffEnrolForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            result = enrol_person(
                self.object.pk,
                name=data["name"],
                email=data["email"],
                local=data["local"],
                source=EnrollmentSource.STAFF,
                override_prerequisites=data["override_prerequisites"],
                ignore_deadline=True,
            )
        except EnrollmentError as error:
            form.add_error(None, staff_message(error))
            return self.render_to_response(self.get_context_data(form=form))
        log(
            instance=self.object,
            action="courses.session.enrol",
            user=request.user,
            data={"name": result.enrollment.participant.name, "status": result.enrollment.status},
        )
        if result.confirmed:
            message = gettext("%(name)s is enrolled.") % {
                "name": result.enrollment.participant.name
            }
        else:
            message = gettext(
                "The session is full: %(name)s is number %(position)d on the waitlist."
            ) % {
                "name": result.enrollment.participant.name,
                "position": result.position,
            }
        messages.success(request, message)
        return redirect(self.get_people_url())


class CancelSessionView(SessionObjectView):
    """Ask for confirmation, then cancel the session and tell everyone enrolled."""

    page_title = _("Cancel session")
    template_name = "courses/admin/cancel_session.html"
    any_permission_required = {"change"}

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        active = self.object.enrollments.exclude(status=EnrollmentStatus.CANCELLED)
        context["active_count"] = active.count()
        context["form"] = form or CancelSessionForm()
        return context

    def post(self, request, *args, **kwargs):
        if self.object.status != SessionStatus.SCHEDULED:
            messages.error(request, gettext("Only a scheduled session can be cancelled."))
            return redirect(self.get_people_url())
        form = CancelSessionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        reason = form.cleaned_data["reason"]
        cancelled = cancel_session(self.object.pk, reason=reason)
        log(
            instance=self.object,
            action="courses.session.cancel",
            user=request.user,
            data={"told": len(cancelled), "reason": reason},
        )
        messages.success(
            request,
            gettext("The session is cancelled. %(count)d people will be told by email.")
            % {"count": len(cancelled)},
        )
        return redirect(self.get_people_url())


def _day_marks(enrollment, parts):
    """The enrolment's mark (an ``AttendanceDay``, or None) on each of ``parts``, in order."""
    if not parts:
        return []
    days = {day.part_id: day for day in enrollment.attendance_days.all()}
    return [days.get(part.pk) for part in parts]


def _attendance_of(enrollment):
    try:
        return enrollment.attendance
    except Enrollment.attendance.RelatedObjectDoesNotExist:
        return None


class SessionEnrollmentView(SessionObjectView):
    """A view of one person's enrolment in the session: ``self.enrollment``, 404 for an
    enrolment of another session."""

    any_permission_required = {"change"}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.enrollment = get_object_or_404(
            Enrollment.objects.select_related("participant"),
            pk=self.kwargs["enrollment_pk"],
            session=self.object,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enrollment"] = self.enrollment
        return context


class CancelEnrollmentView(SessionEnrollmentView):
    """Ask for confirmation, then cancel one person's enrolment (the waitlist moves up)."""

    page_title = _("Cancel enrolment")
    template_name = "courses/admin/cancel_enrollment.html"

    def post(self, request, *args, **kwargs):
        if self.enrollment.status != EnrollmentStatus.CANCELLED:
            promoted = cancel(self.enrollment.pk, by_staff=True)
            log(
                instance=self.object,
                action="courses.session.cancel_enrollment",
                user=request.user,
                data={"name": self.enrollment.participant.name},
            )
            message = gettext("The enrolment of %(name)s is cancelled.") % {
                "name": self.enrollment.participant.name
            }
            if promoted:
                message += " " + promoted_message(promoted)
            messages.success(request, message)
        return redirect(self.get_people_url())


def promoted_message(promoted):
    """Who got a seat from the waitlist: confirmed at once, or offered one to accept."""
    confirmed = [e.participant.name for e in promoted if e.status == EnrollmentStatus.CONFIRMED]
    offered = [e.participant.name for e in promoted if e.status == EnrollmentStatus.OFFERED]
    parts = []
    if confirmed:
        parts.append(
            gettext("Moved up from the waitlist: %(names)s.") % {"names": ", ".join(confirmed)}
        )
    if offered:
        parts.append(
            gettext("Offered a place from the waitlist: %(names)s.") % {"names": ", ".join(offered)}
        )
    return " ".join(parts)


class OfferPlaceView(SessionEnrollmentView):
    """Ask for confirmation, then offer a place to one person on the waitlist, whoever is
    first: kept for them for the session's time to accept, or theirs at once."""

    page_title = _("Offer a place")
    template_name = "courses/admin/offer_place.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = self.object
        context.update(
            seats_taken=session.seats_taken,
            over_capacity=session.seats_taken >= session.capacity,
            can_offer=(
                self.enrollment.status == EnrollmentStatus.WAITLISTED
                and session.status == SessionStatus.SCHEDULED
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        name = self.enrollment.participant.name
        try:
            enrollment = offer_place(self.enrollment.pk)
        except EnrollmentError as error:
            messages.error(request, error.message)
            return redirect(self.get_people_url())
        log(
            instance=self.object,
            action="courses.session.offer_place",
            user=request.user,
            data={"name": name, "status": enrollment.status},
        )
        if enrollment.status == EnrollmentStatus.OFFERED:
            message = gettext("%(name)s is offered a place, kept for them until %(until)s.") % {
                "name": name,
                "until": local_datetime(enrollment.offered_until, self.object),
            }
        else:
            message = gettext("%(name)s has a place now, and is told by email.") % {"name": name}
        messages.success(request, message)
        return redirect(self.get_people_url())


class BulkEnrolView(SessionObjectView):
    """Enrol a pasted or uploaded list of members, all or nothing on malformed rows."""

    page_title = _("Enrol a list")
    template_name = "courses/admin/bulk_enrol.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", form or BulkEnrolForm())
        context["can_enrol"] = self.object.status == SessionStatus.SCHEDULED
        return context

    def post(self, request, *args, **kwargs):
        form = BulkEnrolForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        text = form.cleaned_data["text"]
        rows, problems = parse_rows(text)
        if problems or not rows:
            # Show the list again as it was sent, uploaded or pasted, so it can be corrected.
            form = BulkEnrolForm(
                {
                    "rows": text,
                    "override_prerequisites": form.cleaned_data["override_prerequisites"],
                }
            )
            form.is_valid()
            if problems:
                form.add_error(
                    "rows",
                    ngettext(
                        "%(count)d row needs fixing: see the list above.",
                        "%(count)d rows need fixing: see the list above.",
                        len(problems),
                    )
                    % {"count": len(problems)},
                )
            else:
                form.add_error("rows", gettext("The list has no members in it."))
            return self.render_to_response(self.get_context_data(form=form, problems=problems))
        outcomes = enrol_rows(
            self.object.pk,
            rows,
            override_prerequisites=form.cleaned_data["override_prerequisites"],
        )
        counts = {
            status: sum(1 for outcome in outcomes if outcome.status == status)
            for status in ("confirmed", "waitlisted", "refused")
        }
        log(
            instance=self.object,
            action="courses.session.bulk_enrol",
            user=request.user,
            data=counts,
        )
        return self.render_to_response(
            self.get_context_data(form=BulkEnrolForm(), outcomes=outcomes, counts=counts)
        )


def unready_pages_to_publish(action):
    """Bulk publishing takes each page's latest draft as it is, past the checks of the editor:
    the drafts among ``action``'s pages (and their unpublished descendants, when asked) that
    would fail validation, each with what is wrong."""
    pages = list(action.actionable_objects)
    if action.cleaned_form.cleaned_data.get("include_descendants"):
        for page in list(pages):
            pages.extend(page.get_descendants().not_live().specific())
    unready = []
    for page in pages:
        revision = page.get_latest_revision()
        draft = revision.as_object() if revision else page.specific
        try:
            draft.full_clean()
        except ValidationError as error:
            problems = sorted({str(message) for message in error.messages})
            unready.append((draft, problems))
    return unready


def refuse_bulk_publishing_unready_pages(request, action_type, objects, action):
    """Publish nothing when one of the drafts would not pass the editor's checks (a curriculum
    whose minutes do not fill the workshop, say): name each and what to fix."""
    if action_type != "publish":
        return None
    unready = unready_pages_to_publish(action)
    if not unready:
        return None
    for page, problems in unready:
        messages.error(
            request,
            gettext("“%(title)s” was not published: %(problems)s")
            % {"title": page.get_admin_display_title(), "problems": " ".join(problems)},
            buttons=[
                messages.button(reverse("wagtailadmin_pages:edit", args=[page.pk]), gettext("Edit"))
            ],
        )
    messages.error(
        request, gettext("Nothing was published: fix the drafts named here, then publish again.")
    )
    next_url = action.next_url
    if next_url.split("?")[0] == request.path:
        # No page to return to was given: go to the pages' place in the tree.
        next_url = reverse("wagtailadmin_explore", args=[unready[0][0].get_parent().pk])
    return redirect(next_url)
