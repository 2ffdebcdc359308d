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
