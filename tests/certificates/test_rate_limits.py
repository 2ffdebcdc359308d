"""Looking certificates up by code is limited per client: a code is a secret, and nobody may try
thousands of them. Over the limit, the lookup and verification pages answer 429 with the time
to wait, in the person's language, and keep the code they typed."""

import re

from django.utils import timezone

import pytest

from tests.factories import CertificateFactory, EnrollmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

CODE = "ABCDEFGHJKMNPQRS"
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.EDUCATION_RATE_LIMITS = {"certificate_lookup.client": f"{LIMIT}/h"}


@pytest.fixture
def certificate(session, participant):
    member = ParticipantFactory(user=participant, email=participant.email)
    return CertificateFactory(
        enrollment=EnrollmentFactory(session=session, participant=member, completed=True),
        code=CODE,
        completed_on=timezone.localdate(session.ends_at),
    )


def use_up_the_limit(client, **extra):
    for number in range(LIMIT):
        response = client.get("/en/certificates/", {"code": f"ZZZZ-ZZZZ-ZZZZ-ZZZ{number}"}, **extra)
        assert response.status_code == 404


def retry_after(response):
    return int(response["Retry-After"])


def test_lookups_over_the_limit_are_refused_with_the_code_kept(client):
    use_up_the_limit(client)

    response = client.get("/en/certificates/", {"code": "wxyz-2345-6789-abcd"})

    assert response.status_code == 429
    assert 0 < retry_after(response) <= 3600
    html = response.content.decode()
    assert "Too many attempts in a short time. Please try again in" in html
    assert 'value="wxyz-2345-6789-abcd"' in html
    assert 'action="/en/certificates/"' in html
    assert response["X-Robots-Tag"] == "noindex"


def test_the_verification_page_counts_too(client, certificate):
    for _ in range(LIMIT):
        assert client.get(f"/en/certificates/{CODE}/").status_code == 200

    response = client.get(f"/en/certificates/{CODE}/")

    assert response.status_code == 429
    assert retry_after(response) > 0
    html = response.content.decode()
    assert "This certificate is valid" not in html
    assert certificate.holder_name not in html
    assert f'value="{CODE}"' in html
    assert "Too many attempts in a short time" in html
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_lookup_and_verification_share_the_count(client, certificate):
    use_up_the_limit(client)

    assert client.get(f"/en/certificates/{CODE}/").status_code == 429


def test_a_known_code_is_refused_too_once_over_the_limit(client, certificate):
    """Nothing tells a known code from an unknown one while the client is refused."""
    use_up_the_limit(client)

    known = client.get("/en/certificates/", {"code": CODE})
    unknown = client.get("/en/certificates/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZA"})

    assert known.status_code == unknown.status_code == 429
    assert "can’t find" not in known.content.decode()


def test_the_refusal_is_in_french_for_a_french_speaker(client):
    use_up_the_limit(client, HTTP_ACCEPT_LANGUAGE="fr")

    response = client.get(
        "/fr/certificates/", {"code": "ABCD-EFGH-JKMN-PQRT"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Code de vérification" in html  # the form's label
    assert 'value="ABCD-EFGH-JKMN-PQRT"' in html


def test_another_client_is_not_affected(client, certificate):
    use_up_the_limit(client, REMOTE_ADDR="198.51.100.7")

    assert client.get(f"/en/certificates/{CODE}/", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.get(f"/en/certificates/{CODE}/", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_behind_a_proxy_clients_are_told_apart_by_the_forwarded_address(client, settings):
    settings.EDUCATION_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    use_up_the_limit(client, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    refused = client.get(
        "/en/certificates/", {"code": CODE}, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )
    other = client.get(
        "/en/certificates/", {"code": CODE}, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy
    )

    assert refused.status_code == 429
    assert other.status_code == 404


def test_the_empty_form_is_not_counted(client):
    for _ in range(LIMIT * 3):
        assert client.get("/en/certificates/").status_code == 200

    assert client.get("/en/certificates/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}).status_code == 404


def test_a_limit_turned_off_refuses_nothing(client, settings):
    settings.EDUCATION_RATE_LIMITS = {"certificate_lookup.client": None}

    for _ in range(LIMIT * 3):
        assert client.get("/en/certificates/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}).status_code == 404


def test_the_holder_still_downloads_the_pdf(client, certificate, participant, monkeypatch):
    """The download needs a signed-in holder, so it is not limited."""
    from certificates import pdf

    monkeypatch.setattr(pdf, "render_certificate", lambda certificate: b"%PDF-1.7 test")
    use_up_the_limit(client)
    client.force_login(participant)

    response = client.get(f"/en/certificates/{CODE}/pdf/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_retry_after_says_when_the_hour_is_over(client):
    use_up_the_limit(client)

    response = client.get("/en/certificates/", {"code": CODE})

    minutes = re.search(r"try again in (\d+) minute", response.content.decode()).group(1)
    assert int(minutes) == max(1, -(-retry_after(response) // 60))
