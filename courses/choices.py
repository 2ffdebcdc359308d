from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    ALL_MEMBERS = "all_members", _("All members")
    LOCAL_EXECUTIVE = "local_executive", _("The local executive")
    MOBILIZATION_COMMITTEE = "mobilization_committee", _("The mobilization committee")
    SUPERVISORS = "supervisors", _("Locals where members supervise other members")


class ActivityType(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    DISCUSSION = "discussion", _("Group discussion")
    SMALL_GROUPS = "small_groups", _("Small-group work")
    CASE_STUDY = "case_study", _("Case study")
    ROLE_PLAY = "role_play", _("Role play")
    REFLECTION = "reflection", _("Individual reflection")
    PLANNING = "planning", _("Action planning")
    BREAK = "break", _("Break")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class EnrollmentStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    #: Promoted from the waitlist and holding a seat until ``offered_until``, for the person to
    #: accept it.
    OFFERED = "offered", _("Offered a place")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")


class EnrollmentSource(models.TextChoices):
    SELF = "self", _("Self")
    STAFF = "staff", _("Staff")
    WALK_IN = "walk_in", _("Walk-in")
    REQUEST = "request", _("Request")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    PARTIAL = "partial", _("Partly present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    DELIVERED = "delivered", _("Delivered")
    DECLINED = "declined", _("Declined")


class DeliveryFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class TimeZone(models.TextChoices):
    """The time zones of Canada, by their IANA names."""

    NEWFOUNDLAND = "America/St_Johns", _("Newfoundland (St. John’s)")
    ATLANTIC = "America/Halifax", _("Atlantic (Halifax, Moncton, Charlottetown)")
    EASTERN = "America/Toronto", _("Eastern (Toronto, Montréal, Ottawa)")
    CENTRAL = "America/Winnipeg", _("Central (Winnipeg)")
    SASKATCHEWAN = "America/Regina", _("Saskatchewan (Regina, Saskatoon)")
    MOUNTAIN = "America/Edmonton", _("Mountain (Edmonton, Calgary, Yellowknife)")
    PACIFIC = "America/Vancouver", _("Pacific (Vancouver, Victoria, Nanaimo)")
    YUKON = "America/Whitehorse", _("Yukon (Whitehorse)")


class OfflineMarkKind(models.TextChoices):
    """What a phone sent once it had a signal again (see ``courses.attendance.sync``)."""

    MARK = "mark", _("Mark")
    WALK_IN = "walk_in", _("Walk-in")


class OfflineOutcome(models.TextChoices):
    """What became of a mark or walk-in a phone sent once it had a signal again."""

    SAVED = "saved", _("Saved")
    #: A later mark of the same person (and part) was already recorded: kept in their history,
    #: not applied.
    SUPERSEDED = "superseded", _("Superseded by a later mark")
    REFUSED = "refused", _("Refused")


class TaskPriority:
    """How soon a background task runs when the workers are busy (higher runs first; Wagtail's
    own index updates run at 0)."""

    #: An email someone is waiting for: a sign-in or check-in link, a link to confirm their
    #: place, the news that they have it.
    AWAITED_EMAIL = 50
    #: Other emails: a certificate issued, an outcome, a request's new status.
    EMAIL = 20
    #: Work nobody waits on at that moment: PDFs, archives.
    BULK = -20
