"""Attendance: marking who came, walk-ins, closing a session and the outcome emails, and
reopening a closed session."""
