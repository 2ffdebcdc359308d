"""Models of the courses app: curricula, the union's structure, sessions and enrolments."""

from .attendance import Attendance
from .curriculum import (
    Program,
    ProgramRequirement,
    WorkshopIndexPage,
    WorkshopOutcome,
    WorkshopPage,
    catalogue_filters,
    filter_workshops,
)
from .requests import SessionRequest, SessionRequestPage
from .sessions import Enrollment, Participant, Session, SessionPart
from .union import Division, Local, Sector

__all__ = [
    "Attendance",
    "Division",
    "Enrollment",
    "Local",
    "Participant",
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
]
