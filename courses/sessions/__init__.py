"""Sessions and enrolment: scheduling, enrolling and its confirmation, the waitlist, sign-in by
link, calendars, the emails people receive, the public pages and the admin screens of a
session."""
