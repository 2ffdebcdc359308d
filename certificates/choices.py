from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class CertificateKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    PROGRAM = "program", _("Program")
