"""The demo facilitator guides, one per workshop, keyed by the workshop's slug, from
``content/guides.toml``.

A guide's agenda is not written there: it is the workshop's curriculum (``workshops.py``), which
the guide shows on the clock from 9:00. The guide adds notes to the shared breaks
(``BREAK_NOTES``) and activity instructions to some modules, each naming the curriculum module it
belongs to; :func:`agenda_notes` keys them by the module's block in the curriculum, as the guide's
editor does. Each guide has one handout, written as a short HTML page that the loader renders to
PDF.
"""

from .data import content

PAGE_TITLE = content("guides")["page_title"]
PAGE_SLUG = content("guides")["page_slug"]
HANDOUTS_COLLECTION = content("guides")["handouts_collection"]

# Every session needs these, whatever the workshop: (item, quantity).
COMMON_MATERIALS = [tuple(material) for material in content("guides")["common_materials"]]

# Shown against the breaks in every agenda, by the title of the shared module they belong to.
BREAK_NOTES = {
    content("workshops")["modules"][name]["title"]: note
    for name, note in content("guides")["break_notes"].items()
}

GUIDES = {
    slug: guide | {"materials": [tuple(material) for material in guide["materials"]]}
    for slug, guide in content("guides")["guides"].items()
}


def agenda_notes(workshop, activities):
    """The guide's notes for the modules of ``workshop``'s curriculum: the break notes, and the
    ``activities`` (each naming its module by title), keyed by the module's block id."""
    titles = {child.value["title"] for child in workshop.curriculum}
    for activity in activities:
        if activity["module"] not in titles:
            raise ValueError(
                f"The guide for {workshop.slug!r} describes {activity['module']!r}, "
                "which is not a module of the workshop's curriculum."
            )
    instructions = {activity["module"]: activity for activity in activities}
    stream = []
    for child in workshop.curriculum:
        title = child.value["title"]
        notes = BREAK_NOTES.get(title, "")
        activity = instructions.get(title, {})
        if not (notes or activity):
            continue
        if not child.id:
            raise ValueError(f"Save the workshop {workshop.slug!r} before its guide.")
        stream.append(
            {
                "type": "module",
                "value": {
                    "module": child.id,
                    "notes": notes,
                    "purpose": activity.get("purpose", ""),
                    "steps": list(activity.get("steps", [])),
                    "debrief": activity.get("debrief", ""),
                },
            }
        )
    return stream
