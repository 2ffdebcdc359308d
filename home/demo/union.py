"""The demo union: its site, home page, divisions, sectors, locals and people, from
``content/union.toml``.

The locals and people are invented. They are the same on every install so that a demo script,
a screenshot or a bug report can name "Local 3247" or "member@example.org" and be understood.
"""

from courses.choices import TimeZone
from courses.roles import FACILITATORS_GROUP, STAFF_GROUP
from home.translators import TRANSLATORS_GROUP

from .data import content

# The organisation, with its name in French (``fr/union.toml``).
ORGANISATION = content("union")["organisation"] | {
    "name_fr": content("fr/union")["organisation"]["name"]
}
HOME_PAGE = content("union")["home_page"]
WORKSHOP_INDEX = content("union")["workshop_index"]

# (code, name, time zone): a division's zone is suggested for the sessions held there.
DIVISIONS = [
    (code, division["name"], TimeZone(division["time_zone"]))
    for code, division in content("union")["divisions"].items()
]

SECTORS = list(content("union")["sectors"].values())

# (number, name, city, division code, sector)
LOCALS = [
    (
        number,
        local["name"],
        local["city"],
        local["division"],
        content("union")["sectors"][local["sector"]],
    )
    for number, local in content("union")["locals"].items()
]

# Everyone who can sign in with a password uses this one; the loader sets it only when it
# creates the user, so a password changed later is left alone.
DEMO_PASSWORD = "changeme"  # noqa: S105

ALL_WORKSHOPS = "all"

# The content names a user's groups by role.
ROLE_GROUPS = {
    "staff": STAFF_GROUP,
    "facilitators": FACILITATORS_GROUP,
    "translators": TRANSLATORS_GROUP,
}

# Users who sign in with a password. ``facilitator`` is a Facilitator profile to create.
USERS = [
    user | {"groups": [ROLE_GROUPS[role] for role in user["groups"]]}
    for user in content("union")["users"]
]

# Participants sign in by an emailed link, so this user has no usable password.
MEMBER = content("union")["member"]
