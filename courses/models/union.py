"""The union's own structure: provincial divisions, sectors and numbered locals."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from ..choices import TimeZone


class Division(index.Indexed, models.Model):
    """A provincial division of the union (Ontario, British Columbia ...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"), max_length=10, unique=True, help_text=_("A short code, e.g. ON or BC.")
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TimeZone.choices,
        default=TimeZone.EASTERN,
        help_text=_("Suggested for the sessions held in this division."),
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self):
        return self.name


class Sector(index.Indexed, models.Model):
    """A sector of public service in which locals work (health care, school boards ...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name


#: How people write a local's number: "3247", "Local 3247", "local #3247", "local no. 3247",
#: "Section locale 3247", "3247 — Name".
LOCAL_NUMBER = re.compile(
    r"^(?:(?:local|section locale|section)\s*(?:no\.?|n°)?\s*)?#?\s*(\d[\w-]*)", re.IGNORECASE
)


def local_number(text):
    """The number in what someone typed to name a local, or the text itself if it has none."""
    text = " ".join(text.split())
    match = LOCAL_NUMBER.match(text)
    return match.group(1) if match else text


class Local(index.Indexed, models.Model):
    """A numbered local of the union, to which members belong."""

    number = models.CharField(
        _("number"), max_length=10, unique=True, help_text=_("The local's number, e.g. 3247.")
    )
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.PROTECT,
        related_name="locals",
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        related_name="locals",
    )

    panels = [
        FieldPanel("number"),
        FieldPanel("name"),
        FieldPanel("city"),
        FieldPanel("division"),
        FieldPanel("sector"),
    ]

    search_fields = [
        index.SearchField("number"),
        index.SearchField("name"),
        index.AutocompleteField("number"),
        index.AutocompleteField("name"),
        index.FilterField("division"),
        index.FilterField("sector"),
    ]

    class Meta:
        ordering = ["number"]
        verbose_name = _("local")
        verbose_name_plural = _("locals")

    def __str__(self):
        return _("Local %(number)s, %(name)s") % {"number": self.number, "name": self.name}
