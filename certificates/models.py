"""Certificates of completion and the templates they are printed from."""

import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import PreviewableMixin
from wagtail.search import index

from courses.admin_widgets import ImageChooser
from courses.choices import Language

from .choices import CertificateKind, CertificateStatus

#: Crockford's base32: digits and letters, without I, L, O and U, which people misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 16 characters of 5 bits: 80 random bits per code.
CODE_LENGTH = 16
CODE_GROUP = 4
#: What people type for a letter the alphabet leaves out.
CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")

#: Certificates one published status list covers: the W3C Bitstring Status List's minimum of
#: 131,072 bits, so that a list says little about any one holder.
STATUS_LIST_SIZE = 131_072
#: How many random places are tried for a certificate in the status lists before giving up.
STATUS_LIST_ATTEMPTS = 20

#: Revocation reasons the application writes itself (staff write any other reason).
REISSUED = "reissued"
COMPLETION_WITHDRAWN = "completion withdrawn"


def format_hours(hours):
    """Hours as people write them, in the active language: 6, 3.5, 2.25 (3,5 in French)."""
    value = Decimal(hours).quantize(Decimal("0.01"))
    places = next(n for n in (0, 1, 2) if value == round(value, n))
    return formats.number_format(value, decimal_pos=places)


def new_code():
    """A fresh verification code: :data:`CODE_LENGTH` characters drawn with ``secrets``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _index in range(CODE_LENGTH))


def certificate_storage():
    """Where certificate PDFs are kept: the storage named by ``CERTIFICATES_STORAGE_ALIAS``.

    Point it to a storage that is not served publicly; downloads go through the application,
    which checks who asks. The default storage is Django's ``default_storage``, which follows
    changes of the ``STORAGES`` setting (as tests make them).
    """
    alias = getattr(settings, "CERTIFICATES_STORAGE_ALIAS", "default")
    return default_storage if alias == "default" else storages[alias]


def certificate_upload_to(instance, filename):
    """``certificates/<random folder>/<file name>``: nobody finds a file by guessing its path."""
    return f"certificates/{secrets.token_hex(12)}/{filename}"


hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hexadecimal digits, e.g. #8f1d21.")
)


class CertificateTemplate(PreviewableMixin, index.Indexed, models.Model):
    """The look and wording of printed certificates, edited by education staff.

    One template is the default: certificates are printed from it unless issued from another.
    The editor's preview panel shows the template as it is being edited, printed with sample
    facts, in each language certificates are printed in (its preview modes).
    """

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("For staff: which template this is.")
    )
    heading = models.CharField(_("heading"), max_length=200, default="Certificate of completion")
    wording = models.TextField(
        _("wording"),
        help_text=_(
            "What the certificate says. {name} is replaced by the holder's name, {title} by "
            "the workshop or program, {hours} by the hours completed."
        ),
    )
    heading_fr = models.CharField(
        _("heading in French"), max_length=200, default="Attestation de réussite"
    )
    wording_fr = models.TextField(
        _("wording in French"),
        help_text=_("The wording of certificates printed in French, with the same placeholders."),
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    signatory_title_fr = models.CharField(
        _("signatory's title in French"),
        max_length=200,
        blank=True,
        help_text=_("Printed on certificates in French; the English title when empty."),
    )
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#8f1d21", validators=[hex_colour]
    )
    is_default = models.BooleanField(
        _("default template"),
        default=False,
        help_text=_("Certificates are printed from the default template."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("is_default"),
        MultiFieldPanel(
            [FieldPanel("heading"), FieldPanel("wording")], heading=_("Wording in English")
        ),
        MultiFieldPanel(
            [FieldPanel("heading_fr"), FieldPanel("wording_fr")], heading=_("Wording in French")
        ),
        MultiFieldPanel(
            [
                FieldPanel("signatory_name"),
                FieldRowPanel([FieldPanel("signatory_title"), FieldPanel("signatory_title_fr")]),
                FieldPanel("signature_image", widget=ImageChooser),
            ],
            heading=_("Signature"),
        ),
        MultiFieldPanel(
            [FieldPanel("logo", widget=ImageChooser), FieldPanel("accent_colour")],
            heading=_("Appearance"),
        ),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("heading"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_certificate_template",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        """The default template, or the first one if none is marked default, or None."""
        return cls.objects.order_by("-is_default", "pk").first()

    def texts(self, language):
        """``(heading, wording)`` in ``language`` ("en" or "fr"), English when French is empty."""
        if language == "fr" and self.wording_fr.strip():
            return self.heading_fr or self.heading, self.wording_fr
        return self.heading, self.wording

    def signatory_title_in(self, language):
        """The signatory's title in ``language`` ("en" or "fr"), English when French is empty."""
        if language == "fr" and self.signatory_title_fr.strip():
            return self.signatory_title_fr
        return self.signatory_title

    @property
    def preview_modes(self):
        """One preview a language certificates are printed in."""
        return list(settings.LANGUAGES)

    @property
    def default_preview_mode(self):
        return settings.LANGUAGES[0][0]

    #: Prints a template with sample facts: ``render(template, language=...)`` returns PDF
    #: bytes. The PDF module sets it when the app is ready (it builds on these models).
    preview_renderer = None

    def serve_preview(self, request, mode_name):
        """The template printed with sample facts in the language ``mode_name``, as a PDF shown
        in the browser."""
        languages = dict(settings.LANGUAGES)
        language = mode_name if mode_name in languages else self.default_preview_mode
        response = HttpResponse(
            type(self).preview_renderer(self, language=language), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="certificate-preview-{language}.pdf"'
        return response


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(status=CertificateStatus.VALID)

    def with_code(self, text):
        """The certificates whose code is ``text`` as a person typed it (see ``normalise_code``)."""
        return self.filter(code=Certificate.normalise_code(text))

    def free_status_list_index(self):
        """A random place in the status lists that no certificate has (random, as the Bitstring
        Status List recommends, so that a place says nothing of when a certificate was issued).

        Places are drawn from enough lists to stay at most half full. Another transaction may
        take the same place at the same moment: the unique constraint refuses the second.
        """
        lists = 1 + 2 * Certificate.objects.count() // STATUS_LIST_SIZE
        for _attempt in range(STATUS_LIST_ATTEMPTS):
            index = secrets.randbelow(lists * STATUS_LIST_SIZE)
            if not Certificate.objects.filter(status_list_index=index).exists():
                return index
        raise IntegrityError("No free place in the status lists")

    def revoked_in_status_list(self, number):
        """The places of the revoked certificates in the status list ``number``."""
        start = number * STATUS_LIST_SIZE
        return self.filter(
            status=CertificateStatus.REVOKED,
            status_list_index__gte=start,
            status_list_index__lt=start + STATUS_LIST_SIZE,
        ).values_list("status_list_index", flat=True)


class Certificate(models.Model):
    """A certificate of completion of one workshop (a completed enrolment) or of a program.

    The facts printed on it are copied when it is issued, so it keeps saying what was true then.
    It is never deleted: revoking is a status, and a correction is a new certificate that
    ``replaces`` the revoked one.
    """

    code = models.CharField(
        _("verification code"), max_length=20, unique=True, editable=False, default=new_code
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    participant = models.ForeignKey(
        "courses.Participant",
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        verbose_name=_("enrolment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    workshop = models.ForeignKey(
        "courses.WorkshopPage",
        verbose_name=_("workshop"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    program = models.ForeignKey(
        "courses.Program",
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    session = models.ForeignKey(
        "courses.Session",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    holder_name = models.CharField(_("holder's name"), max_length=200)
    local_name = models.CharField(_("local"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    completed_on = models.DateField(_("completed on"))
    facilitator_names = models.TextField(_("facilitators"), blank=True)
    issuer_name = models.CharField(
        _("issuer"), max_length=200, blank=True, help_text=_("The organisation that issued it.")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    pdf = models.FileField(
        _("PDF"),
        upload_to=certificate_upload_to,
        storage=certificate_storage,
        max_length=255,
        blank=True,
    )
    pdf_rendered_at = models.DateTimeField(_("PDF rendered"), null=True, blank=True)
    status_list_index = models.PositiveIntegerField(
        _("place in the status lists"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Where the published status lists say whether this certificate is revoked: list "
            "number (place ÷ 131,072), bit (the remainder). Never changes."
        ),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(replaces__isnull=True),
                name="one_certificate_per_completion",
            ),
            models.UniqueConstraint(
                fields=["participant", "program"],
                condition=Q(replaces__isnull=True, kind=CertificateKind.PROGRAM),
                name="one_certificate_per_program_completion",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=CertificateKind.WORKSHOP,
                        enrollment__isnull=False,
                        workshop__isnull=False,
                        program__isnull=True,
                    )
                    | Q(
                        kind=CertificateKind.PROGRAM,
                        program__isnull=False,
                        enrollment__isnull=True,
                        workshop__isnull=True,
                        session__isnull=True,
                    )
                ),
                name="certificate_kind_matches_subject",
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0), name="certificate_hours_not_negative"
            ),
            models.UniqueConstraint(
                fields=["status_list_index"], name="one_certificate_per_status_list_place"
            ),
            models.CheckConstraint(
                condition=Q(status=CertificateStatus.VALID, revoked_at__isnull=True)
                | Q(status=CertificateStatus.REVOKED, revoked_at__isnull=False),
                name="certificate_revoked_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.title}: {self.holder_name} ({self.display_code})"

    def save(self, *args, **kwargs):
        """A new certificate takes a free place in the status lists (see
        :meth:`CertificateQuerySet.free_status_list_index`)."""
        if self._state.adding and self.status_list_index is None:
            self.status_list_index = Certificate.objects.free_status_list_index()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The public verification page."""
        return reverse("certificates:verify", args=[self.code])

    def ensure_status_list_index(self):
        """This certificate's place in the status lists, given it now if it has none (a
        certificate written in bulk, without :meth:`save`). The place never changes after."""
        for _attempt in range(STATUS_LIST_ATTEMPTS):
            if self.status_list_index is not None:
                return self.status_list_index
            index = Certificate.objects.free_status_list_index()
            try:
                with transaction.atomic():
                    Certificate.objects.filter(pk=self.pk, status_list_index=None).update(
                        status_list_index=index
                    )
            except IntegrityError:  # taken at the same moment by another certificate
                continue
            self.refresh_from_db(fields=["status_list_index"])
        raise IntegrityError("No free place in the status lists")

    @property
    def status_list_number(self):
        return self.status_list_index // STATUS_LIST_SIZE

    @property
    def status_list_bit(self):
        return self.status_list_index % STATUS_LIST_SIZE

    @staticmethod
    def normalise_code(text):
        """A code as stored, from a code as typed: "abcd efgh-jkmn pqrs" → "ABCDEFGHJKMNPQRS".

        Spaces, dashes and dots go; letters become capitals; O, I and L (not in the alphabet)
        are read as 0, 1 and 1.
        """
        return CODE_SEPARATORS.sub("", text or "").upper().translate(CODE_LOOKALIKES)

    @staticmethod
    def is_code(code):
        """Whether ``code`` (normalised) is written like a verification code: only then is it
        looked up."""
        return len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)

    @staticmethod
    def format_code(code):
        """``ABCD-EFGH-JKMN-PQRS``: the code in groups of four, as printed."""
        return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))

    @property
    def display_code(self):
        return self.format_code(self.code)

    @property
    def display_hours(self):
        return format_hours(self.hours)

    @property
    def is_valid(self):
        return self.status == CertificateStatus.VALID

    @property
    def replacement(self):
        """The certificate that replaces this one, if any."""
        return getattr(self, "replaced_by", None)

    def revoked_reason_display(self):
        """Why it was revoked, in words for the verification page."""
        if self.revoked_reason == REISSUED:
            return _("It was replaced by a corrected certificate.")
        if self.revoked_reason == COMPLETION_WITHDRAWN:
            return _("The attendance record was corrected: the workshop was not completed.")
        return self.revoked_reason

    def download_url(self):
        return reverse("certificates:download", args=[self.code])

    def credential_url(self):
        """The signed Open Badges credential (a VC-JWT)."""
        return reverse("certificates:credential", args=[self.code])

    def badge_url(self):
        """The badge image, with the credential baked in."""
        return reverse("certificates:badge", args=[self.code])

    def badge_filename(self):
        """``badge-<title>-<first four characters of the code>.png``: no name in it, since
        the badge carries none."""
        parts = [slugify(self.title)[:60], self.code[:4]]
        return "badge-" + "-".join(part for part in parts if part) + ".png"

    def pdf_filename(self):
        """``certificate-<title>-<holder>-<first four characters of the code>.pdf``."""
        parts = [slugify(self.title)[:60], slugify(self.holder_name)[:60], self.code[:4]]
        return "certificate-" + "-".join(part for part in parts if part) + ".pdf"
