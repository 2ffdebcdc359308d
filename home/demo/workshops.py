"""The demo catalogue: the union's ten six-hour workshops and the two programs they belong to,
from ``content/workshops.toml``.

Each workshop's curriculum is a full day (9:00 to 15:00, breaks and lunch included) whose module
minutes add up to its hours, as ``WorkshopPage.clean()`` requires. The facilitator guides in
``guides.py`` build their agendas from these modules, so a change here moves both.
"""

from typing import NamedTuple

from courses.choices import ActivityType, Audience

from .data import content


class Module(NamedTuple):
    """One timed part of a workshop's day, as it appears in the curriculum StreamField."""

    title: str
    minutes: int
    activity_type: str
    description: str


def module(data):
    """A curriculum module: its own fields, or a shared module's with the fields it changes."""
    if "shared" in data:
        changes = {key: value for key, value in data.items() if key != "shared"}
        data = content("workshops")["modules"][data["shared"]] | changes
    return Module(
        title=data["title"],
        minutes=data["minutes"],
        activity_type=ActivityType(data["activity_type"]),
        description=data["description"],
    )


def workshop(data):
    """A workshop as the loader creates it; its program and prerequisites are slugs."""
    return {
        "slug": data["slug"],
        "title": data["title"],
        "program": data.get("program"),
        "audience": Audience(data["audience"]),
        "duration_hours": data["duration_hours"],
        "offered_on_request": data.get("offered_on_request", False),
        "prerequisites": data.get("prerequisites", []),
        "summary": data["summary"],
        "outcomes": data["outcomes"],
        "what_to_bring": data["what_to_bring"],
        "curriculum": [module(part) for part in data["curriculum"]],
    }


PROGRAMS = content("workshops")["programs"]
# Listed so that every prerequisite comes before the workshops that need it.
WORKSHOPS = [workshop(data) for data in content("workshops")["workshops"]]
