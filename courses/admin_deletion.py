"""Records the database keeps because other records need them, refused deletion in the admin.

A member's enrolments and certificates, a session's enrolments: those links are protected by
the database (``on_delete=PROTECT``) but not followed by Wagtail's reference index (saving an
enrolment would otherwise queue an index update each time). The admin's delete views and
bulk deletion ask the database's own rules instead, and say the record cannot be deleted,
never failing on the database's refusal.
"""

from django.db import router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError


def records_keeping(instance):
    """How many records keep ``instance`` from being deleted (0: it may be deleted)."""
    collector = Collector(using=router.db_for_write(type(instance)))
    try:
        collector.collect([instance])
    except ProtectedError as error:
        return len(error.protected_objects)
    except RestrictedError as error:
        return len(error.restricted_objects)
    return 0


class KeptForRecords:
    """Stands for Wagtail's usage of a record the database keeps: protected, counted."""

    is_protected = True

    def __init__(self, count):
        self._count = count

    def count(self):
        return self._count


def usage_with_records(instance, usage):
    """``usage`` (Wagtail's, may be None), or :class:`KeptForRecords` when records keep
    ``instance``."""
    keeping = records_keeping(instance)
    if keeping:
        return KeptForRecords(keeping + (usage.count() if usage is not None else 0))
    return usage


class KeptForRecordsDeleteMixin:
    """For a delete view: a record that others keep is shown as protected and never deleted."""

    def get_usage(self):
        return usage_with_records(self.object, super().get_usage())

    def delete(self, request, *args, **kwargs):
        # An HTTP DELETE goes through the same checks as the confirmation form.
        return self.post(request, *args, **kwargs)


class KeptForRecordsBulkDeleteMixin:
    """For a bulk delete action: any chosen record that others keep makes the action refused,
    named in the confirmation as protected."""

    def annotate_items(self, items):
        items = super().annotate_items(items)
        for item in items:
            item._usage_references = usage_with_records(item, item._usage_references)
            self.is_protected = self.is_protected or item._usage_references.is_protected
        return items
