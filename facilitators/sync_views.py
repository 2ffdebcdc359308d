"""Where the roster page's script sends the attendance a phone took without a signal.

The rules live in ``courses.attendance.sync``; this view checks who is asking, reads the body
and answers in JSON, refusals included (the page's script reads them: a sign-in page or an
HTML error would mean nothing to it).
"""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from courses.attendance.rules import can_take_attendance
from courses.attendance.sync import (
    NO_SUCH_SESSION,
    NOT_ALLOWED,
    NOT_JSON,
    NOT_SIGNED_IN,
    TOO_LARGE,
    InvalidPayload,
    decode_payload,
    sync_offline,
)
from courses.models import Session
from courses.ratelimits import hit
from courses.validators import fits_key

#: The limit counted per facilitator (see ``courses.ratelimits``).
RATE_LIMIT = "offline_sync.user"


def _error(message, status):
    return JsonResponse({"error": str(message)}, status=status)


@never_cache
@require_POST
def roster_sync(request, session_id):
    """Record the marks and walk-ins of a session that a phone kept offline.

    The body is JSON: ``{"marks": [...], "walk_ins": [...]}``; the answer says what became of
    each item, by its key (see ``courses.attendance.sync.sync_offline``). Only those who take
    the session's attendance may send it: 403 for anyone else (signed in or not), 404 for a
    session that does not exist, 400 for a body that is not such a sending (nothing stored),
    429 past the rate limit.
    """
    user = request.user
    if not user.is_authenticated:
        return _error(NOT_SIGNED_IN, 403)
    limited = hit(request, RATE_LIMIT, user.pk)
    if limited is not None:
        response = _error(limited.message(), 429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    session = None
    if fits_key(Session, session_id):
        session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return _error(NO_SUCH_SESSION, 404)
    if not can_take_attendance(user, session):
        return _error(NOT_ALLOWED, 403)
    if request.content_type != "application/json":
        return _error(NOT_JSON, 400)
    try:
        marks, walk_ins = decode_payload(request.body)
        answer = sync_offline(session.pk, marks, walk_ins, user=user)
    except RequestDataTooBig:
        return _error(TOO_LARGE, 400)
    except InvalidPayload as refusal:
        return _error(refusal.message, 400)
    return JsonResponse(answer)
