"""StreamField blocks for workshop curricula."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from .choices import ActivityType


class ModuleBlock(blocks.StructBlock):
    """One timed part of a workshop: what happens, how, and for how long."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    minutes = blocks.IntegerBlock(label=_("Minutes"), min_value=5, max_value=2400)
    activity_type = blocks.ChoiceBlock(
        label=_("Activity type"), choices=ActivityType.choices, default=ActivityType.DISCUSSION
    )
    description = blocks.TextBlock(label=_("Description"))
    handout = DocumentChooserBlock(label=_("Handout"), required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["activity_label"] = dict(ActivityType.choices).get(value["activity_type"], "")
        return context

    class Meta:
        icon = "time"
        label = _("Module")
        template = "courses/blocks/module.html"
        description = _("A timed part of the workshop.")
        preview_value = {
            "title": "Reading the grievance article together",
            "minutes": 45,
            "activity_type": ActivityType.SMALL_GROUPS,
            "description": "Groups of four read the article and list the steps and time limits.",
        }


class CurriculumBlock(blocks.StreamBlock):
    """The ordered modules of a workshop. Their minutes must add up to its duration."""

    module = ModuleBlock()

    class Meta:
        block_counts = {"module": {"min_num": 1}}


def total_minutes(curriculum):
    """Sum the minutes of every module in a curriculum stream value."""
    return sum(child.value["minutes"] or 0 for child in curriculum if child.block_type == "module")
