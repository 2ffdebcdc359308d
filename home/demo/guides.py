"""The demo facilitator guides, one per workshop, keyed by the workshop's slug.

A guide's agenda is not written here: it is the workshop's curriculum (``workshops.py``), which
the guide shows on the clock from 9:00. The guide adds notes to the breaks (``BREAK_NOTES``)
and activity instructions to some modules, each naming the curriculum module it belongs to;
:func:`agenda_notes` keys them by the module's block in the curriculum, as the guide's editor
does. Each guide has one handout, written as a short HTML page that the loader renders to PDF.
"""

# Every session needs these, whatever the workshop.
COMMON_MATERIALS = [
    ("Sign-in sheet (print it from the session page)", "1"),
    ("Name tents and markers", "one per participant"),
    ("Flip chart stand, pads and markers", "1 stand, 2 pads"),
    ("Masking tape or sticky putty", "1 roll"),
    ("Evaluation forms", "one per participant"),
]

# Shown against the breaks in every agenda.
BREAK_NOTES = {
    "Lunch": "Check the room is booked over lunch; food arrives at 11:45.",
    "Morning break": "Start again on time: say so before people leave the room.",
    "Afternoon break": "A good moment to collect anyone's late sign-in details.",
}

GUIDES = {
    "analyzing-your-collective-agreement": {
        "introduction": (
            "<p>This workshop is for local executive members getting ready for bargaining. "
            "Most of the day is spent with the participants' own collective agreements, so the "
            "quality of the day depends on people bringing them: remind locals in the "
            "confirmation email and have two or three spare sector agreements on hand.</p>"
            "<p>You do not need to be a bargaining expert. Your job is to keep groups working, "
            "push for specific clause numbers and keep the day moving towards the priorities "
            "list at the end.</p>"
        ),
        "materials": [
            ("Spare copies of recent agreements from the same sector", "3"),
            ("Contract language checklist handout", "one per participant"),
            ("Laptop, projector and internet access for the information system demo", "1"),
            ("Highlighters in two colours", "one pair per participant"),
        ],
        "activities": [
            {
                "module": "Reading your agreement for gaps",
                "purpose": (
                    "Participants read their own agreement critically and find concrete gaps "
                    "and weak wording, with clause numbers."
                ),
                "steps": [
                    "Group participants by local; put anyone alone with a local from the same "
                    "sector.",
                    "Hand out the contract language checklist and explain the two colours: one "
                    "for clauses that work, one for gaps.",
                    "Give groups 40 minutes. Visit each group within the first ten minutes.",
                    "Ask each group to write three gaps and three strong clauses on a flip "
                    "chart sheet, with article numbers.",
                    "Post the sheets on the wall and take two minutes per group to report.",
                ],
                "debrief": (
                    "Which gaps came up in more than one local? Which gaps have led to "
                    "grievances? Where did the wording say 'may' when members thought it said "
                    "'shall'?"
                ),
            },
            {
                "module": "Comparing clauses across agreements",
                "purpose": (
                    "Show participants how other locals have solved the same problem, so that "
                    "proposals are grounded in language that already exists."
                ),
                "steps": [
                    "Each group chooses one gap from its morning sheet.",
                    "Groups search the information system for the same article in three other "
                    "agreements in their sector and province.",
                    "They copy the best wording onto a new sheet and mark what makes it stronger.",
                    "Groups report the clause they would propose and why.",
                ],
                "debrief": (
                    "What made the strongest clause strong: a time limit, a number, a clear "
                    "process? Would the employer accept it, and what evidence would help?"
                ),
            },
            {
                "module": "From gaps to bargaining proposals",
                "purpose": "Each local leaves with a short, evidence-based list of priorities.",
                "steps": [
                    "Ask each local to pick its top three gaps.",
                    "For each, they note the evidence: grievances, complaints, survey results, "
                    "comparisons.",
                    "They write how they will bring the list to their bargaining committee and "
                    "their members, with a date.",
                    "Collect one sentence from each local to read out as the day closes.",
                ],
                "debrief": "What will you do with this list next week?",
            },
        ],
        "notes": (
            "<ul><li>Participants often want to argue a current grievance. Acknowledge it, "
            "note the article, and bring the group back to the wording.</li>"
            "<li>Test the information system login the day before. If the internet fails, "
            "use the printed sector agreements for the comparison.</li>"
            "<li>Never promise what bargaining will win: the bargaining committee and the "
            "members decide.</li></ul>"
        ),
        "handout": {
            "title": "Contract language checklist",
            "when": "At the start of 'Reading your agreement for gaps'",
            "html": (
                "<h1>Contract language checklist</h1>"
                "<p>Read each article of your agreement with these questions. Mark clauses "
                "that protect members in one colour and gaps in another.</p>"
                "<h2>Questions for every clause</h2><ul>"
                "<li>Does it say <em>shall</em> (must) or <em>may</em> (optional)?</li>"
                "<li>Is there a time limit, a number or a clear process?</li>"
                "<li>Who decides, and can the decision be grieved?</li>"
                "<li>Does it cover part-time, casual and temporary members?</li>"
                "<li>Has it caused grievances or disputes in the last two years?</li></ul>"
                "<h2>Articles to check first</h2><ul>"
                "<li>Hours of work, scheduling and overtime</li><li>Seniority, job postings "
                "and layoffs</li><li>Leaves of absence</li><li>Health and safety</li>"
                "<li>Discipline and the grievance procedure</li><li>Contracting out</li></ul>"
                "<p>Bring what you find to your local's bargaining committee with the article "
                "numbers and your evidence.</p>"
            ),
        },
    },
    "mobilizing-members": {
        "introduction": (
            "<p>This workshop is for mobilization committees. It is practical: participants "
            "map their own workplace and practise one-on-one conversations. Keep "
            "presentations short and give the time to practice.</p>"
            "<p>Participants have already taken <i>Analyzing Your Collective Agreement</i>, "
            "so they know their local's issues; ask them to connect every activity to those "
            "issues.</p>"
        ),
        "materials": [
            ("Large paper sheets for workplace maps", "two per local"),
            ("Coloured dots (green, yellow, red)", "one sheet per local"),
            ("One-on-one conversation guide handout", "one per participant"),
            ("Timeline strip for the case study (taped along one wall)", "1"),
        ],
        "activities": [
            {
                "module": "Mapping your workplace",
                "purpose": (
                    "Show committees where the union is strong and where it has no contact, "
                    "so they can plan who talks to whom."
                ),
                "steps": [
                    "Give each local a large sheet and ask them to draw the workplace: "
                    "buildings, departments, shifts.",
                    "Add where people meet informally: break rooms, parking, smoking areas.",
                    "Mark each area with a dot: green for active members, yellow for some "
                    "contact, red for none.",
                    "Circle the respected coworkers people listen to, whether or not they are "
                    "active in the union.",
                    "Do a gallery walk: locals visit two other maps and leave one suggestion.",
                ],
                "debrief": (
                    "Where are the red areas, and why? Which respected coworkers have never "
                    "been asked to help?"
                ),
            },
            {
                "module": "One-on-one conversations",
                "purpose": (
                    "Practise conversations that listen first and end with a concrete ask."
                ),
                "steps": [
                    "Demonstrate a five-minute conversation with a volunteer, using the guide: "
                    "introduce, ask, listen, connect, ask, follow up.",
                    "Form groups of three: organizer, coworker, observer. The coworker picks a "
                    "realistic attitude card (busy, sceptical, angry, keen).",
                    "Run three rounds of seven minutes so everyone plays each role; the "
                    "observer gives feedback for two minutes after each.",
                    "Bring the room back together for the debrief.",
                ],
                "debrief": (
                    "How much of the conversation did the organizer spend listening? What was "
                    "the ask, and was it specific? What did the sceptical coworker need to "
                    "hear?"
                ),
            },
            {
                "module": "Your committee's mobilization plan",
                "purpose": "Each committee leaves with goals, a contact network and dates.",
                "steps": [
                    "Locals set one goal for member involvement, with a number.",
                    "Using the morning's map, they assign one contact for every ten coworkers.",
                    "They choose how members will hear news while bargaining is confidential.",
                    "They set their first three actions, each with a date and a person "
                    "responsible.",
                    "Each local reports its first action to the room.",
                ],
                "debrief": "What could stop this plan, and what will you do about it?",
            },
        ],
        "notes": (
            "<ul><li>If a local is already in a dispute, let it use its real situation for "
            "the case study, but keep confidential bargaining details out of the room.</li>"
            "<li>Quiet participants often do well in the threes; do not skip the role play "
            "because the room seems shy.</li>"
            "<li>Remind committees that actions must respect the law and the agreement; staff "
            "representatives can advise on specific plans.</li></ul>"
        ),
        "handout": {
            "title": "One-on-one conversation guide",
            "when": "Before the demonstration in 'One-on-one conversations'",
            "html": (
                "<h1>One-on-one conversation guide</h1>"
                "<p>A good conversation is mostly listening. Aim to talk for a third of the "
                "time at most.</p><ol>"
                "<li><strong>Introduce yourself</strong> and why you are talking to people.</li>"
                "<li><strong>Ask</strong> what is going on at work and what they would change."
                "</li><li><strong>Listen</strong> and ask follow-up questions.</li>"
                "<li><strong>Connect</strong> their issue to what the union is doing in "
                "bargaining.</li><li><strong>Ask</strong> for something specific: sign the "
                "petition, wear the button on Thursday, come to the meeting.</li>"
                "<li><strong>Follow up</strong>: note what they said and check back within a "
                "week.</li></ol>"
                "<p>If someone says no, thank them and leave the door open. People change their "
                "minds when they see coworkers taking part.</p>"
            ),
        },
    },
    "stopping-workplace-bullying": {
        "introduction": (
            "<p>This workshop is open to all members. Expect that some participants are being "
            "bullied now or have been; a few may be there because they have been accused. The "
            "workshop is not the place to deal with individual cases, but it must be a place "
            "where people feel safe.</p>"
            "<p>Have the contact details of your division's staff representative and the "
            "employee assistance program ready to give anyone who asks.</p>"
        ),
        "materials": [
            ("Case study cards (four stories)", "one set per group"),
            ("Bullying: what it is and what you can do handout", "one per participant"),
            ("Copies of the employer's respectful workplace policy, if available", "a few"),
            ("Local contact list: stewards, staff representative, assistance program", "1"),
        ],
        "activities": [
            {
                "module": "Case studies: naming the behaviour",
                "purpose": (
                    "Help participants tell bullying apart from conflict and from fair "
                    "management, using facts rather than feelings alone."
                ),
                "steps": [
                    "Form groups of four and give each a set of the four case cards.",
                    "Groups decide for each case: bullying, not bullying, or need more facts.",
                    "For each 'need more facts', they write the questions they would ask.",
                    "Take one case at a time and ask groups to hold up their answer.",
                ],
                "debrief": (
                    "What made the difference between a tough manager and a bully? Did "
                    "repetition matter? What facts would a steward need to write down?"
                ),
            },
            {
                "module": "From bystander to ally",
                "purpose": "Give participants safe, realistic ways to act when they see bullying.",
                "steps": [
                    "Ask the room why people stay silent; list the reasons without judging.",
                    "Present the five responses: interrupt, distract, support afterwards, "
                    "document, report.",
                    "In threes, act out a short scene from the case cards; the bystander tries "
                    "one response, then a different one.",
                    "Rotate roles so everyone plays the bystander once.",
                ],
                "debrief": (
                    "Which response felt possible for you? Which would be risky in your "
                    "workplace, and what would make it safer?"
                ),
            },
        ],
        "notes": (
            "<ul><li>If someone becomes upset, call a short break and check in privately. "
            "Never ask a participant to share their own experience.</li>"
            "<li>If someone describes a current situation in detail, thank them and offer to "
            "connect them with a steward at the break.</li>"
            "<li>Do not give legal opinions on whether something is harassment under the law; "
            "say that a steward or staff representative will look at the facts.</li>"
            "<li>Role players should not play the bully as a cartoon: it makes the scene "
            "less useful.</li></ul>"
        ),
        "handout": {
            "title": "Bullying: what it is and what you can do",
            "when": "During 'What the union can do'",
            "html": (
                "<h1>Bullying: what it is and what you can do</h1>"
                "<p>Bullying is repeated behaviour that humiliates, intimidates or isolates a "
                "person: shouting, insults, spreading rumours, leaving someone out, setting "
                "impossible deadlines. It can come from a manager or a coworker.</p>"
                "<p>It is not bullying when a supervisor fairly assigns work, sets standards or "
                "gives a reasonable evaluation, or when coworkers have a single disagreement.</p>"
                "<h2>If it is happening to you</h2><ul><li>Write down what happened, when, "
                "where, and who saw it.</li><li>Keep emails and messages.</li><li>Talk to a "
                "steward. You do not have to decide anything before you do.</li></ul>"
                "<h2>If you see it</h2><ul><li>Interrupt or distract if it is safe.</li>"
                "<li>Check on the person afterwards.</li><li>Write down what you saw.</li>"
                "<li>Encourage them to contact the union, and offer to go with them.</li></ul>"
            ),
        },
    },
    "handling-conflict": {
        "introduction": (
            "<p>This workshop suits any member and is often requested by locals after a "
            "difficult year. Conflict in the room is likely: treat it as material for the "
            "day, calmly.</p><p>The core of the day is the positions and interests exercise "
            "and the listening practice. If time runs short, shorten the presentation, never "
            "the practice.</p>"
        ),
        "materials": [
            ("Positions and interests worksheet", "one per participant"),
            ("Scheduling dispute scenario", "one per group"),
            ("Executive conflict case study", "one per group"),
            ("Observer checklists for the listening practice", "one per three participants"),
        ],
        "activities": [
            {
                "module": "Naming the issues: positions and interests",
                "purpose": (
                    "Show that behind most demands are needs that can be met in more than one way."
                ),
                "steps": [
                    "Read the scheduling dispute aloud: two coworkers both want the same "
                    "weekend off.",
                    "In groups, participants fill in the worksheet: what each person says "
                    "they want, and why they might want it.",
                    "Each group lists at least three interests per person.",
                    "Groups share, and the facilitator marks interests the two people have in "
                    "common.",
                ],
                "debrief": (
                    "Once you saw the interests, did new solutions appear? Which interests "
                    "did the two people share?"
                ),
            },
            {
                "module": "Communicating in conflict",
                "purpose": "Practise listening and speaking skills that lower the temperature.",
                "steps": [
                    "Demonstrate a poor response and a good one to the same angry remark.",
                    "In pairs, one person talks for three minutes about a frustration at work; "
                    "the other only listens and then summarizes.",
                    "Swap roles.",
                    "In threes with an observer, practise turning blaming statements into 'I' "
                    "statements.",
                ],
                "debrief": (
                    "How did it feel to be really listened to? What was hard about listening?"
                ),
            },
            {
                "module": "Finding solutions together",
                "purpose": "Apply the day's tools to a conflict inside a union executive.",
                "steps": [
                    "Give each group the executive conflict case.",
                    "Groups name the issues and each side's interests.",
                    "They brainstorm options without judging them for five minutes.",
                    "They test the options against the interests and choose one.",
                    "Each group presents its solution and the first step.",
                ],
                "debrief": "What would you need to say first to get both sides to the table?",
            },
        ],
        "notes": (
            "<ul><li>If two participants are in a real conflict with each other, do not put "
            "them in the same group.</li>"
            "<li>A quiet room usually warms up in pairs; start the listening practice in "
            "pairs before any whole-group sharing.</li>"
            "<li>This is not mediation training. If a local needs a mediator, refer the "
            "request to staff.</li></ul>"
        ),
        "handout": {
            "title": "Positions and interests worksheet",
            "when": "At the start of 'Naming the issues'",
            "html": (
                "<h1>Positions and interests worksheet</h1>"
                "<p>A <strong>position</strong> is what someone says they want. An "
                "<strong>interest</strong> is why they want it: a need, a worry, a hope.</p>"
                "<h2>For each person in the conflict</h2><ol>"
                "<li>What are they asking for?</li><li>Why might that matter to them? List at "
                "least three reasons.</li><li>What would they lose if they did not get it?"
                "</li></ol><h2>Together</h2><ol><li>Which interests do both people share?</li>"
                "<li>List every option you can think of, without judging.</li><li>Which "
                "options meet the most important interests on both sides?</li><li>What is the "
                "first step, and who takes it?</li></ol>"
            ),
        },
    },
    "union-structure-and-officers-roles": {
        "introduction": (
            "<p>This is the first workshop of Local Executive Training and often the first "
            "union course a new officer takes. Many participants will be nervous about their "
            "new role. Make the day welcoming and practical: by the end, each person should "
            "know where to find answers.</p>"
            "<p>Bring enough copies of the union's constitution. Ask locals to bring their "
            "bylaws; have a sample set of bylaws for anyone who forgets.</p>"
        ),
        "materials": [
            ("Copies of the union's constitution", "one per two participants"),
            ("Sample local bylaws", "one per group"),
            ("Union structure chart poster", "1"),
            ("Officers' duties at a glance handout", "one per participant"),
            ("Mock meeting agenda and motion cards", "one set"),
        ],
        "activities": [
            {
                "module": "Officers' roles and duties",
                "purpose": (
                    "Each officer learns their duties and how the offices depend on one another."
                ),
                "steps": [
                    "Form groups by office: presidents, vice-presidents, secretary-treasurers, "
                    "recording secretaries, trustees. Mix small groups if numbers are uneven.",
                    "Each group lists its office's duties from the bylaws and the constitution.",
                    "Groups add the three hardest parts of the job and one question.",
                    "Each group reports in three minutes; the room adds what is missing.",
                ],
                "debrief": (
                    "Where do two offices share a duty, such as signing cheques? What happens "
                    "to the local's records when an officer leaves?"
                ),
            },
            {
                "module": "Speaking and deciding at union meetings",
                "purpose": (
                    "Practise the rules of order so officers can chair and speak with confidence."
                ),
                "steps": [
                    "Hand out the mock agenda and give motion cards to six volunteers.",
                    "A volunteer chairs; the facilitator sits beside them to coach.",
                    "Run the meeting: a main motion, an amendment, a point of order, a "
                    "speaking list that puts first-time speakers first.",
                    "Pause twice to ask the room what the chair should do next.",
                    "Change chairs halfway so two people practise.",
                ],
                "debrief": (
                    "How did the rules help or get in the way? How can a chair make sure new "
                    "members feel able to speak?"
                ),
            },
        ],
        "notes": (
            "<ul><li>Questions about a particular local's dispute or finances should go to "
            "its staff representative; note them and pass them on.</li>"
            "<li>Keep the structure presentation to its 45 minutes: the chart is on the "
            "handout.</li>"
            "<li>If nobody volunteers to chair, chair the first ten minutes yourself, then "
            "hand over.</li></ul>"
        ),
        "handout": {
            "title": "Officers' duties at a glance",
            "when": "During 'Officers' roles and duties'",
            "html": (
                "<h1>Officers' duties at a glance</h1>"
                "<p>Your local's bylaws and the union's constitution are the final word. This "
                "sheet is a summary.</p><ul>"
                "<li><strong>President</strong>: chairs meetings, speaks for the local, makes "
                "sure the executive does its work.</li>"
                "<li><strong>Vice-president</strong>: supports the president and takes the "
                "chair when the president is absent.</li>"
                "<li><strong>Secretary-treasurer</strong>: keeps the local's money and "
                "financial records, reports to members, co-signs cheques.</li>"
                "<li><strong>Recording secretary</strong>: keeps minutes of meetings and the "
                "local's correspondence.</li>"
                "<li><strong>Trustees</strong>: check the local's finances and property on "
                "behalf of members and report on them.</li></ul>"
                "<p>Every officer owes members fair representation and honest records.</p>"
            ),
        },
    },
    "strategic-planning": {
        "introduction": (
            "<p>This session is never delivered off the shelf. Before the day, meet union "
            "staff and the local president to go through the local's request: its goals, "
            "size, challenges and the figures it will bring. Adapt the examples and case "
            "material to that local.</p>"
            "<p>The result of the day is a written plan. Agree in advance who will type it up "
            "and send it to the executive within a week.</p>"
        ),
        "materials": [
            ("The local's request and staff preparation notes", "1"),
            ("Local's figures printed large: membership, meeting attendance, stewards", "1 set"),
            ("Dot stickers for priority voting", "five per participant"),
            ("Goal-setting worksheet", "one per participant"),
            ("A laptop to type the plan during the session", "1"),
        ],
        "activities": [
            {
                "module": "Where our local stands",
                "purpose": "Build a shared, evidence-based picture of the local.",
                "steps": [
                    "Post the local's figures on the wall and give five minutes to read them.",
                    "Draw four quadrants: strengths, weaknesses, opportunities, threats.",
                    "Each person writes one idea per sticky note and places it.",
                    "Group similar notes and name each group together.",
                ],
                "debrief": "What surprised you? Which weakness, if fixed, would help most?",
            },
            {
                "module": "Turning priorities into measurable goals",
                "purpose": (
                    "Make each priority specific enough that the local will know if it succeeded."
                ),
                "steps": [
                    "Take the three priorities chosen before lunch.",
                    "For each, write a goal with a number and a date, using the worksheet.",
                    "Add the first steps for the next six weeks.",
                    "Add the milestones for one and three years.",
                    "Read each goal aloud and ask: how will we know we got there?",
                ],
                "debrief": "Are these goals realistic with the people and money the local has?",
            },
        ],
        "notes": (
            "<ul><li>Executives sometimes use the day to air old disputes. Acknowledge them, "
            "park them on a flip chart sheet, and agree when they will be dealt with.</li>"
            "<li>Keep the number of priorities to three. More than three is a wish list.</li>"
            "<li>Send the typed plan to the executive and to staff; staff schedule a "
            "follow-up call after three months.</li></ul>"
        ),
        "handout": {
            "title": "Goal-setting worksheet",
            "when": "After lunch, for 'Turning priorities into measurable goals'",
            "html": (
                "<h1>Goal-setting worksheet</h1>"
                "<p>Write one worksheet for each priority.</p><ol>"
                "<li><strong>Priority</strong>: in a few words, what matters.</li>"
                "<li><strong>Goal</strong>: what will be true, by how much, by when. For "
                "example: a trained steward on every shift by next June.</li>"
                "<li><strong>Next six weeks</strong>: the first three steps.</li>"
                "<li><strong>One year</strong>: where we expect to be.</li>"
                "<li><strong>Three years</strong>: where we want to be.</li>"
                "<li><strong>Who</strong>: the person responsible and the people who help."
                "</li><li><strong>How we will report</strong> to members, and when.</li></ol>"
            ),
        },
    },
    "inclusion-and-bias": {
        "introduction": (
            "<p>This workshop asks executives to look at their own locals, which can feel "
            "uncomfortable. Set the tone early: the aim is to understand and improve, not to "
            "blame. Share an example from your own experience of a bias you noticed in "
            "yourself.</p><p>Ask locals in advance for attendance figures from recent "
            "meetings; bring a sample set for groups that have none.</p>"
        ),
        "materials": [
            ("Sample membership and attendance figures", "one set per group"),
            ("Three member profiles for the barriers case study", "one set per group"),
            ("Barriers to participation checklist", "one per participant"),
            ("Short bias exercises (slides or printed)", "1"),
        ],
        "activities": [
            {
                "module": "Who is in the room?",
                "purpose": "Make visible who takes part in the local and who does not.",
                "steps": [
                    "Each local lists who came to its last three general meetings by job "
                    "class, shift and work site, without names.",
                    "They compare the list with the membership as a whole.",
                    "They mark the groups who are missing or under-represented.",
                    "Each local shares one finding.",
                ],
                "debrief": "Which members have you never heard from? Why might that be?",
            },
            {
                "module": "Barriers to participation",
                "purpose": "Find the practical reasons members stay away.",
                "steps": [
                    "Give each group the three member profiles: a night-shift worker, a "
                    "single parent working part time, a newcomer who prefers French.",
                    "Groups follow each member through a month and note every barrier to "
                    "taking part.",
                    "They compare their lists with the checklist.",
                    "Each group reports the barrier it thinks is easiest to remove.",
                ],
                "debrief": "Which barriers does your local create without meaning to?",
            },
        ],
        "notes": (
            "<ul><li>If a participant dismisses the topic, ask what they have noticed about "
            "who comes to meetings; let the figures speak.</li>"
            "<li>Do not ask members of equity-seeking groups to speak for their group.</li>"
            "<li>Keep the bias exercises light; the point is that everyone has biases, not "
            "that anyone is a bad person.</li></ul>"
        ),
        "handout": {
            "title": "Barriers to participation checklist",
            "when": "During 'Barriers to participation'",
            "html": (
                "<h1>Barriers to participation checklist</h1>"
                "<p>Go through the list for your local's meetings, events and committees.</p>"
                "<ul><li>Are meetings held at times that suit every shift?</li>"
                "<li>Is the venue accessible, and is the information about it clear?</li>"
                "<li>Do you offer child care or a child-care subsidy?</li>"
                "<li>Are notices and meetings available in English and French where members "
                "need them?</li><li>Are part-time, casual and temporary members invited?</li>"
                "<li>Do new members get a personal welcome?</li>"
                "<li>Who gets asked to run for office or join a committee, and who is never "
                "asked?</li></ul>"
                "<p>Pick two items and decide what your local will change in the next three "
                "months.</p>"
            ),
        },
    },
    "global-solidarity": {
        "introduction": (
            "<p>This workshop connects members' daily work to workers elsewhere. Some "
            "participants will know the history well; others will be meeting it for the "
            "first time. Keep the presentation short and let the case studies carry the "
            "argument.</p><p>Check the union's international solidarity fund and current "
            "campaigns before the session so you can point to real ways to take part.</p>"
        ),
        "materials": [
            ("Timeline cards for the wall exercise", "one set"),
            ("Privatization case studies (three countries)", "one set per group"),
            ("Planning a solidarity action handout", "one per participant"),
            ("World map poster", "1"),
        ],
        "activities": [
            {
                "module": "Austerity and privatization, here and abroad",
                "purpose": (
                    "Show that the pressures on public services follow similar patterns in "
                    "different countries."
                ),
                "steps": [
                    "Give each group one case: water, hospital cleaning or public transit.",
                    "Groups note who pushed for privatization, what changed for workers and "
                    "users, and how people resisted.",
                    "Each group finds a similar fight in our own sectors.",
                    "Groups report; mark each case on the world map.",
                ],
                "debrief": (
                    "What patterns repeat? What helped services come back into public hands?"
                ),
            },
            {
                "module": "Planning a solidarity action",
                "purpose": "Turn concern into an action a local can actually carry out.",
                "steps": [
                    "Groups choose one type of action from the handout.",
                    "They set a goal, the allies they need and the resources it takes.",
                    "They write the steps with a timeline for the next six months.",
                    "They prepare a two-minute pitch for their local's next meeting.",
                    "Each group gives its pitch; the room asks one question.",
                ],
                "debrief": "What would make members in your local care about this?",
            },
        ],
        "notes": (
            "<ul><li>Discussions can become abstract. Bring them back to a workplace, a "
            "product or a service the participants know.</li>"
            "<li>Expect disagreement about trade and politics; keep it respectful and "
            "focused on workers' interests.</li>"
            "<li>Check facts and figures are current before each delivery.</li></ul>"
        ),
        "handout": {
            "title": "Planning a solidarity action",
            "when": "At the start of 'Planning a solidarity action'",
            "html": (
                "<h1>Planning a solidarity action</h1>"
                "<h2>Ideas your local could take on</h2><ul>"
                "<li>A resolution to your division's convention.</li>"
                "<li>A twinning with a union local in another country.</li>"
                "<li>Asking your employer for an ethical purchasing policy.</li>"
                "<li>A fundraiser for the union's international solidarity fund.</li>"
                "<li>Hosting a speaker from a partner union.</li></ul>"
                "<h2>Plan it</h2><ol><li>What do we want to achieve?</li><li>Who are our "
                "allies, here and abroad?</li><li>What will it cost, in money and time?</li>"
                "<li>What are the steps, and who does each one by when?</li><li>How will we "
                "report back to members?</li></ol>"
            ),
        },
    },
    "supervisors-in-the-union": {
        "introduction": (
            "<p>This workshop is for locals where some members direct the work of others: "
            "lead hands, charge nurses, shift supervisors. Participants may have been "
            "criticised by coworkers or by management; acknowledge both pressures.</p>"
            "<p>Read the local's agreement before the session for any clauses on lead hands "
            "or supervisory duties, and adapt the rights presentation to it.</p>"
        ),
        "materials": [
            ("Tension case cards (four cases)", "one set per group"),
            ("Role-play briefs for the difficult conversation", "one set per three participants"),
            ("Supervisors in the union: guidelines handout", "one per participant"),
        ],
        "activities": [
            {
                "module": "Where the tensions show up",
                "purpose": "Name real situations where the two roles pull apart.",
                "steps": [
                    "Give each group the four case cards.",
                    "For each case, groups decide what the supervisor's duty is and what "
                    "their duty as a union member is.",
                    "They mark where the two conflict and what the agreement says.",
                    "Groups report one case each.",
                ],
                "debrief": "When should a supervisor say 'that is a management decision'?",
            },
            {
                "module": "A difficult conversation with someone you supervise",
                "purpose": "Practise raising a work problem fairly without acting as management.",
                "steps": [
                    "Hand out the briefs: a coworker who is often late for a shared shift.",
                    "In threes: supervisor, coworker, observer. Play for seven minutes.",
                    "The observer reports what helped and what made it worse.",
                    "Rotate so everyone plays the supervisor.",
                ],
                "debrief": (
                    "Where is the line between helping a coworker and reporting them? What "
                    "would you do if management asked you to write up the lateness?"
                ),
            },
        ],
        "notes": (
            "<ul><li>Be clear that discipline is management's job; supervisors who are "
            "members should not be asked to take part in it, and should call a steward if "
            "they are.</li>"
            "<li>Questions about whether a job should be in the bargaining unit belong to "
            "staff, not to this workshop.</li>"
            "<li>Keep coworkers' names out of every example.</li></ul>"
        ),
        "handout": {
            "title": "Supervisors in the union: guidelines",
            "when": "During 'Keeping supervision out of union work'",
            "html": (
                "<h1>Supervisors in the union: guidelines</h1>"
                "<p>As a unionized supervisor you are a member with the same rights as anyone "
                "else, including the right to a steward.</p><ul>"
                "<li>Direct the work fairly and the same way for everyone.</li>"
                "<li>Leave discipline to management. If you are asked to take part, call a "
                "steward.</li><li>Step back from any grievance that involves a decision you "
                "made.</li><li>Keep what you learn as a supervisor out of union meetings, and "
                "what you learn in the union out of supervision.</li>"
                "<li>If you are a steward or officer too, tell the executive about any "
                "conflict of interest.</li></ul>"
            ),
        },
    },
    "elections-matter": {
        "introduction": (
            "<p>This workshop helps members see how elections at every level shape public "
            "services, and how they can take part. It is non-partisan: the union may take "
            "positions on issues, but participants decide how they vote.</p>"
            "<p>Before each delivery, check which elections are coming in the participants' "
            "province and the current third-party advertising rules with staff.</p>"
        ),
        "materials": [
            ("Chart of the four levels of government and their responsibilities", "1"),
            ("Upcoming election dates for the province", "1"),
            ("Talking about elections at work handout", "one per participant"),
            ("Conversation scenario cards", "one set per pair"),
        ],
        "activities": [
            {
                "module": "What is at stake for our members",
                "purpose": "Link an upcoming election to the issues members face at work.",
                "steps": [
                    "Groups choose an upcoming election: school board, municipal, provincial "
                    "or federal.",
                    "They list decisions that body makes affecting their sector.",
                    "They write three questions members could ask candidates.",
                    "Each group reads its best question.",
                ],
                "debrief": "Which of these issues do members already talk about at work?",
            },
            {
                "module": "Talking with coworkers about elections",
                "purpose": "Practise respectful conversations that encourage people to vote.",
                "steps": [
                    "Demonstrate a conversation that starts from a workplace issue, not a party.",
                    "In pairs, members draw a scenario card: an undecided coworker, one who "
                    "never votes, one who disagrees with the union.",
                    "Play for five minutes, then swap.",
                    "Pairs share one phrase that worked.",
                ],
                "debrief": "How do you respect someone's choice and still encourage them to vote?",
            },
        ],
        "notes": (
            "<ul><li>Do not endorse or criticise parties or candidates yourself, even if "
            "asked. Explain the union's process for endorsements where one exists.</li>"
            "<li>If a debate becomes partisan, bring it back to the issues in the "
            "workplace.</li><li>Election rules change; check with staff before each "
            "session.</li></ul>"
        ),
        "handout": {
            "title": "Talking about elections at work",
            "when": "Before 'Talking with coworkers about elections'",
            "html": (
                "<h1>Talking about elections at work</h1>"
                "<ul><li><strong>Start with work</strong>: staffing, workload, a service that "
                "was cut or contracted out.</li><li><strong>Ask, then listen</strong>: what "
                "does your coworker think should change?</li><li><strong>Connect</strong>: "
                "which level of government decides on it?</li><li><strong>Respect</strong> "
                "their choice. The goal is an informed vote, not a particular vote.</li>"
                "<li><strong>Invite</strong>: to a candidates' meeting, to check they are "
                "registered, to vote early.</li></ul>"
                "<p>Talk on breaks and your own time, and use your own devices. Union "
                "resources used in campaigns are covered by election law: ask staff first.</p>"
            ),
        },
    },
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
