"""Open Badges credentials: what signing one costs, per certificate.

A credential is made at each download (``certificates.credentials.credential_jwt``: the
credential's JSON built from the certificate, its achievement and issuer, then signed as a
VC-JWT with the site's Ed25519 key), and the badge image bakes it into a PNG drawn for the
certificate (``badge_image.baked_png``). The status list, which verifiers fetch to learn
whether a credential was revoked, is signed at each request too; it is timed with a number of
certificates, some revoked, in the database. In-process, medians of the rounds; nothing is
asserted but the results' validity.
"""

import statistics
import time

from django.utils import timezone

import pytest

from certificates import badge_image, credentials, signing_keys
from certificates.choices import CertificateStatus
from certificates.models import Certificate
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

CERTIFICATES = 200
ROUNDS = 3


def median_ms(samples):
    return f"{statistics.median(samples) * 1000:.2f}"


def timed(call):
    began = time.perf_counter()
    result = call()
    return time.perf_counter() - began, result


def test_the_cost_of_a_credential_per_certificate(settings, report):
    settings.CERTIFICATES_SIGNING_KEY = signing_keys.new_private_key_pem()
    made = [CertificateFactory() for _ in range(CERTIFICATES)]
    Certificate.objects.filter(pk__in=[c.pk for c in made[::10]]).update(
        status=CertificateStatus.REVOKED, revoked_at=timezone.now()
    )
    valid = list(
        Certificate.objects.filter(status=CertificateStatus.VALID).select_related(
            "participant", "template"
        )
    )
    credentials.credential_jwt(valid[0])  # the key loaded, the modules imported

    signing, baking, verifying, status_lists = [], [], [], []
    for _round in range(ROUNDS):
        for certificate in valid:
            seconds, token = timed(lambda c=certificate: credentials.credential_jwt(c))
            signing.append(seconds)
            seconds, png = timed(lambda c=certificate, t=token: badge_image.baked_png(c, t))
            baking.append(seconds)
            assert png.startswith(b"\x89PNG")
        for certificate in valid[:20]:
            seconds, _result = timed(lambda c=certificate: credentials.verify(c))
            verifying.append(seconds)
        for _ in range(10):
            seconds, token = timed(lambda: credentials.status_list_jwt(1))
            status_lists.append(seconds)
            assert token.count(".") == 2

    report(
        f"Open Badges credentials: {len(valid)} valid certificates, {ROUNDS} rounds, medians",
        ["step", "per certificate, median ms", "samples"],
        [
            ["credential built and signed (VC-JWT, EdDSA)", median_ms(signing), len(signing)],
            ["badge drawn and the credential baked in (PNG)", median_ms(baking), len(baking)],
            ["the verification page's check of a credential", median_ms(verifying), len(verifying)],
            [
                f"status list signed ({CERTIFICATES} certificates, {len(made[::10])} revoked)",
                median_ms(status_lists),
                len(status_lists),
            ],
        ],
    )
