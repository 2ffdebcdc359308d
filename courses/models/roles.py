"""The permissions of the education roles, which concern no one record (see ``courses.roles``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EducationRole(models.Model):
    """Holds no rows, and has no table: it only carries the roles' permissions, as Wagtail's
    ``Admin`` model carries ``access_admin``.

    They sit on a model of their own, not on ``Session``, because Wagtail shows a model's
    history (Reports → Site history) to whoever holds any permission on it: a facilitator must
    not read every session's history for being allowed to facilitate.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            (
                "manage_every_session",
                _("Can take the attendance of every session, close it early and reopen it"),
            ),
            ("facilitate_sessions", _("Can be assigned to facilitate sessions")),
        ]
        verbose_name = _("education role")
        verbose_name_plural = _("education roles")

    def __str__(self):
        return str(self._meta.verbose_name)
