"""The names of the actions the apps write to Wagtail's log (their labels are registered
in ``wagtail_hooks.py``)."""

MARK_ACTION = "courses.attendance.mark"
WALK_IN_ACTION = "courses.session.walk_in"
CLOSE_ACTION = "courses.session.close"
REOPEN_ACTION = "courses.session.reopen"
#: A mark made offline that was not applied, a later one of the same person being recorded
#: already: kept in the enrolment's history beside the mark that stands.
SUPERSEDED_ACTION = "courses.attendance.superseded"
