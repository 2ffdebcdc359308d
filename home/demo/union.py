"""The demo union: its site, home page, divisions, sectors, locals and people.

The locals and people are invented. They are the same on every install so that a demo script,
a screenshot or a bug report can name "Local 3247" or "member@example.org" and be understood.
"""

from courses.choices import TimeZone
from courses.roles import FACILITATORS_GROUP, STAFF_GROUP

ORGANISATION = {
    "name": "Union Education",
    "contact_email": "education@example.org",
    "staff_notification_emails": "education@example.org",
}

HOME_PAGE = {
    "title": "Union Education",
    "slug": "home",
    "heading": "Learn together, act together",
    "introduction": (
        "Free workshops for union members, taught by members. Whether you have just joined, "
        "were newly elected to your local's executive or are getting ready for bargaining, "
        "there is a workshop for you, in English or in French."
    ),
    "body": (
        "<h2>What we offer</h2>"
        "<p>Our workshops are six-hour days of practical, hands-on learning. They are led by "
        "trained member facilitators who know the workplace because they work there too. "
        "You will spend most of the day working with other members on real situations, "
        "not listening to lectures.</p>"
        "<ul><li><b>Bargaining Program</b>: read your collective agreement for gaps and build "
        "the member support that wins at the table.</li>"
        "<li><b>Local Executive Training</b>: the union's structure, officers' duties, "
        "running meetings, and bringing more members into the local.</li>"
        "<li><b>Workshops for all members</b>: stopping workplace bullying, handling "
        "conflict, global solidarity, and why elections matter.</li></ul>"
        "<h2>How to take part</h2>"
        "<ol><li>Talk to your local: most locals approve and book members off work for "
        "training, so ask your executive before you register.</li>"
        "<li>Choose a session and enrol. If it is full, join the waitlist and we will email "
        "you when a place opens.</li>"
        "<li>Tell us about any accessibility or child-care needs when you enrol.</li>"
        "<li>Attend the whole day to receive your certificate, which you can download from "
        "My learning.</li></ol>"
        "<h2>Tailored sessions for locals</h2>"
        "<p>Local executives can request a strategic planning session built with union staff "
        "for their local: set goals you can measure and plan how to grow activism.</p>"
        "<h2>Part of a bigger movement</h2>"
        "<p>What members learn here feeds into the union's wider work: bargaining "
        "conferences where more than a thousand members set common priorities, and sector "
        "council conferences where members share how they fought privatization and brought "
        "services back in house.</p>"
    ),
}

WORKSHOP_INDEX = {
    "title": "Workshops",
    "slug": "workshops",
    "introduction": (
        "Every workshop below is a full day, from 9:00 to 15:00, with lunch provided. Filter "
        "by program or audience, then choose a session in your language and region. "
        "Strategic planning is delivered on request for one local at a time."
    ),
}

# (code, name, time zone): a division's zone is suggested for the sessions held there.
DIVISIONS = [
    ("ON", "Ontario", TimeZone.EASTERN),
    ("BC", "British Columbia", TimeZone.PACIFIC),
    ("NS", "Nova Scotia", TimeZone.ATLANTIC),
    ("NL", "Newfoundland and Labrador", TimeZone.NEWFOUNDLAND),
    ("QC", "Quebec", TimeZone.EASTERN),
    ("MB", "Manitoba", TimeZone.CENTRAL),
    ("AB", "Alberta", TimeZone.MOUNTAIN),
]

HEALTH_CARE = "Health care"
SCHOOL_BOARDS = "School boards"
MUNICIPALITIES = "Municipalities"
SOCIAL_SERVICES = "Social services"
UNIVERSITIES = "Universities"
LIBRARIES = "Libraries"
AIRLINES = "Airlines"
ENERGY = "Energy"
TRANSPORTATION = "Transportation"

SECTORS = [
    HEALTH_CARE,
    SCHOOL_BOARDS,
    MUNICIPALITIES,
    SOCIAL_SERVICES,
    UNIVERSITIES,
    LIBRARIES,
    AIRLINES,
    ENERGY,
    TRANSPORTATION,
]

# (number, name, city, division code, sector)
LOCALS = [
    ("1104", "Toronto Public Library Workers", "Toronto", "ON", LIBRARIES),
    ("2250", "Ottawa Municipal Employees", "Ottawa", "ON", MUNICIPALITIES),
    ("4417", "Hamilton Hospital Support Staff", "Hamilton", "ON", HEALTH_CARE),
    ("3906", "Waterloo Region School Support Staff", "Kitchener", "ON", SCHOOL_BOARDS),
    ("1281", "Sudbury Children's Aid Workers", "Sudbury", "ON", SOCIAL_SERVICES),
    ("5120", "Thunder Bay University Support Staff", "Thunder Bay", "ON", UNIVERSITIES),
    ("8630", "Durham Region Transit Workers", "Oshawa", "ON", TRANSPORTATION),
    ("2041", "Vancouver Island Health Workers", "Victoria", "BC", HEALTH_CARE),
    ("1936", "Burnaby School Support Staff", "Burnaby", "BC", SCHOOL_BOARDS),
    ("718", "Surrey Municipal Workers", "Surrey", "BC", MUNICIPALITIES),
    ("3338", "Prince George Campus Workers", "Prince George", "BC", UNIVERSITIES),
    ("4500", "Okanagan Community Social Services", "Kelowna", "BC", SOCIAL_SERVICES),
    ("6120", "Pacific Coast Flight Attendants", "Richmond", "BC", AIRLINES),
    ("1867", "Halifax Regional Library Workers", "Halifax", "NS", LIBRARIES),
    ("2525", "Cape Breton Health Care Workers", "Sydney", "NS", HEALTH_CARE),
    ("3018", "Atlantic Power Plant Workers", "Dartmouth", "NS", ENERGY),
    ("5047", "Annapolis Valley School Support Staff", "Kentville", "NS", SCHOOL_BOARDS),
    ("1560", "St. John's City Workers", "St. John's", "NL", MUNICIPALITIES),
    ("2790", "Avalon Campus Support Staff", "St. John's", "NL", UNIVERSITIES),
    ("4210", "Western Newfoundland Hydro Workers", "Corner Brook", "NL", ENERGY),
    (
        "3247",
        "Travailleuses et travailleurs des services sociaux de Laval",
        "Laval",
        "QC",
        SOCIAL_SERVICES,
    ),
    ("1500", "Cols bleus et cols blancs de la Ville de Québec", "Québec", "QC", MUNICIPALITIES),
    ("2815", "Personnel de soutien hospitalier de l'Estrie", "Sherbrooke", "QC", HEALTH_CARE),
    ("4041", "Agentes et agents de bord de Montréal", "Dorval", "QC", AIRLINES),
    ("3680", "Travailleurs de l'énergie de la Côte-Nord", "Baie-Comeau", "QC", ENERGY),
    ("5312", "Personnel de soutien scolaire de l'Outaouais", "Gatineau", "QC", SCHOOL_BOARDS),
    ("2348", "Winnipeg Transit and Fleet Workers", "Winnipeg", "MB", TRANSPORTATION),
    ("1073", "Brandon Public Library Workers", "Brandon", "MB", LIBRARIES),
    ("3197", "Calgary Airline Customer Service Agents", "Calgary", "AB", AIRLINES),
    ("4102", "Edmonton Community Social Services Workers", "Edmonton", "AB", SOCIAL_SERVICES),
]

# Everyone who can sign in with a password uses this one; the loader sets it only when it
# creates the user, so a password changed later is left alone.
DEMO_PASSWORD = "changeme"  # noqa: S105

ALL_WORKSHOPS = "all"

# Users who sign in with a password. ``facilitator`` is a Facilitator profile to create.
USERS = [
    {
        "username": "admin",
        "email": "admin@example.org",
        "first_name": "Ada",
        "last_name": "Administrator",
        "is_superuser": True,
        "is_staff": True,
        "groups": [],
    },
    {
        "username": "staff",
        "email": "staff@example.org",
        "first_name": "Jordan",
        "last_name": "Leblanc",
        "is_staff": True,
        "groups": [STAFF_GROUP],
    },
    {
        "username": "facilitator",
        "email": "facilitator@example.org",
        "first_name": "Nadia",
        "last_name": "Bouchard",
        "groups": [FACILITATORS_GROUP],
        "facilitator": {
            "bio": (
                "Nadia is a child protection worker and a member of Local 3247 in Laval. She "
                "has been a steward for ten years and has facilitated union workshops in "
                "English and French since 2016, across every program."
            ),
            "english": True,
            "french": True,
            "workshops": ALL_WORKSHOPS,
        },
    },
    {
        "username": "dpatel",
        "email": "devi.patel@example.org",
        "first_name": "Devi",
        "last_name": "Patel",
        "groups": [FACILITATORS_GROUP],
        "facilitator": {
            "bio": (
                "Devi works in patient registration at a Hamilton hospital and chairs her "
                "local's health and safety committee. She facilitates workshops on bullying, "
                "conflict and inclusion."
            ),
            "english": True,
            "french": False,
            "workshops": ["stopping-workplace-bullying", "handling-conflict", "inclusion-and-bias"],
        },
    },
    {
        "username": "jmacdonald",
        "email": "jamie.macdonald@example.org",
        "first_name": "Jamie",
        "last_name": "MacDonald",
        "groups": [FACILITATORS_GROUP],
        "facilitator": {
            "bio": (
                "Jamie is a library technician in Halifax and a former local president. Jamie "
                "teaches Local Executive Training and helps locals plan their year."
            ),
            "english": True,
            "french": False,
            "workshops": [
                "union-structure-and-officers-roles",
                "strategic-planning",
                "inclusion-and-bias",
                "elections-matter",
            ],
        },
    },
    {
        "username": "lgagnon",
        "email": "luc.gagnon@example.org",
        "first_name": "Luc",
        "last_name": "Gagnon",
        "groups": [FACILITATORS_GROUP],
        "facilitator": {
            "bio": (
                "Luc is a flight attendant based in Montreal who has sat on three bargaining "
                "committees. He facilitates the Bargaining Program and Global Solidarity in "
                "French and English."
            ),
            "english": True,
            "french": True,
            "workshops": [
                "analyzing-your-collective-agreement",
                "mobilizing-members",
                "global-solidarity",
                "supervisors-in-the-union",
            ],
        },
    },
]

# Participants sign in by an emailed link, so this user has no usable password.
MEMBER = {
    "username": "member",
    "email": "member@example.org",
    "first_name": "Marie",
    "last_name": "Tremblay",
}
