"""Prerequisites: the workshops a member completes before taking another."""

from ..models import Enrollment


def missing_prerequisites(participant, workshop):
    """Prerequisite workshops of ``workshop`` that the participant has not completed."""
    required = list(workshop.prerequisites.all())
    if not required:
        return []
    completed = set(
        Enrollment.objects.filter(
            participant=participant,
            completed=True,
            session__workshop__in=required,
        ).values_list("session__workshop_id", flat=True)
    )
    return [w for w in required if w.pk not in completed]
