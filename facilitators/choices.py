"""Choices of the facilitators app's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckInMethod(models.TextChoices):
    """How a participant proved who they are when checking in."""

    SIGNED_IN = "signed_in", _("Signed in")
    EMAIL_LINK = "email_link", _("Emailed link")


class CodeKind(models.TextChoices):
    """Which check-in code a participant scanned."""

    #: Shown on the facilitator's screen; changes every few minutes.
    ROTATING = "rotating", _("Code on the facilitator’s screen")
    #: Printed on the sign-in sheet; valid on one day.
    DAY = "day", _("Code on the sign-in sheet")
