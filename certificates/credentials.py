"""Certificates as Open Badges 3.0 credentials (``OpenBadgeCredential``, on the W3C Verifiable
Credentials data model 2.0), signed as VC-JWT, and the status lists that say which are revoked.

What a credential says of its holder is only a salted hash of their email address, which lets
someone who knows the address confirm it: union membership is sensitive, so neither the address
nor the holder's name is in it. Everything else (the issuer's profile, the achievement, the key
set, the status lists) is public and is published at the addresses it names, built in the
site's first language so that they never change. A credential is made again at each download,
signed by the current key; revocation shows at once, in the status list, which is never cached.
"""

import base64
import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from wagtail.models import Site

import jwt

from courses.exceptions import Refusal
from courses.models import Program

from . import conf, signing_keys
from .choices import CertificateKind
from .models import STATUS_LIST_SIZE, Certificate

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: How long a status list, once fetched, may be relied on (``validUntil``); verifiers fetch it
#: again after :data:`STATUS_LIST_TTL` at the latest.
STATUS_LIST_VALIDITY = timedelta(days=1)
STATUS_LIST_TTL = timedelta(minutes=5)
LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
#: The largest place a certificate can have (that of a positive integer in any database).
MAX_STATUS_LIST_INDEX = 2**31 - 1


class NoCredential(Refusal):
    """A revoked certificate (revoked by staff, or replaced by a corrected one) has no
    credential."""

    code = "no_credential"


# Addresses


def _site_language():
    return settings.LANGUAGES[0][0]


def absolute_url(path):
    """``path`` on the site's public address (``conf.base_url``, else the default site's)."""
    base = conf.base_url()
    if not base:
        site = Site.objects.filter(is_default_site=True).first()
        base = site.root_url if site is not None else ""
    return f"{base}{path}"


def _url(name, *args, language=None):
    with translation.override(language or _site_language()):
        return absolute_url(reverse(name, args=args))


def issuer_id():
    return _url("certificates:issuer")


def key_set_url():
    return _url("certificates:key_set")


def status_list_url(number):
    return _url("certificates:status_list", number)


def verification_url(certificate):
    """The certificate's public verification page, in its language: the credential's id."""
    return _url("certificates:verify", certificate.code, language=certificate.language)


def _timestamp(moment):
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# The published documents


def issuer_profile(language=None, name=None):
    """The issuer's ``Profile``: who issues the certificates, and where it is."""
    return {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": name or conf.issuer_name(language or _site_language()),
        "url": absolute_url("/"),
    }


def _achievement(url, *, kind, name, description, narrative, hours, language):
    return {
        "id": url,
        "type": ["Achievement"],
        "achievementType": kind,
        "name": name,
        "description": description,
        "criteria": {"narrative": narrative},
        "creditsAvailable": float(hours),
        "inLanguage": language,
    }


def workshop_achievement(workshop, language, *, name=None, hours=None):
    """The ``Achievement`` of completing ``workshop``, in ``language``: its criteria are the
    workshop's learning outcomes (its summary when it lists none)."""
    page = workshop.in_language(language)
    outcomes = [outcome.text for outcome in page.outcomes.all()]
    hours = workshop.duration_hours if hours is None else hours
    with translation.override(language):
        if outcomes:
            narrative = "\n\n".join(
                [
                    gettext("Took part in the whole workshop, whose learning outcomes are:"),
                    "\n".join(f"- {outcome}" for outcome in outcomes),
                ]
            )
        else:
            narrative = page.summary
    return _achievement(
        _url("certificates:workshop_achievement", workshop.pk, language=language),
        kind="Course",
        name=name or page.title,
        description=page.summary or narrative,
        narrative=narrative,
        hours=hours,
        language=language,
    )


def program_achievement(program, language, *, name=None, hours=None):
    """The ``Achievement`` of completing ``program`` (in the default language), in
    ``language``: its criteria name the required workshops."""
    shown = (
        Program.objects.filter(
            translation_key=program.translation_key, locale__language_code=language
        ).first()
        or program
    )
    workshops = [
        requirement.workshop
        for requirement in program.requirements.select_related("workshop").order_by("sort_order")
    ]
    if hours is None:
        hours = sum(workshop.duration_hours for workshop in workshops)
    with translation.override(language):
        narrative = "\n\n".join(
            [
                gettext("Completed every required workshop of the program:"),
                "\n".join(f"- {workshop.in_language(language).title}" for workshop in workshops),
            ]
        )
    return _achievement(
        _url("certificates:program_achievement", program.pk, language=language),
        kind="LearningProgram",
        name=name or shown.title,
        description=shown.description or narrative,
        narrative=narrative,
        hours=hours,
        language=language,
    )


def published(document):
    """A profile or achievement as served at its address: a JSON-LD document."""
    return {"@context": [VC_CONTEXT, OB_CONTEXT], **document}


# Credentials


def identity_salt(certificate):
    """The salt of the holder's hashed address: the same for every download of a certificate,
    different for each certificate, and not guessable from its code."""
    return salted_hmac("certificates.credentials.identity", certificate.code).hexdigest()[:32]


def identity(email, salt):
    """An ``IdentityObject``: the salted SHA-256 of ``email`` (lower case), never the
    address."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def credential(certificate):
    """The unsigned ``OpenBadgeCredential`` of ``certificate``. Raises :class:`NoCredential`
    for a revoked certificate."""
    if not certificate.is_valid:
        raise NoCredential(_("A revoked certificate has no digital credential."))
    index = certificate.ensure_status_list_index()
    language = certificate.language
    if certificate.kind == CertificateKind.PROGRAM:
        achievement = program_achievement(
            certificate.program, language, name=certificate.title, hours=certificate.hours
        )
    else:
        achievement = workshop_achievement(
            certificate.workshop, language, name=certificate.title, hours=certificate.hours
        )
    list_url = status_list_url(index // STATUS_LIST_SIZE)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verification_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(language, name=certificate.issuer_name),
        "validFrom": _timestamp(certificate.issued_at),
        "name": certificate.title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identity(certificate.participant.email, identity_salt(certificate))],
            "achievement": achievement,
            "creditsEarned": float(certificate.hours),
        },
        "credentialStatus": {
            "id": f"{list_url}#{index % STATUS_LIST_SIZE}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index % STATUS_LIST_SIZE),
            "statusListCredential": list_url,
        },
    }


def _sign(document, *, issued_at, expires_at=None):
    """``document`` as a VC-JWT: its claims, with the registered ones that repeat it, signed
    by the current key, which the header names. Raises ``SigningKeyUnavailable``."""
    key = signing_keys.signing_key()
    issuer = document["issuer"]
    claims = {
        **document,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": document["id"],
        "nbf": int(issued_at.timestamp()),
        "iat": int(issued_at.timestamp()),
    }
    if expires_at is not None:
        claims["exp"] = int(expires_at.timestamp())
    return jwt.encode(claims, key.private_key, algorithm=key.algorithm, headers={"kid": key.kid})


def credential_jwt(certificate):
    """The signed credential of ``certificate``, a compact VC-JWT. Raises
    :class:`NoCredential` or ``SigningKeyUnavailable``."""
    return _sign(credential(certificate), issued_at=certificate.issued_at)


# Status lists


def status_list_exists(number):
    """Whether the status list ``number`` holds a place of any certificate, or is the first."""
    if number == 0:
        return True
    start = number * STATUS_LIST_SIZE
    if start > MAX_STATUS_LIST_INDEX:
        return False
    return Certificate.objects.filter(status_list_index__gte=start).exists()


def encoded_list(indices):
    """The ``encodedList`` of a list whose bits ``indices`` are set: multibase base64url
    (``u``) of the GZIP of the bits, the first bit the highest of the first byte."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def status_list_jwt(number, now=None):
    """The signed ``BitstringStatusListCredential`` number ``number``: a bit per place, set
    for each revoked certificate. Raises ``SigningKeyUnavailable``."""
    now = (now or timezone.now()).replace(microsecond=0)
    start = number * STATUS_LIST_SIZE
    url = status_list_url(number)
    document = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _timestamp(now),
        "validUntil": _timestamp(now + STATUS_LIST_VALIDITY),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(
                index - start for index in Certificate.objects.revoked_in_status_list(number)
            ),
            "ttl": int(STATUS_LIST_TTL.total_seconds() * 1000),
        },
    }
    return _sign(document, issued_at=now, expires_at=now + STATUS_LIST_VALIDITY)


# What the verification page says


@dataclass(frozen=True)
class Verification:
    """What was checked of a certificate's credential, for its verification page."""

    signature_valid: bool
    key_id: str
    not_revoked: bool
    issuer_name: str
    issuer_url: str
    key_set_url: str
    status_list_url: str


def verify(certificate):
    """Check ``certificate``'s credential as a verifier would: its signature, by the published
    key its header names; its bit in the status list; its issuer. Raises
    :class:`NoCredential` or ``SigningKeyUnavailable``."""
    token = credential_jwt(certificate)
    kid = jwt.get_unverified_header(token).get("kid", "")
    public_key = signing_keys.public_keys().get(kid)
    try:
        if public_key is None:
            raise ValueError(f"No published key {kid!r}")
        claims = jwt.decode(
            token,
            public_key,
            algorithms=[signing_keys.algorithm_for(public_key)],
            options={"verify_aud": False},
        )
    except (jwt.InvalidTokenError, ValueError, TypeError):
        claims = None
    revoked_places = set(Certificate.objects.revoked_in_status_list(certificate.status_list_number))
    return Verification(
        signature_valid=claims is not None and claims["iss"] == issuer_id(),
        key_id=kid,
        not_revoked=certificate.status_list_index not in revoked_places,
        issuer_name=claims["issuer"]["name"] if claims else "",
        issuer_url=issuer_id(),
        key_set_url=key_set_url(),
        status_list_url=status_list_url(certificate.status_list_number),
    )


# LinkedIn


def linkedin_url(certificate):
    """LinkedIn's address that adds ``certificate`` to its holder's profile as a
    certification: its name, the issuing organisation, the month of issue, its code and its
    verification page."""
    issued = timezone.localdate(certificate.issued_at)
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.title,
        "organizationName": certificate.issuer_name or conf.issuer_name(certificate.language),
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certId": certificate.display_code,
        "certUrl": verification_url(certificate),
    }
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(query)}"


def hours_label(certificate):
    """ "6 hours" in the certificate's language, as the badge says it."""
    hours = certificate.hours
    # Plural forms take whole numbers: a fraction of an hour reads as plural.
    count = int(hours) if hours == int(hours) else 2
    with translation.override(certificate.language):
        return ngettext("%(hours)s hour", "%(hours)s hours", count) % {
            "hours": certificate.display_hours
        }
