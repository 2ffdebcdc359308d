"""StreamField blocks for facilitator guides."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks


class ModuleGuideBlock(blocks.StructBlock):
    """The guide's part of one module of its workshop's curriculum: facilitation notes and
    activity instructions. ``module`` is the id of the module's block in the curriculum, so
    the notes follow the module when it is renamed, retimed or moved."""

    module = blocks.CharBlock(label=_("Module"), max_length=64)
    notes = blocks.TextBlock(label=_("Facilitation notes"), required=False)
    purpose = blocks.TextBlock(label=_("Purpose of the activity"), required=False)
    steps = blocks.ListBlock(blocks.CharBlock(label=_("Step")), label=_("Steps"), min_num=0)
    debrief = blocks.TextBlock(label=_("Debrief questions"), required=False)

    class Meta:
        icon = "time"
        label = _("Module notes")


class MaterialBlock(blocks.StructBlock):
    """Something to bring or prepare before the session."""

    item = blocks.CharBlock(label=_("Item"), max_length=200)
    quantity = blocks.CharBlock(
        label=_("Quantity"), max_length=100, required=False, help_text=_("e.g. one per group")
    )

    class Meta:
        icon = "tick-inverse"
        label = _("Material")
        template = "facilitators/blocks/material.html"
