"""Requests from locals for tailored sessions: the rules of their life, the public form and
status page, their emails and their admin screens."""
