"""Models of the courses app: curricula, the union's structure, sessions and enrolments."""

from .attendance import Attendance, AttendanceDay, OfflineMark
from .curriculum import (
    Program,
    ProgramRequirement,
    WorkshopIndexPage,
    WorkshopOutcome,
    WorkshopPage,
    catalogue_filters,
    filter_workshops,
    in_language,
    programs_in_language,
    sessions_of_workshops,
    show_in_language,
    show_programs,
)
from .requests import SessionRequest, SessionRequestPage
from .roles import EducationRole
from .sessions import Enrollment, Participant, PendingEnrollment, Session, SessionPart
from .union import Division, Local, Sector

__all__ = [
    "Attendance",
    "AttendanceDay",
    "Division",
    "EducationRole",
    "Enrollment",
    "Local",
    "OfflineMark",
    "Participant",
    "PendingEnrollment",
    "Program",
    "ProgramRequirement",
    "Sector",
    "Session",
    "SessionPart",
    "SessionRequest",
    "SessionRequestPage",
    "WorkshopIndexPage",
    "WorkshopOutcome",
    "WorkshopPage",
    "catalogue_filters",
    "filter_workshops",
    "in_language",
    "programs_in_language",
    "sessions_of_workshops",
    "show_in_language",
    "show_programs",
]
