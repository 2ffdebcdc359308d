"""The guide's editor: one set of notes for each module of its workshop's curriculum.

The agenda itself (titles, minutes, clock times) is the workshop's curriculum and is edited
there; the guide's editor lists those modules and lets staff write, next to each, facilitation
notes and activity instructions. It lists the modules of the workshop as staff last saved it
(its latest draft when it has one), so notes can be written for a module that is not published
yet. Notes kept for modules the editor does not list (removed from the draft, say) are left as
they are.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

from .agenda import modules_of, timeline

#: The longest text each box of a module's notes takes.
NOTES_MAX_LENGTH = 5000
STEPS_MAX = 30
STEP_MAX_LENGTH = 500
#: The boxes of each module: name, label, rows.
NOTE_PARTS = (
    ("notes", _("Facilitation notes"), 3),
    ("purpose", _("Purpose of the activity"), 2),
    ("steps", _("Steps, one per line"), 4),
    ("debrief", _("Debrief questions"), 2),
)


@dataclass
class ModuleRow:
    """A module of the curriculum as the editor lists it."""

    module_id: str
    title: str
    minutes: int
    starts: object
    activity_label: str
    published: bool


def empty_entry():
    return {"notes": "", "purpose": "", "steps": [], "debrief": ""}


def entry_from_block(value):
    """A guide's stored entry for one module (a ``ModuleGuideBlock`` value) as plain data."""
    return {
        "notes": value.get("notes") or "",
        "purpose": value.get("purpose") or "",
        "steps": [str(step) for step in (value.get("steps") or []) if step],
        "debrief": value.get("debrief") or "",
    }


def is_empty(entry):
    return not any(entry.get(name) for name in ("notes", "purpose", "steps", "debrief"))


class AgendaNotesWidget(forms.Widget):
    """The notes of each listed module, as a group of text boxes per module."""

    template_name = "facilitators/admin/agenda_notes_widget.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.modules = []

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.modules = list(self.modules)
        return copy

    def input_name(self, name, module_id, part):
        return f"{name}-{module_id}-{part}"

    def id_for_label(self, id_):
        if id_ and self.modules:
            return f"{id_}-{self.modules[0].module_id}-{NOTE_PARTS[0][0]}"
        return ""

    def value_from_datadict(self, data, files, name):
        value = {}
        for module in self.modules:
            entry = {}
            for part, _label, _rows in NOTE_PARTS:
                entry[part] = data.get(self.input_name(name, module.module_id, part), "")
            value[module.module_id] = entry
        return value

    def value_omitted_from_data(self, data, files, name):
        return not any(
            self.input_name(name, module.module_id, part) in data
            for module in self.modules
            for part, _label, _rows in NOTE_PARTS
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = value if isinstance(value, dict) else {}
        rows = []
        for module in self.modules:
            entry = value.get(module.module_id) or {}
            boxes = []
            for part, label, lines in NOTE_PARTS:
                text = entry.get(part) or ""
                if isinstance(text, (list, tuple)):
                    text = "\n".join(str(step) for step in text)
                input_name = self.input_name(name, module.module_id, part)
                boxes.append(
                    {
                        "name": input_name,
                        "id": f"id_{input_name}",
                        "label": label,
                        "rows": lines,
                        "value": text,
                    }
                )
            rows.append({"module": module, "boxes": boxes})
        context["widget"]["modules"] = rows
        return context


class AgendaNotesField(forms.Field):
    """``{module id: {"notes", "purpose", "steps", "debrief"}}``, steps as a list of lines."""

    widget = AgendaNotesWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def set_modules(self, modules):
        self.widget.modules = list(modules)

    @property
    def modules(self):
        return self.widget.modules

    def to_python(self, value):
        if not isinstance(value, dict):
            return {}
        cleaned = {}
        titles = {module.module_id: module.title for module in self.modules}
        errors = []
        null_check = ProhibitNullCharactersValidator()
        for module_id, entry in value.items():
            if module_id not in titles or not isinstance(entry, dict):
                continue
            texts = {}
            for part, label, _rows in NOTE_PARTS:
                text = entry.get(part) or ""
                if isinstance(text, (list, tuple)):
                    text = "\n".join(str(step) for step in text)
                text = str(text).replace("\r\n", "\n").strip()
                try:
                    null_check(text)
                except ValidationError:
                    errors.append(
                        gettext("%(module)s, %(box)s: remove the null characters.")
                        % {"module": titles[module_id], "box": label}
                    )
                if len(text) > NOTES_MAX_LENGTH:
                    errors.append(
                        gettext(
                            "%(module)s, %(box)s: keep it under %(limit)d characters (it has "
                            "%(length)d)."
                        )
                        % {
                            "module": titles[module_id],
                            "box": label,
                            "limit": NOTES_MAX_LENGTH,
                            "length": len(text),
                        }
                    )
                texts[part] = text
            steps = [" ".join(line.split()) for line in texts.pop("steps").split("\n")]
            steps = [step for step in steps if step]
            if len(steps) > STEPS_MAX or any(len(step) > STEP_MAX_LENGTH for step in steps):
                errors.append(
                    gettext(
                        "%(module)s: give at most %(count)d steps of at most %(length)d "
                        "characters each."
                    )
                    % {"module": titles[module_id], "count": STEPS_MAX, "length": STEP_MAX_LENGTH}
                )
            cleaned[module_id] = {**texts, "steps": steps}
        if errors:
            raise ValidationError(errors)
        return cleaned

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial or {})
        except ValidationError:
            return True


def editor_modules(workshop):
    """The modules the guide's editor lists: those of the workshop as last saved (its latest
    draft, if any), each marked whether the published workshop has it."""
    if workshop is None:
        return []
    latest = workshop
    if workshop.has_unpublished_changes:
        latest = workshop.get_latest_revision_as_object()
    published = {module_id for module_id, _value in modules_of(workshop.curriculum)}
    if not workshop.live:
        published = set()
    return [
        ModuleRow(
            module_id=item.module_id,
            title=item.title,
            minutes=item.minutes,
            starts=item.starts,
            activity_label=item.activity_label,
            published=item.module_id in published,
        )
        for item in timeline(latest.curriculum)
        if item.module_id
    ]


class GuidePageForm(WagtailAdminPageForm):
    """The guide's form: its own fields, and notes for each module of its workshop."""

    agenda_notes = AgendaNotesField(
        label=_("Notes for each module of the agenda"),
        help_text=_(
            "The agenda is the workshop's curriculum: change a module's title or minutes in "
            "the workshop, and the guide follows. Write here what facilitators need for each "
            "module; notes stay with their module when it is renamed or moved."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = self.find_workshop()
        field = self.fields["agenda_notes"]
        field.set_modules(editor_modules(self.workshop))
        stored = self.instance.stored_notes() if hasattr(self.instance, "stored_notes") else {}
        self.initial["agenda_notes"] = {
            module.module_id: stored.get(module.module_id) or empty_entry()
            for module in field.modules
        }
        if not field.modules:
            field.help_text = _(
                "The workshop has no modules yet: add them to its curriculum, then write their "
                "notes here."
            )

    def find_workshop(self):
        parent = self.parent_page
        if parent is None and self.instance.pk is not None:
            parent = self.instance.get_parent()
        if parent is None:
            return None
        parent = parent.specific
        return parent if hasattr(parent, "curriculum") else None

    def save(self, commit=True):
        self.instance.agenda = self.agenda_stream()
        return super().save(commit=commit)

    def agenda_stream(self):
        """The guide's entries: those typed in the editor (empty ones dropped), then those kept
        for modules the editor does not list."""
        typed = self.cleaned_data.get("agenda_notes") or {}
        listed = [module.module_id for module in self.fields["agenda_notes"].modules]
        stream = []
        for module_id in listed:
            entry = typed.get(module_id)
            if entry and not is_empty(entry):
                stream.append(block_data(module_id, entry))
        kept = self.instance.stored_notes() if hasattr(self.instance, "stored_notes") else {}
        for module_id, entry in kept.items():
            if module_id not in listed and not is_empty(entry):
                stream.append(block_data(module_id, entry))
        return stream


def block_data(module_id, entry):
    return {
        "type": "module",
        "value": {
            "module": module_id,
            "notes": entry.get("notes") or "",
            "purpose": entry.get("purpose") or "",
            "steps": list(entry.get("steps") or []),
            "debrief": entry.get("debrief") or "",
        },
    }
