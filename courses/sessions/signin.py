"""Signing participants in without a password: a one-time link sent to their email address.

Participants need no account to enrol. When one asks for a sign-in link, an account is created
for them (with no usable password) and linked to their participant record, so that the link can
log them in to My learning. People with access to the Wagtail admin (staff, facilitators) are
never signed in by link: their email tells them to use their password instead.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from sesame import settings as sesame_settings
from sesame.utils import get_query_string, get_user

from ..mail import absolute_url
from ..models import Participant

#: Tokens made here only work at our sign-in link, and tokens made elsewhere do not work there.
SCOPE = "courses.sign_in"

_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def safe_next_url(url, default=""):
    """``url`` if it is a path on this site, else ``default``: never redirect elsewhere."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) and url.startswith("/"):
        return url
    return default


def link_max_age_minutes():
    """How long a sign-in link works, in whole minutes (None when links never expire)."""
    max_age = sesame_settings.MAX_AGE
    return None if max_age is None else max(1, round(max_age / 60))


def uses_password(user):
    """Whether this user signs in with a password: anyone with access to the Wagtail admin."""
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


def _free_username(email):
    User = get_user_model()
    max_length = User._meta.get_field(User.USERNAME_FIELD).max_length
    base = _USERNAME_UNSAFE.sub("_", email.lower())[:max_length]
    candidate, number = base, 1
    while User._default_manager.filter(**{User.USERNAME_FIELD: candidate}).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


def _active_user_with_email(email):
    User = get_user_model()
    return (
        User._default_manager.filter(
            **{f"{User.get_email_field_name()}__iexact": email, "is_active": True}
        )
        .order_by("pk")
        .first()
    )


def user_for_email(email):
    """The account a sign-in link for ``email`` should log in, or None for an unknown address.

    A participant without an account gets one (see :func:`account_for`).
    """
    email = email.strip()
    participant = Participant.objects.select_related("user").with_email(email).first()
    if participant is None:
        return _active_user_with_email(email)
    return account_for(participant)[0]


def account_for(participant):
    """``(user, created)``: the account of ``participant`` (None when it was deactivated), and
    whether it was made just now.

    A participant without an account gets one: an existing active user with the same email is
    linked to them, otherwise a new user with no usable password is created.
    """
    if participant.user_id is not None:
        user = participant.user
        return (user if user.is_active else None), False

    user = _active_user_with_email(participant.email)
    if user is not None and Participant.objects.filter(user=user).exists():
        user = None  # already someone else's account: make this participant their own
    created = False
    try:
        with transaction.atomic():
            if user is None:
                User = get_user_model()
                user = User._default_manager.create_user(
                    **{
                        User.USERNAME_FIELD: _free_username(participant.email),
                        "email": participant.email,
                    },
                    password=None,
                )
                created = True
            participant.user = user
            participant.save(update_fields=["user"])
    except IntegrityError:  # a parallel request linked an account a moment ago
        participant.refresh_from_db()
        user, created = participant.user, False
    return user, created


def sign_in_link(user, next_url=""):
    """An absolute, one-time, expiring link that logs ``user`` in."""
    query = get_query_string(user, scope=SCOPE)
    next_url = safe_next_url(next_url)
    if next_url:
        query += "&" + urlencode({"next": next_url})
    return absolute_url(reverse("courses:sign_in_link") + query)


def user_from_link(request):
    """The user a sign-in link in ``request`` is for, or None if it is forged, old or used.

    Does not use the link up: logging the user in does (one-time links depend on the last
    login date).
    """
    user = get_user(request, scope=SCOPE, update_last_login=False)
    if user is None or uses_password(user):
        return None
    return user


def send_sign_in_email(email, next_url=""):
    """Email a sign-in link to ``email`` if it belongs to a participant or a user.

    Sends nothing for an unknown address. Returns whether an email was sent; callers must not
    tell the person, so that nobody can find out whose addresses are known.
    """
    user = user_for_email(email)
    if user is None:
        return False
    participant = getattr(user, "participant", None)
    language = getattr(participant, "preferred_language", "") or translation.get_language()
    with translation.override(language or settings.LANGUAGE_CODE):
        password_only = uses_password(user)
        context = {
            "user": user,
            "participant": participant,
            "uses_password": password_only,
            "link": "" if password_only else sign_in_link(user, next_url),
            "admin_login_url": absolute_url(
                reverse("wagtailadmin_login")
                + "?"
                + urlencode({"next": safe_next_url(next_url, reverse("courses:my_learning"))})
            ),
            "my_learning_url": absolute_url(reverse("courses:my_learning")),
            "max_age_minutes": link_max_age_minutes(),
        }
        subject = _("Sign in to My learning")
        text = render_to_string("courses/emails/sign_in.txt", context)
        html = render_to_string("courses/emails/sign_in.html", context)
    # To the address on record, never the one typed: only its owner may get the link.
    address = participant.email if participant is not None else user.email
    message = EmailMultiAlternatives(subject, text, to=[address])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
