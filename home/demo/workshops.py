"""The demo catalogue: the union's ten six-hour workshops and the two programs they belong to.

Each workshop's curriculum is a full day (9:00 to 15:00, breaks and lunch included) whose module
minutes add up to exactly 360, as ``WorkshopPage.clean()`` requires. The facilitator guides in
``guides.py`` build their agendas from these modules, so a change here moves both.
"""

from typing import NamedTuple

from courses.choices import ActivityType, Audience


class Module(NamedTuple):
    """One timed part of a workshop's day, as it appears in the curriculum StreamField."""

    title: str
    minutes: int
    activity_type: str
    description: str


def lunch():
    return Module(
        "Lunch",
        45,
        ActivityType.BREAK,
        "Lunch is provided. Facilitators stay in the room for anyone who wants to talk one to one.",
    )


def break_(when):
    return Module(
        f"{when} break",
        15,
        ActivityType.BREAK,
        "Coffee, stretching and a chance to check messages.",
    )


def evaluation(minutes=15, title="Wrap-up and evaluation"):
    return Module(
        title,
        minutes,
        ActivityType.REFLECTION,
        "Participants name one thing they will do differently and fill in the evaluation form. "
        "Completed evaluations are how the education committee decides what to change.",
    )


BARGAINING_PROGRAM = "bargaining-program"
LOCAL_EXECUTIVE_TRAINING = "local-executive-training"

PROGRAMS = [
    {
        "slug": BARGAINING_PROGRAM,
        "title": "Bargaining Program",
        "description": (
            "Workshops that prepare locals for bargaining: reading the agreement you have, "
            "deciding what to change, and keeping members informed and involved until a new "
            "agreement is ratified."
        ),
        "issues_certificate": False,
        "required": [],
    },
    {
        "slug": LOCAL_EXECUTIVE_TRAINING,
        "title": "Local Executive Training",
        "description": (
            "Core training for newly elected and returning local officers: how the union works, "
            "what each officer is responsible for, and how to bring more members into the life "
            "of the local. Members who complete the required workshops receive a program "
            "certificate. Strategic planning is part of the program but is delivered only when "
            "a local requests it, so it is not required."
        ),
        "issues_certificate": True,
        # In order; Strategic Planning belongs to the program but is delivered on request only.
        "required": ["union-structure-and-officers-roles", "inclusion-and-bias"],
    },
]


# Listed so that every prerequisite comes before the workshops that need it.
WORKSHOPS = [
    {
        "slug": "analyzing-your-collective-agreement",
        "title": "Bargaining: Analyzing Your Collective Agreement",
        "program": BARGAINING_PROGRAM,
        "audience": Audience.LOCAL_EXECUTIVE,
        "summary": (
            "Read your collective agreement the way the employer does: find the gaps, the vague "
            "language and the missing protections, and turn them into bargaining priorities."
        ),
        "outcomes": [
            "Explain why clear contract language protects members better than past practice.",
            "Find gaps, weak wording and outdated clauses in your own collective agreement.",
            "Compare your clauses with other agreements using the union's collective agreement "
            "information system.",
            "Connect grievances and member complaints to the articles that caused them.",
            "Draft a short list of bargaining priorities to take back to your local.",
        ],
        "what_to_bring": (
            "<ul><li><b>Your local's current collective agreement</b>, printed or on a laptop "
            "or tablet, with any letters of understanding.</li>"
            "<li>A list of the grievances your local filed in the last two years, if you have "
            "one.</li><li>A laptop or tablet if you can: we will log in to the collective "
            "agreement information system together.</li></ul>"
        ),
        "curriculum": [
            Module(
                "Welcome, introductions and ground rules",
                30,
                ActivityType.DISCUSSION,
                "Participants say which local they come from, when their agreement expires and "
                "one clause that causes trouble at work. The group agrees how it will work "
                "together for the day.",
            ),
            Module(
                "Why contract language matters",
                45,
                ActivityType.PRESENTATION,
                "How arbitrators read an agreement, why 'may' and 'shall' are not the same word, "
                "and why a protection that exists only as past practice can disappear with a "
                "new manager.",
            ),
            break_("Morning"),
            Module(
                "Reading your agreement for gaps",
                60,
                ActivityType.SMALL_GROUPS,
                "In groups, participants work through their own agreements with a checklist: "
                "hours of work, overtime, seniority, job postings, leaves, health and safety, "
                "discipline. Each group records three gaps and three clauses that work well.",
            ),
            lunch(),
            Module(
                "Using the collective agreement information system",
                45,
                ActivityType.PRESENTATION,
                "A live tour of the union's database of collective agreements: searching by "
                "sector, province and clause, and pulling wage and benefit comparisons for your "
                "bargaining committee.",
            ),
            Module(
                "Comparing clauses across agreements",
                45,
                ActivityType.CASE_STUDY,
                "Groups take one gap found in the morning, look up how three other locals in "
                "the same sector deal with it, and choose the wording that would best protect "
                "their members.",
            ),
            break_("Afternoon"),
            Module(
                "From gaps to bargaining proposals",
                45,
                ActivityType.PLANNING,
                "Each local drafts its top three priorities, notes the evidence behind each "
                "(grievances, member surveys, comparisons) and plans how to bring them to the "
                "bargaining committee and the membership.",
            ),
            evaluation(),
        ],
    },
    {
        "slug": "mobilizing-members",
        "title": "Bargaining: Mobilizing Members",
        "program": BARGAINING_PROGRAM,
        "audience": Audience.MOBILIZATION_COMMITTEE,
        "prerequisites": ["analyzing-your-collective-agreement"],
        "summary": (
            "Build the member support that moves an employer at the table: map your workplace, "
            "hold one-on-one conversations, and plan actions that grow from before bargaining "
            "starts until ratification."
        ),
        "outcomes": [
            "Map your workplace by department, shift and informal leaders.",
            "Hold a structured one-on-one conversation that ends with a clear ask.",
            "Plan a sequence of actions that builds pressure step by step.",
            "Keep members informed when bargaining is confidential.",
            "Leave with a first mobilization plan and a timeline for your committee.",
        ],
        "what_to_bring": (
            "<ul><li>A rough list of your workplace's departments, sites and shifts.</li>"
            "<li>Your local's bargaining priorities or member survey results, if they exist."
            "</li></ul>"
        ),
        "curriculum": [
            Module(
                "Welcome: what mobilizing means to us",
                30,
                ActivityType.DISCUSSION,
                "Participants describe the last time members in their workplace acted together "
                "and what made it work. The facilitator draws out the difference between "
                "informing members and mobilizing them.",
            ),
            Module(
                "Mapping your workplace",
                60,
                ActivityType.SMALL_GROUPS,
                "On large sheets, each local draws its workplace: departments, shifts, break "
                "rooms, who talks to whom. Groups mark where the union is strong, where it is "
                "absent, and who the respected coworkers are.",
            ),
            break_("Morning"),
            Module(
                "One-on-one conversations",
                60,
                ActivityType.ROLE_PLAY,
                "The facilitator demonstrates a conversation that listens first, connects the "
                "member's issue to bargaining and ends with a specific ask. Participants practise "
                "in threes: organizer, coworker, observer.",
            ),
            lunch(),
            Module(
                "Building pressure through bargaining",
                45,
                ActivityType.CASE_STUDY,
                "Groups follow a local through a year of bargaining and choose its actions: "
                "buttons and stickers, petitions, information pickets, a rally at a board "
                "meeting. They discuss what each step asks of members and what it tells the "
                "employer.",
            ),
            break_("Afternoon"),
            Module(
                "Your committee's mobilization plan",
                75,
                ActivityType.PLANNING,
                "Each local sets its goals, its contact network (one member for every ten "
                "coworkers), how it will share news while bargaining is confidential, and its "
                "first three actions with dates and names.",
            ),
            evaluation(),
        ],
    },
    {
        "slug": "stopping-workplace-bullying",
        "title": "Stopping Workplace Bullying",
        "program": None,
        "audience": Audience.ALL_MEMBERS,
        "summary": (
            "Recognize bullying, understand the harm it does to the target and the whole "
            "workplace, act instead of standing by, and know what the union can do about it."
        ),
        "outcomes": [
            "Tell bullying apart from ordinary conflict and from reasonable management action.",
            "Describe how bullying affects the target, coworkers and the workplace.",
            "Use safe ways to step in as a bystander.",
            "Name the tools the union has: the collective agreement, policies, health and "
            "safety law and grievances.",
        ],
        "what_to_bring": (
            "<p>Nothing is required. If your employer has a respectful workplace or "
            "harassment policy, bring a copy.</p>"
        ),
        "curriculum": [
            Module(
                "Welcome and a safe space for this topic",
                30,
                ActivityType.DISCUSSION,
                "Some participants will have been bullied. The group agrees on confidentiality "
                "and on not naming people, and the facilitator explains that anyone may step out "
                "at any time.",
            ),
            Module(
                "What bullying is, and what it is not",
                45,
                ActivityType.PRESENTATION,
                "Repeated behaviour meant or likely to humiliate, intimidate or isolate, from "
                "managers or coworkers. How it differs from a single disagreement and from a "
                "supervisor's fair direction of work, and where provincial law calls it "
                "harassment.",
            ),
            Module(
                "How bullying harms everyone",
                45,
                ActivityType.DISCUSSION,
                "Effects on health, sick leave and careers; how fear spreads to coworkers and "
                "silences a work team; and why a bullying culture weakens the union.",
            ),
            break_("Morning"),
            Module(
                "Case studies: naming the behaviour",
                45,
                ActivityType.CASE_STUDY,
                "Groups read four short workplace stories and decide which describe bullying, "
                "which do not, and what facts they would need to know.",
            ),
            lunch(),
            Module(
                "From bystander to ally",
                60,
                ActivityType.ROLE_PLAY,
                "Why witnesses stay silent and five ways to step in: interrupt, distract, "
                "support the target afterwards, document, report. Participants practise short "
                "scenes and try more than one response.",
            ),
            break_("Afternoon"),
            Module(
                "What the union can do",
                45,
                ActivityType.PRESENTATION,
                "Complaints under the employer's policy, grievances under the agreement, the "
                "joint health and safety committee, and bargaining stronger language. When to "
                "call a steward, and what a steward needs from you.",
            ),
            evaluation(title="Personal action plan and evaluation"),
        ],
    },
    {
        "slug": "handling-conflict",
        "title": "Handling Conflict",
        "program": None,
        "audience": Audience.ALL_MEMBERS,
        "summary": (
            "Understand where conflict at work comes from, name the real issues underneath it, "
            "communicate when tempers are high, and find solutions people can live with."
        ),
        "outcomes": [
            "Describe common sources of workplace conflict and how conflict escalates.",
            "Separate a person's position from the interests behind it.",
            "Use active listening and 'I' statements in a tense conversation.",
            "Work with others towards a solution that meets the main interests on each side.",
        ],
        "what_to_bring": "<p>Nothing is required.</p>",
        "curriculum": [
            Module(
                "Welcome: conflicts we have seen",
                30,
                ActivityType.DISCUSSION,
                "Without names, participants describe a conflict at work or in the local and "
                "how it ended. The facilitator lists the patterns on the flip chart.",
            ),
            Module(
                "Understanding conflict",
                45,
                ActivityType.PRESENTATION,
                "Sources of conflict (resources, roles, values, poor communication, workload), "
                "the stages of escalation, and the usual responses: avoid, give in, compete, "
                "compromise, solve together.",
            ),
            break_("Morning"),
            Module(
                "Naming the issues: positions and interests",
                60,
                ActivityType.SMALL_GROUPS,
                "Groups take a scheduling dispute between two coworkers and separate what each "
                "person demands from what each actually needs, using the positions and "
                "interests worksheet.",
            ),
            lunch(),
            Module(
                "Communicating in conflict",
                60,
                ActivityType.ROLE_PLAY,
                "Active listening, summarizing, asking open questions and speaking in 'I' "
                "statements. Participants practise in pairs, then again with an observer who "
                "gives feedback.",
            ),
            break_("Afternoon"),
            Module(
                "Finding solutions together",
                60,
                ActivityType.CASE_STUDY,
                "A conflict between two members of a local executive: groups generate options, "
                "test them against each side's interests, and agree on next steps.",
            ),
            evaluation(minutes=30, title="Closing reflection and evaluation"),
        ],
    },
    {
        "slug": "union-structure-and-officers-roles",
        "title": "Union Structure and Local Officers' Roles",
        "program": LOCAL_EXECUTIVE_TRAINING,
        "audience": Audience.LOCAL_EXECUTIVE,
        "summary": (
            "How the union is built, from the local to the national convention; what each "
            "local officer is responsible for; and how to use the bylaws and run meetings "
            "where members are heard."
        ),
        "outcomes": [
            "Describe how locals, divisions, sector councils and the national union fit together.",
            "Explain the labour movement values behind the union's structure.",
            "List the main duties of the president, vice-president, secretary-treasurer, "
            "recording secretary and trustees.",
            "Find answers in your local's bylaws and the union's constitution.",
            "Chair or speak at a meeting using the rules of order.",
        ],
        "what_to_bring": (
            "<ul><li>Your local's bylaws.</li><li>The union's constitution, if you have a "
            "copy (copies are provided).</li></ul>"
        ),
        "curriculum": [
            Module(
                "Welcome and introductions",
                20,
                ActivityType.DISCUSSION,
                "Participants give their name, local and office, and how long they have held it.",
            ),
            Module(
                "Labour movement values",
                40,
                ActivityType.DISCUSSION,
                "Solidarity, democracy, equality and the duty of fair representation: what "
                "they mean in the daily work of a local and why the union is organized as it is.",
            ),
            Module(
                "How our union is structured",
                45,
                ActivityType.PRESENTATION,
                "Locals, provincial divisions, sector councils, the national executive and the "
                "convention; how resolutions travel; where staff representatives fit; and the "
                "union's links with labour councils and federations of labour.",
            ),
            break_("Morning"),
            Module(
                "Officers' roles and duties",
                60,
                ActivityType.SMALL_GROUPS,
                "Each group takes one office, lists its duties from the bylaws, and reports "
                "back. The discussion covers signing authority, record keeping and what happens "
                "when an office is vacant.",
            ),
            lunch(),
            Module(
                "Bylaws and the constitution",
                45,
                ActivityType.CASE_STUDY,
                "Groups answer real questions from locals (can a meeting be held online? who "
                "approves an expense?) by finding the answer in the bylaws or the constitution.",
            ),
            break_("Afternoon"),
            Module(
                "Speaking and deciding at union meetings",
                60,
                ActivityType.ROLE_PLAY,
                "A mock general membership meeting: motions, amendments, points of order, "
                "speaking lists that give first-time speakers priority, and calling the vote.",
            ),
            evaluation(),
        ],
    },
    {
        "slug": "strategic-planning",
        "title": "Strategic Planning for Your Local",
        "program": LOCAL_EXECUTIVE_TRAINING,
        "audience": Audience.LOCAL_EXECUTIVE,
        "offered_on_request": True,
        "prerequisites": ["union-structure-and-officers-roles"],
        "summary": (
            "A planning day built with union staff for one local's executive: agree where the "
            "local is going, set goals you can measure over weeks and years, and plan how to "
            "bring more members into the work."
        ),
        "outcomes": [
            "Assess your local's strengths and challenges with evidence.",
            "Agree on a small number of priorities for the next one to three years.",
            "Turn each priority into a measurable goal with a deadline.",
            "Plan how to recruit and support new activists to carry the plan.",
            "Assign responsibilities and a date to review progress.",
        ],
        "what_to_bring": (
            "<ul><li>Your local's membership numbers and any recent member survey.</li>"
            "<li>Last year's financial statement and budget.</li>"
            "<li>Minutes of the last general membership meeting.</li></ul>"
            "<p>Union staff will contact the local before the session to prepare it.</p>"
        ),
        "curriculum": [
            Module(
                "Welcome and what the executive wants from today",
                30,
                ActivityType.DISCUSSION,
                "Each officer says what a good result for today would look like. The facilitator "
                "reads back the goals the local gave when it requested the session.",
            ),
            Module(
                "Where our local stands",
                60,
                ActivityType.SMALL_GROUPS,
                "Using the figures staff prepared with the local (membership, attendance at "
                "meetings, grievances, steward coverage), the executive lists its strengths, "
                "weaknesses, opportunities and threats.",
            ),
            break_("Morning"),
            Module(
                "Setting priorities",
                45,
                ActivityType.DISCUSSION,
                "The executive narrows the list to three priorities, using dot voting and a "
                "discussion of what members have asked for.",
            ),
            lunch(),
            Module(
                "Turning priorities into measurable goals",
                60,
                ActivityType.PLANNING,
                "Each priority becomes a goal with a number and a date, with short-term steps "
                "for the next weeks and longer ones for the next years: for example, a steward "
                "on every shift by next June.",
            ),
            break_("Afternoon"),
            Module(
                "Building activism to carry the plan",
                45,
                ActivityType.SMALL_GROUPS,
                "Who could take on a small task? The executive lists members to approach, what "
                "to ask each of them, and how to support and thank new activists.",
            ),
            Module(
                "Who does what, by when",
                30,
                ActivityType.PLANNING,
                "Responsibilities, deadlines and a review date go into the plan, with how "
                "progress will be reported to members.",
            ),
            evaluation(title="Next steps and evaluation"),
        ],
    },
    {
        "slug": "inclusion-and-bias",
        "title": "Who Gets Involved? Inclusion and Bias",
        "program": LOCAL_EXECUTIVE_TRAINING,
        "audience": Audience.LOCAL_EXECUTIVE,
        "summary": (
            "Look honestly at who takes part in your local and who does not, understand how "
            "unconscious bias shapes who gets asked, and plan how to reach members on the "
            "margins."
        ),
        "outcomes": [
            "Describe who participates in your local and who is missing.",
            "Explain unconscious bias and how it affects union decisions.",
            "Identify practical barriers to participation such as meeting times, language and "
            "child care.",
            "Plan concrete steps to reach members who are rarely involved.",
        ],
        "what_to_bring": (
            "<p>If you can, bring attendance figures from your local's last few general "
            "membership meetings.</p>"
        ),
        "curriculum": [
            Module(
                "Welcome and group agreements",
                30,
                ActivityType.DISCUSSION,
                "The group sets agreements for a respectful conversation about identity and "
                "fairness, including speaking from one's own experience.",
            ),
            Module(
                "Who is in the room?",
                45,
                ActivityType.SMALL_GROUPS,
                "Each local compares the make-up of its executive and its regular meeting-goers "
                "with its membership: job classes, shifts, part-time and casual workers, age, "
                "gender, racialized members, members with disabilities.",
            ),
            break_("Morning"),
            Module(
                "Understanding unconscious bias",
                60,
                ActivityType.PRESENTATION,
                "How quick judgements form, with short exercises that show them at work. How "
                "bias shows up when a local chooses delegates, stewards or who to ask for help.",
            ),
            lunch(),
            Module(
                "Barriers to participation",
                45,
                ActivityType.CASE_STUDY,
                "Groups follow three members who never come to meetings and find the barriers: "
                "meeting times and places, shift work, child care, language, accessibility, and "
                "never having been asked.",
            ),
            break_("Afternoon"),
            Module(
                "Reaching members on the margins",
                60,
                ActivityType.SMALL_GROUPS,
                "Examples from other locals: meetings on each shift, child-care subsidies, "
                "interpretation, equity committees, personal invitations. Groups choose what "
                "would work for them.",
            ),
            Module(
                "Commitments for our local",
                30,
                ActivityType.PLANNING,
                "Each local writes two changes it will make in the next three months and who "
                "will be responsible.",
            ),
            evaluation(),
        ],
    },
    {
        "slug": "global-solidarity",
        "title": "Global Solidarity",
        "program": None,
        "audience": Audience.ALL_MEMBERS,
        "summary": (
            "Trace the roots of global inequality, see how austerity and privatization travel "
            "from country to country, find where workers have power, and plan solidarity that "
            "crosses borders."
        ),
        "outcomes": [
            "Explain some of the historical and economic roots of global inequality.",
            "Describe how austerity and privatization affect public services here and abroad.",
            "Identify points where workers can act together across borders.",
            "Plan a practical solidarity action for your local.",
        ],
        "what_to_bring": "<p>Nothing is required.</p>",
        "curriculum": [
            Module(
                "Welcome: where our work connects to the world",
                30,
                ActivityType.DISCUSSION,
                "Participants trace one thing from their workplace (a uniform, a medical "
                "supply, a software contract) back to where it is made and by whom.",
            ),
            Module(
                "Roots of global inequality",
                60,
                ActivityType.PRESENTATION,
                "Colonialism, debt and trade rules, and how they shaped who holds wealth today. "
                "A timeline exercise places key events on the wall.",
            ),
            break_("Morning"),
            Module(
                "Austerity and privatization, here and abroad",
                60,
                ActivityType.CASE_STUDY,
                "Groups compare cases of privatized water, hospital cleaning and public "
                "transit in different countries with contracting-out fights in our own sectors, "
                "including services brought back in house.",
            ),
            lunch(),
            Module(
                "Where workers have power",
                45,
                ActivityType.SMALL_GROUPS,
                "Supply chains, public procurement, pension fund investments and international "
                "union federations: groups identify where members' actions can make a "
                "difference.",
            ),
            break_("Afternoon"),
            Module(
                "Planning a solidarity action",
                75,
                ActivityType.PLANNING,
                "Groups plan an action their local could take: a resolution, a twinning with a "
                "union abroad, a procurement policy, a fundraiser or a speaking tour, with "
                "steps, allies and a timeline.",
            ),
            evaluation(),
        ],
    },
    {
        "slug": "supervisors-in-the-union",
        "title": "Supervisors in the Union",
        "program": None,
        "audience": Audience.SUPERVISORS,
        "summary": (
            "For locals whose members supervise other members: the rights and duties of "
            "unionized supervisors, where the tensions arise, and how to keep them out of "
            "union work."
        ),
        "outcomes": [
            "Describe the rights and duties of a unionized supervisor under the agreement.",
            "Recognize situations where supervising and union work pull in different directions.",
            "Handle a difficult conversation with a coworker you supervise fairly.",
            "Agree on guidelines that keep supervision issues out of union decisions.",
        ],
        "what_to_bring": (
            "<p>Your collective agreement and, if you have one, your job description.</p>"
        ),
        "curriculum": [
            Module(
                "Welcome: supervising and belonging",
                30,
                ActivityType.DISCUSSION,
                "Participants describe what they supervise and one moment when being both a "
                "supervisor and a union member felt uncomfortable.",
            ),
            Module(
                "Your rights and duties as a unionized supervisor",
                60,
                ActivityType.PRESENTATION,
                "What the agreement says about lead hands and supervisors, what the employer "
                "may and may not ask of you, your own right to representation, and why "
                "discipline stays with management.",
            ),
            break_("Morning"),
            Module(
                "Where the tensions show up",
                45,
                ActivityType.CASE_STUDY,
                "Groups work through cases: assigning overtime, reporting a coworker's "
                "lateness, being asked to sit in on a disciplinary meeting, a friend who "
                "expects favours.",
            ),
            lunch(),
            Module(
                "A difficult conversation with someone you supervise",
                60,
                ActivityType.ROLE_PLAY,
                "In threes, participants practise raising a work problem with a coworker "
                "fairly and respectfully, without taking on management's role.",
            ),
            break_("Afternoon"),
            Module(
                "Keeping supervision out of union work",
                45,
                ActivityType.SMALL_GROUPS,
                "Conflicts of interest for supervisors who are stewards or officers, stepping "
                "back from grievances that involve your own decisions, and keeping "
                "confidences.",
            ),
            Module(
                "Guidelines for our local",
                30,
                ActivityType.PLANNING,
                "The group drafts a short set of guidelines for supervisors in the local to "
                "propose to the executive.",
            ),
            evaluation(),
        ],
    },
    {
        "slug": "elections-matter",
        "title": "Elections Matter",
        "program": None,
        "audience": Audience.ALL_MEMBERS,
        "summary": (
            "School board, municipal, provincial and federal elections decide how public "
            "services are funded and run. Learn what is at stake for members and how to take "
            "part, from voting to supporting candidates."
        ),
        "outcomes": [
            "Explain which public services each level of government decides on.",
            "Identify the issues at stake for members in an upcoming election.",
            "Describe what the union and its members may and may not do during a campaign.",
            "Talk with coworkers about elections in a respectful, non-partisan way.",
            "Leave with a plan for your local's involvement in the next election.",
        ],
        "what_to_bring": "<p>Nothing is required.</p>",
        "curriculum": [
            Module(
                "Welcome: why elections touch our work",
                30,
                ActivityType.DISCUSSION,
                "Participants name a decision by an elected body that changed their job: a "
                "budget cut, a contract given to a private company, a new school or clinic.",
            ),
            Module(
                "Four levels of government, four kinds of decisions",
                60,
                ActivityType.PRESENTATION,
                "What school boards, municipalities, provinces and the federal government each "
                "decide, and how their budgets reach our workplaces.",
            ),
            break_("Morning"),
            Module(
                "What is at stake for our members",
                45,
                ActivityType.SMALL_GROUPS,
                "Groups pick an upcoming election and list the issues that matter to their "
                "sector, and the questions members could put to candidates.",
            ),
            lunch(),
            Module(
                "The rules for unions in elections",
                30,
                ActivityType.PRESENTATION,
                "Election laws on third-party advertising and spending, the difference between "
                "issue campaigns and endorsements, using union resources, and volunteering on "
                "your own time. Rules differ by province: staff can advise.",
            ),
            Module(
                "Ways to get involved",
                45,
                ActivityType.DISCUSSION,
                "Voting and helping coworkers vote, candidates' debates, volunteering on a "
                "campaign, and running for office yourself, with stories from members who did.",
            ),
            break_("Afternoon"),
            Module(
                "Talking with coworkers about elections",
                45,
                ActivityType.ROLE_PLAY,
                "Participants practise short conversations that start from a workplace issue, "
                "respect people's own choices, and end with an invitation to vote.",
            ),
            Module(
                "Our local's election plan and evaluation",
                30,
                ActivityType.PLANNING,
                "Each local sets two or three activities for the next election and fills in "
                "the evaluation form.",
            ),
        ],
    },
]
