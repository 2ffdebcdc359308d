"""The names of the actions the apps write to Wagtail's log (their labels are registered
in ``wagtail_hooks.py``)."""

MARK_ACTION = "courses.attendance.mark"
WALK_IN_ACTION = "courses.session.walk_in"
CLOSE_ACTION = "courses.session.close"
REOPEN_ACTION = "courses.session.reopen"
