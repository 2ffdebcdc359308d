"""The guide's agenda comes from its workshop's curriculum.

Until now a guide kept its own copy of the agenda (clock time, minutes, title and notes per
item) and its own activity instructions (title, minutes, purpose, steps, debrief), which went
stale as soon as the curriculum changed. From now on the guide keeps only what it adds to each
module, keyed by the id of the module's block in the curriculum.

Moving the content: an agenda item's notes, and an activity's purpose, steps and debrief, go to
the module of the workshop's curriculum with the same title (case and spacing aside). Whatever
matches no module is not lost: it is added at the end of the guide's facilitator notes, under
its old title. The guide's revisions are moved the same way, so that its latest draft opens with
its notes in place. Going back rebuilds the old agenda and activities from the curriculum.
"""

import datetime
import json

from django.db import migrations
from django.utils.html import escape

import wagtail.blocks
import wagtail.fields

STEPLEN = 4
DAY_STARTS_AT = datetime.time(9, 0)


def old_item_block():
    return wagtail.blocks.StructBlock(
        [
            ("starts_at", wagtail.blocks.TimeBlock(format="%H:%M", label="Starts at")),
            ("minutes", wagtail.blocks.IntegerBlock(label="Minutes", min_value=5)),
            ("title", wagtail.blocks.CharBlock(label="Title", max_length=200)),
            ("notes", wagtail.blocks.TextBlock(label="Notes", required=False)),
        ]
    )


def module_block():
    return wagtail.blocks.StructBlock(
        [
            ("module", wagtail.blocks.CharBlock(label="Module", max_length=64)),
            ("notes", wagtail.blocks.TextBlock(label="Facilitation notes", required=False)),
            (
                "purpose",
                wagtail.blocks.TextBlock(label="Purpose of the activity", required=False),
            ),
            (
                "steps",
                wagtail.blocks.ListBlock(
                    wagtail.blocks.CharBlock(label="Step"), label="Steps", min_num=0
                ),
            ),
            ("debrief", wagtail.blocks.TextBlock(label="Debrief questions", required=False)),
        ]
    )


# Plain data helpers (stream data as JSON holds it)


def as_list(data):
    """Stream data as a list of blocks, whether it is stored as a list or as JSON text."""
    if data is None or data == "":
        return []
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return []
    if hasattr(data, "raw_data"):
        data = list(data.raw_data)
    return [dict(block) for block in data if isinstance(block, dict)]


def list_values(steps):
    """A list block's items as text, in the old (plain) or new (typed items) form."""
    values = []
    for step in steps or []:
        if isinstance(step, dict):
            step = step.get("value")
        if step:
            values.append(str(step))
    return values


def key(title):
    return " ".join(str(title or "").split()).casefold()


def curriculum_modules(workshop):
    """``[(block id, title, minutes)]`` of the workshop's curriculum, in order."""
    if workshop is None:
        return []
    modules = []
    for block in as_list(workshop.curriculum.raw_data if workshop.curriculum else []):
        if block.get("type") != "module":
            continue
        value = block.get("value") or {}
        modules.append((block.get("id") or "", value.get("title") or "", value.get("minutes")))
    return modules


def paragraphs(text):
    return "".join(f"<p>{escape(line)}</p>" for line in str(text).split("\n") if line.strip())


def leftover_html(title, notes="", purpose="", steps=(), debrief=""):
    html = f"<p><b>{escape(title)}</b></p>" + paragraphs(notes) + paragraphs(purpose)
    if steps:
        html += "<ol>" + "".join(f"<li>{escape(step)}</li>" for step in steps) + "</ol>"
    return html + paragraphs(debrief)


def to_modules(agenda, activities, modules):
    """``(new agenda stream, HTML of what matched no module)`` from the old agenda and
    activities."""
    by_title = {}
    for module_id, title, _minutes in modules:
        if module_id:
            by_title.setdefault(key(title), module_id)
    entries = {}
    leftovers = []
    for block in as_list(agenda):
        if block.get("type") != "item":
            continue
        value = block.get("value") or {}
        notes = (value.get("notes") or "").strip()
        if not notes:
            continue
        module_id = by_title.get(key(value.get("title")))
        entry = entries.setdefault(module_id, {}) if module_id else None
        if entry is None or entry.get("notes"):
            leftovers.append(leftover_html(value.get("title") or "", notes=notes))
        else:
            entry["notes"] = notes
    for block in as_list(activities):
        if block.get("type") != "activity":
            continue
        value = block.get("value") or {}
        steps = list_values(value.get("steps"))
        purpose = (value.get("purpose") or "").strip()
        debrief = (value.get("debrief") or "").strip()
        if not (purpose or steps or debrief):
            continue
        module_id = by_title.get(key(value.get("title")))
        entry = entries.setdefault(module_id, {}) if module_id else None
        if entry is None or entry.get("purpose") or entry.get("steps"):
            leftovers.append(
                leftover_html(
                    value.get("title") or "", purpose=purpose, steps=steps, debrief=debrief
                )
            )
        else:
            entry.update(purpose=purpose, steps=steps, debrief=debrief)
    stream = []
    for module_id, _title, _minutes in modules:
        entry = entries.get(module_id)
        if module_id and entry:
            stream.append(
                {
                    "type": "module",
                    "value": {
                        "module": module_id,
                        "notes": entry.get("notes", ""),
                        "purpose": entry.get("purpose", ""),
                        "steps": entry.get("steps", []),
                        "debrief": entry.get("debrief", ""),
                    },
                }
            )
    return stream, "".join(leftovers)


def from_modules(agenda, modules):
    """``(old agenda stream, old activities stream)`` rebuilt from the curriculum and the
    guide's notes per module."""
    entries = {}
    for block in as_list(agenda):
        if block.get("type") == "module":
            value = block.get("value") or {}
            entries.setdefault(value.get("module"), value)
    clock = datetime.datetime.combine(datetime.date(2000, 1, 3), DAY_STARTS_AT)
    items, activities = [], []
    for module_id, title, minutes in modules:
        entry = entries.get(module_id) or {}
        minutes = int(minutes or 0)
        items.append(
            {
                "type": "item",
                "value": {
                    "starts_at": clock.time().strftime("%H:%M:%S"),
                    "minutes": minutes,
                    "title": title,
                    "notes": entry.get("notes") or "",
                },
            }
        )
        steps = list_values(entry.get("steps"))
        if entry.get("purpose") or steps:
            activities.append(
                {
                    "type": "activity",
                    "value": {
                        "title": title,
                        "minutes": minutes,
                        "purpose": entry.get("purpose") or "",
                        "steps": steps,
                        "debrief": entry.get("debrief") or "",
                    },
                }
            )
        clock += datetime.timedelta(minutes=minutes)
    return items, activities


def workshops_by_path(apps):
    WorkshopPage = apps.get_model("courses", "WorkshopPage")
    return {workshop.path: workshop for workshop in WorkshopPage.objects.all()}


def guide_revisions(apps, guide):
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(
        app_label="facilitators", model="facilitatorguidepage"
    ).first()
    if content_type is None:
        return Revision.objects.none()
    return Revision.objects.filter(content_type=content_type, object_id=str(guide.pk))


def move_to_modules(apps, schema_editor):
    FacilitatorGuidePage = apps.get_model("facilitators", "FacilitatorGuidePage")
    workshops = workshops_by_path(apps)
    for guide in FacilitatorGuidePage.objects.all():
        modules = curriculum_modules(workshops.get(guide.path[:-STEPLEN]))
        stream, leftovers = to_modules(guide.agenda.raw_data, guide.activities.raw_data, modules)
        guide.agenda = stream
        guide.activities = []
        if leftovers:
            guide.facilitator_notes = (guide.facilitator_notes or "") + leftovers
        guide.save(update_fields=["agenda", "activities", "facilitator_notes"])
        for revision in guide_revisions(apps, guide):
            content = dict(revision.content or {})
            stream, leftovers = to_modules(
                content.get("agenda"), content.pop("activities", None), modules
            )
            content["agenda"] = json.dumps(stream)
            if leftovers:
                content["facilitator_notes"] = (content.get("facilitator_notes") or "") + leftovers
            revision.content = content
            revision.save(update_fields=["content"])


def move_back(apps, schema_editor):
    FacilitatorGuidePage = apps.get_model("facilitators", "FacilitatorGuidePage")
    workshops = workshops_by_path(apps)
    for guide in FacilitatorGuidePage.objects.all():
        modules = curriculum_modules(workshops.get(guide.path[:-STEPLEN]))
        items, activities = from_modules(guide.agenda.raw_data, modules)
        guide.agenda = items
        guide.activities = activities
        guide.save(update_fields=["agenda", "activities"])
        for revision in guide_revisions(apps, guide):
            content = dict(revision.content or {})
            items, activities = from_modules(content.get("agenda"), modules)
            content["agenda"] = json.dumps(items)
            content["activities"] = json.dumps(activities)
            revision.content = content
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("facilitators", "0002_roles"),
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        # For the move, the agenda holds both kinds of block.
        migrations.AlterField(
            model_name="facilitatorguidepage",
            name="agenda",
            field=wagtail.fields.StreamField(
                [("item", old_item_block()), ("module", module_block())],
                blank=True,
                verbose_name="agenda",
            ),
        ),
        migrations.RunPython(move_to_modules, move_back),
        migrations.RemoveField(model_name="facilitatorguidepage", name="activities"),
        migrations.AlterField(
            model_name="facilitatorguidepage",
            name="agenda",
            field=wagtail.fields.StreamField(
                [("module", module_block())],
                blank=True,
                verbose_name="notes for each module of the agenda",
            ),
        ),
    ]
