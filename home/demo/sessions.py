"""The demo schedule: sessions of the workshops, the members taking part, and their enrolments.

Dates are counted in days from the day the demo is loaded, so the schedule always has sessions
coming up, one running today and a few that have just taken place. The sessions that have taken
place have their attendance marked (``ATTENDANCE``; the demo member was there for all of them)
and are closed by the loader, which records completion and issues their certificates. Today's
session is not marked: the demo facilitator takes its attendance and closes it.

A session that would fall on a weekend or in the winter holidays moves to the nearest working
day (later for upcoming sessions, earlier for past ones).

Every full-day session runs from 9:00 to 15:00 in its own time zone, like the workshops'
agendas: the zone of the province of its city (``CITY_DIVISIONS``), so that the schedule has
sessions in Pacific, Eastern, Atlantic and Newfoundland time. The loader fills each session
with demo participants who prefer its language (only members of its local when it is
restricted to one), never more than once per workshop.
"""

from typing import NamedTuple

from courses.choices import AttendanceStatus, Language

DAY_STARTS_AT = "09:00"
DAY_ENDS_AT = "15:00"
# A session split over two half-days takes the morning of two weekdays in a row.
HALF_DAY_ENDS_AT = "12:00"

# The province (a division's code in ``union.DIVISIONS``) of each city the demo holds sessions
# in: a session is in its province's time zone.
CITY_DIVISIONS = {
    "Toronto": "ON",
    "Ottawa": "ON",
    "Hamilton": "ON",
    "Oshawa": "ON",
    "Sudbury": "ON",
    "Laval": "QC",
    "Québec": "QC",
    "Nanaimo": "BC",
    "Halifax": "NS",
    "St. John's": "NL",
}
# An online session is in the time zone of most of the people taking part.
ONLINE_DIVISION = "ON"

# The demo member (``union.MEMBER``) enrols as a participant of this local.
MEMBER_LOCAL = "3247"
MEMBER_LANGUAGE = Language.ENGLISH

# (name, email, local number, preferred language)
PARTICIPANTS = [
    ("Aisha Mohamed", "aisha.mohamed@example.org", "1104", Language.ENGLISH),
    ("Daniel Okafor", "daniel.okafor@example.org", "1104", Language.ENGLISH),
    ("Priya Sharma", "priya.sharma@example.org", "2250", Language.ENGLISH),
    ("Kevin O'Brien", "kevin.obrien@example.org", "2250", Language.ENGLISH),
    ("Mei Lin Chen", "meilin.chen@example.org", "4417", Language.ENGLISH),
    ("Robert Kowalski", "robert.kowalski@example.org", "4417", Language.ENGLISH),
    ("Fatima Haddad", "fatima.haddad@example.org", "3906", Language.ENGLISH),
    ("Tyler Henderson", "tyler.henderson@example.org", "3906", Language.ENGLISH),
    ("Sarah Whitehorse", "sarah.whitehorse@example.org", "1281", Language.ENGLISH),
    ("Grace Beaulieu", "grace.beaulieu@example.org", "1281", Language.ENGLISH),
    ("Michael Tran", "michael.tran@example.org", "5120", Language.ENGLISH),
    ("Hannah Lindqvist", "hannah.lindqvist@example.org", "5120", Language.ENGLISH),
    ("Carlos Mendes", "carlos.mendes@example.org", "8630", Language.ENGLISH),
    ("Olivia Grant", "olivia.grant@example.org", "8630", Language.ENGLISH),
    ("Ben Nakamura", "ben.nakamura@example.org", "2041", Language.ENGLISH),
    ("Jasleen Gill", "jasleen.gill@example.org", "1936", Language.ENGLISH),
    ("Emily Thompson", "emily.thompson@example.org", "718", Language.ENGLISH),
    ("Raj Dhillon", "raj.dhillon@example.org", "4500", Language.ENGLISH),
    ("Chloe Martin", "chloe.martin@example.org", "6120", Language.ENGLISH),
    ("Siobhan Walsh", "siobhan.walsh@example.org", "1867", Language.ENGLISH),
    ("Connor MacLeod", "connor.macleod@example.org", "2525", Language.ENGLISH),
    ("Amira Saleh", "amira.saleh@example.org", "3018", Language.ENGLISH),
    ("Matthew Cormier", "matthew.cormier@example.org", "5047", Language.ENGLISH),
    ("Rebecca Power", "rebecca.power@example.org", "1560", Language.ENGLISH),
    ("Patrick Fitzgerald", "patrick.fitzgerald@example.org", "2790", Language.ENGLISH),
    ("Liam Kennedy", "liam.kennedy@example.org", "4210", Language.ENGLISH),
    ("Émilie Fortin", "emilie.fortin@example.org", "4041", Language.ENGLISH),
    ("Darnell Campbell", "darnell.campbell@example.org", "2348", Language.ENGLISH),
    ("Anna Kovalenko", "anna.kovalenko@example.org", "1073", Language.ENGLISH),
    ("Jessica Wong", "jessica.wong@example.org", "3197", Language.ENGLISH),
    ("Tom Sinclair", "tom.sinclair@example.org", "4102", Language.ENGLISH),
    ("Isabelle Roy", "isabelle.roy@example.org", "3247", Language.FRENCH),
    ("Mathieu Lavoie", "mathieu.lavoie@example.org", "3247", Language.FRENCH),
    ("Sophie Gagné", "sophie.gagne@example.org", "3247", Language.FRENCH),
    ("Karim Benali", "karim.benali@example.org", "3247", Language.FRENCH),
    ("Amélie Dubois", "amelie.dubois@example.org", "3247", Language.FRENCH),
    ("Julie Côté", "julie.cote@example.org", "1500", Language.FRENCH),
    ("Alexandre Pelletier", "alexandre.pelletier@example.org", "1500", Language.FRENCH),
    ("Nathalie Bergeron", "nathalie.bergeron@example.org", "2815", Language.FRENCH),
    ("François Ouellet", "francois.ouellet@example.org", "3680", Language.FRENCH),
    ("Geneviève Lévesque", "genevieve.levesque@example.org", "5312", Language.FRENCH),
]

# What a few participants write on every enrolment form: (accessibility, child care).
NEEDS = {
    "robert.kowalski@example.org": ("I use a wheelchair: a step-free room, please.", ""),
    "hannah.lindqvist@example.org": ("", "One child, aged 4, for the whole day."),
    "karim.benali@example.org": ("Documents in large print, please.", ""),
    "olivia.grant@example.org": ("", "Two children, aged 6 and 9, after school."),
}


# How the demo participants attended the sessions that have taken place: (status, hours), hours
# None for the whole workshop or none at all. Each session starts from another place in the
# list, so that different people were late or away; the demo member was present throughout.
ATTENDANCE = [
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PARTIAL, "4.5"),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.ABSENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PARTIAL, "3"),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.EXCUSED, None),
    (AttendanceStatus.PRESENT, None),
]
#: Who marks attendance when they facilitate the session (else its first facilitator does).
ATTENDANCE_TAKER = "facilitator"


class PlannedSession(NamedTuple):
    """One session of the schedule, and how many demo participants it holds."""

    workshop: str  # the workshop's slug
    days: int  # from the day the demo is loaded: negative in the past, 0 today
    city: str
    venue: str
    address: str
    capacity: int
    facilitators: tuple[str, ...]  # usernames, each certified for the workshop
    confirmed: int  # demo participants with a seat (the member comes on top)
    waitlisted: int = 0  # demo participants waiting: only when every seat is taken
    language: str = Language.ENGLISH
    online_url: str = ""
    local: str = ""  # the only local whose members may enrol
    half_days: bool = False
    member: str = ""  # the demo member's enrolment: "confirmed" or "waitlisted" (second)


CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"

SESSIONS = [
    # Upcoming, two to ten weeks ahead.
    PlannedSession(
        workshop="analyzing-your-collective-agreement",
        days=15,
        city="Toronto",
        venue="Toronto Labour Centre",
        address="25 Cecil Street, second floor",
        capacity=24,
        facilitators=("lgagnon",),
        confirmed=14,
    ),
    PlannedSession(  # Full, with a waitlist.
        workshop="stopping-workplace-bullying",
        days=18,
        city="Ottawa",
        venue="Ottawa Union Centre",
        address="280 Albert Street, room 4",
        capacity=16,
        facilitators=("dpatel",),
        confirmed=16,
        waitlisted=2,
        member=WAITLISTED,
    ),
    PlannedSession(
        workshop="union-structure-and-officers-roles",
        days=22,
        city="Halifax",
        venue="Halifax Labour Centre",
        address="5450 Cornwallis Street",
        capacity=25,
        facilitators=("jmacdonald",),
        confirmed=23,
    ),
    PlannedSession(  # For one local only, in its language.
        workshop="handling-conflict",
        days=25,
        city="Laval",
        venue="Bureau de la section locale 3247",
        address="1600, boulevard Saint-Martin Est",
        capacity=15,
        facilitators=("facilitator",),
        confirmed=5,
        language=Language.FRENCH,
        local="3247",
        member=CONFIRMED,
    ),
    PlannedSession(
        workshop="inclusion-and-bias",
        days=29,
        city="Oshawa",
        venue="Durham Region Labour Council Hall",
        address="115 Albert Street",
        capacity=20,
        facilitators=("dpatel", "jmacdonald"),
        confirmed=9,
    ),
    PlannedSession(  # Online.
        workshop="global-solidarity",
        days=32,
        city="",
        venue="",
        address="",
        capacity=30,
        facilitators=("lgagnon",),
        confirmed=12,
        online_url="https://meet.example.org/union-education/global-solidarity",
        member=CONFIRMED,
    ),
    PlannedSession(
        workshop="mobilizing-members",
        days=36,
        city="Hamilton",
        venue="Hamilton Union Hall",
        address="35 York Boulevard",
        capacity=20,
        facilitators=("lgagnon", "facilitator"),
        confirmed=18,
    ),
    PlannedSession(  # In French, open to everyone.
        workshop="analyzing-your-collective-agreement",
        days=40,
        city="Québec",
        venue="Centre des congrès syndical",
        address="155, boulevard Charest Est",
        capacity=20,
        facilitators=("lgagnon",),
        confirmed=6,
        language=Language.FRENCH,
    ),
    PlannedSession(  # Two mornings in a row.
        workshop="handling-conflict",
        days=46,
        city="Sudbury",
        venue="Sudbury Workers' Education Centre",
        address="88 Elm Street",
        capacity=18,
        facilitators=("dpatel",),
        confirmed=7,
        half_days=True,
    ),
    PlannedSession(
        workshop="supervisors-in-the-union",
        days=53,
        city="Nanaimo",
        venue="Nanaimo Labour Hall",
        address="201 Selby Street",
        capacity=12,
        facilitators=("lgagnon",),
        confirmed=11,
    ),
    PlannedSession(
        workshop="elections-matter",
        days=60,
        city="St. John's",
        venue="St. John's Labour Temple",
        address="368 Hamilton Avenue",
        capacity=24,
        facilitators=("jmacdonald",),
        confirmed=8,
    ),
    # Today, for the facilitator to take attendance.
    PlannedSession(
        workshop="elections-matter",
        days=0,
        city="Toronto",
        venue="Toronto Labour Centre",
        address="25 Cecil Street, ground floor",
        capacity=20,
        facilitators=("facilitator",),
        confirmed=12,
    ),
    # Taken place: attendance marked, then closed by the loader.
    PlannedSession(
        workshop="union-structure-and-officers-roles",
        days=-33,
        city="Laval",
        venue="Bureau de la section locale 3247",
        address="1600, boulevard Saint-Martin Est",
        capacity=20,
        facilitators=("facilitator",),
        confirmed=9,
        language=Language.FRENCH,
        member=CONFIRMED,
    ),
    PlannedSession(
        workshop="analyzing-your-collective-agreement",
        days=-24,
        city="Hamilton",
        venue="Hamilton Union Hall",
        address="35 York Boulevard",
        capacity=24,
        facilitators=("lgagnon",),
        confirmed=12,
    ),
    PlannedSession(
        workshop="inclusion-and-bias",
        days=-12,
        city="Ottawa",
        venue="Ottawa Union Centre",
        address="280 Albert Street, room 2",
        capacity=20,
        facilitators=("jmacdonald", "facilitator"),
        confirmed=13,
        member=CONFIRMED,
    ),
    PlannedSession(
        workshop="stopping-workplace-bullying",
        days=-5,
        city="Toronto",
        venue="Toronto Labour Centre",
        address="25 Cecil Street, second floor",
        capacity=20,
        facilitators=("dpatel", "facilitator"),
        confirmed=10,
    ),
]
