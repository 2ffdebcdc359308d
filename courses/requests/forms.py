"""Forms for requests from locals: the public request form and the staff's triage forms."""

import datetime
import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput
from wagtail.coreutils import get_supported_content_language_variant

from ..admin_forms import (
    KeyCheckedModelChoiceField,
    KeyCheckedModelMultipleChoiceField,
    OfferedChoicesMixin,
    zone_choice_field,
)
from ..choices import DeliveryFormat, Language, RequestStatus
from ..models import WorkshopPage, in_language
from ..models.requests import MAX_PARTICIPANTS, MIN_PARTICIPANTS
from ..sessions.forms import HoneypotMixin, MemberEmailField, find_local, suggest_locals_in
from ..sessions.scheduling import (
    facilitator_clashes,
    language_name,
    qualification_refusals,
    qualified_facilitators,
)
from ..timezones import make_aware_in, suggested_zone_name, zone_named
from ..validators import check_within_calendar, readable_keys
from .rules import next_statuses

#: How far ahead a local may ask for a date.
LATEST_DATE = datetime.timedelta(days=2 * 365)
#: A phone number has at least this many digits.
PHONE_DIGITS = 7
#: When a session made from a request starts, unless staff change it.
DEFAULT_START = datetime.time(9, 0)


def _participants_message():
    return _("Enter a number of participants from %(min)d to %(max)d.") % {
        "min": MIN_PARTICIPANTS,
        "max": MAX_PARTICIPANTS,
    }


PARTICIPANTS_MESSAGE = lazy(_participants_message, str)()
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def default_language():
    """The language code of the site's default locale (without asking the database)."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def requestable_workshops():
    """Live, public workshops offered on request, by title: their pages in the default language,
    on which requests are recorded (the form names each in the reader's language)."""
    return (
        WorkshopPage.objects.live()
        .public()
        .filter(offered_on_request=True, locale__language_code=default_language())
        .order_by("title")
    )


def requestable_workshop(workshops, page):
    """The workshop of ``workshops`` that ``page`` (a workshop's page in any language) is."""
    if page is None:
        return None
    return workshops.filter(translation_key=page.translation_key).first()


def check_phone(value):
    value = " ".join(value.split())
    if len(re.sub(r"\D", "", value)) < PHONE_DIGITS:
        raise ValidationError(
            _("Enter a phone number we can reach you at, such as 416-555-0199."), code="phone"
        )
    return value


def check_future_date(value, today=None):
    """A preferred date must come after today and within the next two years."""
    today = today or timezone.localdate()
    if value is None:
        return value
    if value <= today:
        raise ValidationError(
            _("Choose a date after today: %(date)s has passed or is today."),
            code="past",
            params={"date": value.isoformat()},
        )
    if value > today + LATEST_DATE:
        raise ValidationError(_("Choose a date within the next two years."), code="too_far")
    return value


def check_distinct_dates(form, names):
    """Add an error to each preferred date that repeats an earlier one."""
    seen = set()
    for name in names:
        value = form.cleaned_data.get(name)
        if value is None:
            continue
        if value in seen:
            form.add_error(name, _("Choose a different date from the ones above."))
        seen.add(value)


class WorkshopChoiceField(forms.ModelChoiceField):
    """Workshops in the default language, each named and sorted by its title in the reader's."""

    def offer_in_language(self):
        workshops = list(self.queryset)
        shown = in_language(workshops)
        titles = sorted(
            ((shown.get(w.translation_key, w).title, w.pk) for w in workshops),
            key=lambda choice: choice[0].casefold(),
        )
        empty = [] if self.empty_label is None else [("", self.empty_label)]
        self.choices = empty + [(pk, title) for title, pk in titles]

    def label_from_instance(self, obj):
        return obj.title

    def to_python(self, value):
        # A number too big for the database's integers is no workshop either.
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class SessionRequestForm(HoneypotMixin, forms.Form):
    """What a local tells the education team when it asks for a tailored session."""

    DATE_FIELDS = ("date_1", "date_2", "date_3")

    local = forms.CharField(
        label=_("Your local"),
        max_length=210,
        required=False,
        help_text=_("Type its number, for example 3247, or its name, and pick it from the list."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    local_not_listed = forms.BooleanField(label=_("My local is not listed"), required=False)
    local_name_other = forms.CharField(
        label=_("Your local's name, if it is not listed"),
        max_length=200,
        required=False,
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Please enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_role = forms.CharField(
        label=_("Your role in the local"),
        max_length=100,
        help_text=_("For example president, secretary-treasurer or education officer."),
        error_messages={"required": _("Please enter your role in the local.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    email = MemberEmailField(
        label=_("Email"),
        help_text=_("We send the acknowledgement and every update to this address."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Enter a valid email address, such as name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        error_messages={"required": _("Please enter a phone number we can reach you at.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    workshop = WorkshopChoiceField(
        label=_("Workshop"),
        queryset=WorkshopPage.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the workshop you would like."),
            "invalid_choice": _("Choose one of the workshops listed."),
        },
    )
    goals = forms.CharField(
        label=_("What does your local want to achieve?"),
        max_length=5000,
        help_text=_(
            "Your goals for the session and what is happening in your local: what should "
            "members be able to do afterwards?"
        ),
        error_messages={"required": _("Tell us what your local wants to achieve.")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    participants = forms.IntegerField(
        label=_("Expected number of participants"),
        min_value=MIN_PARTICIPANTS,
        max_value=MAX_PARTICIPANTS,
        error_messages={
            "min_value": PARTICIPANTS_MESSAGE,
            "max_value": PARTICIPANTS_MESSAGE,
            "invalid": PARTICIPANTS_MESSAGE,
            "required": PARTICIPANTS_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    date_1 = forms.DateField(
        label=_("First preferred date"),
        widget=DATE_WIDGET,
        error_messages={
            "invalid": _("Enter a date, such as 2030-03-14."),
            "required": _("Give a first date that would suit your local."),
        },
    )
    date_2 = forms.DateField(
        label=_("Second preferred date"),
        widget=DATE_WIDGET,
        error_messages={
            "invalid": _("Enter a date, such as 2030-03-14."),
            "required": _("Give a second date that would suit your local."),
        },
    )
    date_3 = forms.DateField(
        label=_("Third preferred date (optional)"),
        widget=DATE_WIDGET,
        required=False,
        error_messages={"invalid": _("Enter a date, such as 2030-03-14.")},
    )
    delivery_format = forms.ChoiceField(
        label=_("In person or online"),
        choices=DeliveryFormat.choices,
        widget=forms.RadioSelect,
        initial=DeliveryFormat.IN_PERSON,
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        required=False,
        help_text=_(
            "Where your members would meet, for example your union hall and town. Online: "
            "leave it empty."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the session"), choices=Language.choices, widget=forms.RadioSelect
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        max_length=2000,
        required=False,
        help_text=_("Anything that would help every participant take part fully."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, workshops=None, today=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        suggest_locals_in(self.fields["local"])
        self.today = today or timezone.localdate()
        self.fields["workshop"].queryset = (
            workshops if workshops is not None else requestable_workshops()
        )
        self.fields["workshop"].offer_in_language()
        language = (get_language() or "").split("-")[0]
        if language in Language.values and not self.initial.get("language"):
            self.fields["language"].initial = language
        tomorrow = (self.today + datetime.timedelta(days=1)).isoformat()
        for name in self.DATE_FIELDS:
            self.fields[name].widget.attrs["min"] = tomorrow

    def clean_contact_name(self):
        name = " ".join(self.cleaned_data["contact_name"].split())
        if not name:
            raise ValidationError(_("Please enter your name."), code="required")
        return name

    def clean_phone(self):
        return check_phone(self.cleaned_data["phone"])

    def clean_date_1(self):
        return check_future_date(self.cleaned_data["date_1"], self.today)

    def clean_date_2(self):
        return check_future_date(self.cleaned_data["date_2"], self.today)

    def clean_date_3(self):
        return check_future_date(self.cleaned_data["date_3"], self.today)

    def clean(self):
        cleaned_data = super().clean()
        self.clean_which_local(cleaned_data)
        check_distinct_dates(self, self.DATE_FIELDS)
        if (
            cleaned_data.get("delivery_format") == DeliveryFormat.IN_PERSON
            and not cleaned_data.get("location", "").strip()
        ):
            self.add_error(
                "location",
                _("Tell us where the session would be held, for example the town."),
            )
        return cleaned_data

    def clean_which_local(self, cleaned_data):
        """Set ``local`` to the Local found, or to None with ``local_name_other`` given."""
        typed = " ".join(cleaned_data.get("local", "").split())
        other = " ".join(cleaned_data.get("local_name_other", "").split())
        cleaned_data["local_name_other"] = other
        if cleaned_data.get("local_not_listed") or (other and not typed):
            cleaned_data["local"] = None
            if not other:
                self.add_error(
                    "local_name_other", _("Enter your local's name, or untick “not listed”.")
                )
            return
        if not typed:
            cleaned_data["local"] = None
            self.add_error(
                "local",
                _("Enter your local's number or name, or tick “My local is not listed”."),
            )
            return
        local = find_local(typed)
        cleaned_data["local"] = local
        if local is None:
            self.add_error(
                "local",
                ValidationError(
                    _(
                        "We could not find local “%(value)s”. Check its number, pick it from "
                        "the list, or tick “My local is not listed” and enter its name."
                    ),
                    code="unknown",
                    params={"value": typed},
                ),
            )
        else:
            cleaned_data["local_name_other"] = ""

    def request_fields(self):
        """The cleaned data as ``courses.requests.submit_request`` takes it."""
        data = dict(self.cleaned_data)
        data.pop("local_not_listed", None)
        data.pop("website", None)
        return data


# Staff


class SessionRequestAdminForm(WagtailAdminModelForm):
    """A request's details as staff correct them (the local once it is on record, above all).

    Its status, facilitator and session change only through their own actions, which log the
    change and tell the local.
    """

    def clean(self):
        cleaned_data = super().clean()
        names_a_local = cleaned_data.get("local") or cleaned_data.get("local_name_other")
        if {"local", "local_name_other"} <= set(self.fields) and not names_a_local:
            self.add_error("local", _("Choose the local, or give the name of one not listed."))
        if not self.instance.pk:
            for name in ("date_1", "date_2", "date_3"):
                if cleaned_data.get(name):
                    try:
                        check_future_date(cleaned_data[name])
                    except ValidationError as error:
                        self.add_error(name, error)
            check_distinct_dates(self, ("date_1", "date_2", "date_3"))
        if "phone" in cleaned_data:
            try:
                cleaned_data["phone"] = check_phone(cleaned_data["phone"])
            except ValidationError as error:
                self.add_error("phone", error)
        return cleaned_data


class ChangeStatusForm(forms.Form):
    """Move a request on; declining asks for the reason the local is given."""

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        max_length=2000,
        help_text=_("Needed to decline: it is emailed to the person who asked."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, session_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_request = session_request
        self.fields["status"].choices = [
            (status.value, status.label) for status in next_statuses(session_request)
        ]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("status") == RequestStatus.DECLINED and not (
            cleaned_data.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say why the request is declined: the local is told."))
        return cleaned_data


class FacilitatorChoiceField(OfferedChoicesMixin, KeyCheckedModelChoiceField):
    pass


class FacilitatorsChoiceField(OfferedChoicesMixin, KeyCheckedModelMultipleChoiceField):
    pass


def offer_facilitators(form, name, session_request, language, keep=(), ticked=()):
    """Let ``form``'s field ``name`` accept the facilitators certified for the request's
    workshop (and ``keep``, the keys of those already assigned), and show those of them who
    facilitate in ``language`` (with those kept or ``ticked``): choosing one who does not is
    refused at the field, saying why (see ``courses.sessions.scheduling``)."""
    workshop = session_request.workshop
    field = form.fields[name]
    keep = [key for key in keep if key]
    certified = qualified_facilitators(workshop).order_by().values("pk")
    field.queryset = (
        get_user_model()
        .objects.filter(Q(pk__in=certified) | Q(pk__in=keep), is_active=True)
        .order_by("last_name", "first_name", "username")
    )
    speaking = qualified_facilitators(workshop, language).order_by().values("pk")
    field.offer(field.queryset.filter(Q(pk__in=speaking) | Q(pk__in=[*keep, *ticked])))
    field.help_text = _(
        "Facilitators certified to deliver %(workshop)s who facilitate in %(language)s."
    ) % {"workshop": workshop.title, "language": language_name(language)}


def ticked_keys(form, name):
    """The keys of the people ticked in ``form``'s field ``name`` as sent (those that can name
    someone)."""
    if not form.is_bound or not hasattr(form.data, "getlist"):
        return []
    return readable_keys(get_user_model(), form.data.getlist(form.add_prefix(name)))


class AssignFacilitatorForm(forms.Form):
    facilitator = FacilitatorChoiceField(
        label=_("Facilitator"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Facilitators certified to deliver this workshop."),
    )

    def __init__(self, *args, session_request, **kwargs):
        kwargs.setdefault("initial", {"facilitator": session_request.assigned_facilitator_id})
        super().__init__(*args, **kwargs)
        self.session_request = session_request
        offer_facilitators(
            self,
            "facilitator",
            session_request,
            session_request.language,
            keep=[session_request.assigned_facilitator_id],
        )

    def clean_facilitator(self):
        facilitator = self.cleaned_data.get("facilitator")
        if facilitator is not None:
            refusals = qualification_refusals(
                [facilitator], self.session_request.workshop, self.session_request.language
            )
            if refusals:
                raise ValidationError(list(refusals.values()))
        return facilitator


class CreateSessionForm(forms.Form):
    """The session a request becomes, prefilled from the request.

    Its date and times are typed in the session's time zone, suggested from the division of the
    request's local.
    """

    time_zone = zone_choice_field(_("Time zone"))
    date = forms.DateField(label=_("Date"), widget=AdminDateInput)
    starts = forms.TimeField(label=_("Starts"), widget=AdminTimeInput)
    ends = forms.TimeField(label=_("Ends"), widget=AdminTimeInput)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty for an in-person session."),
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1000)
    facilitators = FacilitatorsChoiceField(
        label=_("Facilitators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Facilitators certified to deliver this workshop."),
    )
    enrol_contact = forms.BooleanField(label=_("Enrol the contact person"), required=False)

    def __init__(self, *args, session_request, **kwargs):
        kwargs.setdefault("initial", self.initial_from(session_request))
        super().__init__(*args, **kwargs)
        self.session_request = session_request
        language = self.data.get(self.add_prefix("language")) if self.is_bound else None
        offer_facilitators(
            self,
            "facilitators",
            session_request,
            language if language in Language.values else session_request.language,
            keep=[session_request.assigned_facilitator_id],
            ticked=ticked_keys(self, "facilitators"),
        )
        self.fields["enrol_contact"].label = _("Also enrol %(name)s (%(email)s)") % {
            "name": session_request.contact_name,
            "email": session_request.email,
        }

    @staticmethod
    def initial_from(session_request, today=None):
        """The request's first preferred date still to come, its language, size and place."""
        today = today or timezone.localdate()
        dates = [day for day in session_request.preferred_dates if day > today]
        hours = session_request.workshop.duration_hours
        end = datetime.datetime.combine(today, DEFAULT_START) + datetime.timedelta(hours=hours)
        initial = {
            "time_zone": suggested_zone_name(session_request.local),
            "date": dates[0] if dates else None,
            "starts": DEFAULT_START,
            "ends": end.time() if end.date() == today else datetime.time(23, 59),
            "language": session_request.language,
            "capacity": session_request.participants,
            "facilitators": (
                [session_request.assigned_facilitator_id]
                if session_request.assigned_facilitator_id
                else []
            ),
        }
        if not session_request.is_online:
            initial["venue"] = session_request.location
            initial["city"] = session_request.local.city if session_request.local_id else ""
        return initial

    def clean_date(self):
        return check_within_calendar(self.cleaned_data["date"])

    def clean(self):
        cleaned_data = super().clean()
        zone = zone_named(self.clean_zone_name(cleaned_data))
        day, starts, ends = (cleaned_data.get(name) for name in ("date", "starts", "ends"))
        if day and starts and ends:
            for name, clock in (("starts", starts), ("ends", ends)):
                try:
                    cleaned_data[f"{name}_at"] = make_aware_in(
                        datetime.datetime.combine(day, clock), zone
                    )
                except ValidationError as error:
                    self.add_error(name, error)
            if ends <= starts:
                self.add_error("ends", _("The session must end after it starts."))
            elif "starts_at" in cleaned_data and cleaned_data["starts_at"] <= timezone.now():
                self.add_error("date", _("Choose a date and time in the future."))
        if not cleaned_data.get("online_url") and not (
            cleaned_data.get("venue") or cleaned_data.get("city")
        ):
            self.add_error(
                "venue",
                _("Say where the session happens: a venue or city, or an online meeting link."),
            )
        self.check_facilitators(cleaned_data)
        return cleaned_data

    def check_facilitators(self, cleaned_data):
        """The facilitators must be certified for the workshop, facilitate in the session's
        language, and be free at its time (no other session, cancelled ones aside)."""
        facilitators = cleaned_data.get("facilitators")
        if not facilitators:
            return
        language = None if self.has_error("language") else cleaned_data.get("language")
        refusals = qualification_refusals(facilitators, self.session_request.workshop, language)
        for message in refusals.values():
            self.add_error("facilitators", message)
        span = (cleaned_data.get("starts_at"), cleaned_data.get("ends_at"))
        if not refusals and not self.has_error("date") and not self.has_error("ends"):
            for clash in facilitator_clashes(facilitators, [span]):
                self.add_error("facilitators", clash.message)

    def clean_zone_name(self, cleaned_data):
        """The zone chosen; left on "Suggested", that of the local's division (an online
        session must choose)."""
        name = cleaned_data.get("time_zone") or ""
        if name or self.has_error("time_zone"):
            return name
        if cleaned_data.get("online_url"):
            self.add_error(
                "time_zone",
                ValidationError(
                    _(
                        "Choose the time zone of this online session: where most of the people "
                        "taking part are."
                    ),
                    code="required",
                ),
            )
        cleaned_data["time_zone"] = suggested_zone_name(self.session_request.local)
        return cleaned_data["time_zone"]

    def session_options(self):
        """The cleaned data as ``courses.requests.create_session_from_request`` takes it."""
        data = self.cleaned_data
        return {
            "time_zone": data["time_zone"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "language": data["language"],
            "venue": data["venue"],
            "address": data["address"],
            "city": data["city"],
            "online_url": data["online_url"],
            "capacity": data["capacity"],
            "facilitators": list(data["facilitators"]),
            "enrol_contact": data["enrol_contact"],
        }
