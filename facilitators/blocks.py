"""StreamField blocks for facilitator guides."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks


class AgendaItemBlock(blocks.StructBlock):
    """One line of the day's agenda, with its clock time and length."""

    starts_at = blocks.TimeBlock(label=_("Starts at"), format="%H:%M")
    minutes = blocks.IntegerBlock(label=_("Minutes"), min_value=5)
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    notes = blocks.TextBlock(label=_("Notes"), required=False)

    class Meta:
        icon = "time"
        label = _("Agenda item")
        template = "facilitators/blocks/agenda_item.html"


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


class ActivityInstructionsBlock(blocks.StructBlock):
    """How to run one activity: its purpose, steps and debrief questions."""

    title = blocks.CharBlock(label=_("Activity"), max_length=200)
    minutes = blocks.IntegerBlock(label=_("Minutes"), min_value=5)
    purpose = blocks.TextBlock(label=_("Purpose"))
    steps = blocks.ListBlock(blocks.CharBlock(label=_("Step")), label=_("Steps"))
    debrief = blocks.TextBlock(label=_("Debrief questions"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Activity instructions")
        template = "facilitators/blocks/activity.html"
