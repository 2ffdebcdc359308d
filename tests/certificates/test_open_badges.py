"""Certificates as Open Badges 3.0 credentials, checked by an independent verifier
(``openbadgeslib``): signature through the published key set, revocation through the published
status list, key rotation; the baked badge; who may download what; and what the public
documents and the credential say (never the holder's address or name)."""

import base64
import io
import json
from decimal import Decimal
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from django.core import checks
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

import jwt
import pytest
from openbadgeslib.ob3.credential import IdentityObject
from openbadgeslib.ob3.status import decode_encoded_list, set_indices
from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier
from PIL import Image

from certificates import credentials, signing_keys
from certificates.checks import check_signing_key, check_signing_key_configured
from certificates.issuing import reissue, revoke
from certificates.models import STATUS_LIST_SIZE, Certificate
from courses.models import ProgramRequirement
from tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    ParticipantFactory,
    ProgramFactory,
    WorkshopPageFactory,
)

pytestmark = pytest.mark.django_db

CODE = "ABCDEFGHJKMNPQRS"
EMAIL = "marie.tremblay@example.org"
ROLES = ["anonymous", "another_participant", "holder", "staff"]
KEYS = "/en/certificates/open-badges/keys.json"
ISSUER = "/en/certificates/open-badges/issuer/"


@pytest.fixture(autouse=True)
def signing_key(settings):
    """A key of the test's own, as production configures one."""
    settings.CERTIFICATES_SIGNING_KEY = signing_keys.new_private_key_pem()
    settings.CERTIFICATES_RETIRED_PUBLIC_KEYS = []
    return settings.CERTIFICATES_SIGNING_KEY


@pytest.fixture
def member(participant):
    return ParticipantFactory(user=participant, name="Marie Tremblay", email=EMAIL)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue,
        title="Strategic Planning",
        slug="strategic-planning",
        summary="A day to plan the local's next three years.",
        outcomes=["Set the local's priorities", "Write a plan members can follow"],
    )


@pytest.fixture
def certificate(member, workshop):
    return CertificateFactory(
        enrollment=EnrollmentFactory(
            session__workshop=workshop, participant=member, completed=True
        ),
        code=CODE,
        issuer_name="Union Education",
        local_name="Local 3247, Hamilton Health Care",
        facilitator_names="Jordan Lee",
    )


@pytest.fixture
def people(users):
    return {
        "anonymous": users["anonymous"],
        "another_participant": users["another_participant"],
        "holder": users["participant"],
        "staff": users["staff"],
    }


def fetch(url):
    """What a verifier would fetch over HTTPS, from the test client."""
    parts = urlsplit(url)
    response = Client().get(parts.path)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def published_key(kid):
    """The public key the published key set names ``kid``."""
    keys = json.loads(fetch(KEYS))["keys"]
    jwk = next((key for key in keys if key["kid"] == kid), None)
    assert jwk is not None, f"{kid} is not published"
    return jwt.PyJWK(jwk).key


def verify(token):
    """Verify ``token`` as an independent verifier does: the key its header names, from the
    published key set; the status list (its own signature too, by the key its header names)."""
    verifier = OB3Verifier(published_key(jwt.get_unverified_header(token)["kid"]))
    badge = verifier.verify(token)
    status_list = fetch(badge.credential_status[0]["statusListCredential"]).decode()
    list_verifier = OB3Verifier(published_key(jwt.get_unverified_header(status_list)["kid"]))
    list_verifier.check_status(badge, verify_list=True, download=fetch)
    return badge


def download_credential(client, code=CODE):
    response = client.get(f"/en/certificates/{code}/credential.jwt")
    assert response.status_code == 200
    return response.content.decode()


def payload(token):
    return jwt.decode(token, options={"verify_signature": False})


def personal_data(certificate):
    return [
        certificate.participant.email,
        certificate.holder_name,
        "Tremblay",
        "Local 3247",
        "Hamilton Health Care",
        "Jordan Lee",
    ]


# Verified by an independent verifier


def test_a_valid_credential_verifies(client, certificate):
    token = download_credential(client)

    badge = verify(token)

    assert badge.issuer.id == "http://testserver/en/certificates/open-badges/issuer/"
    assert badge.issuer.name == "Union Education"
    assert badge.achievement.name == "Strategic Planning"
    assert badge.achievement.achievement_type == "Course"
    assert badge.achievement.credits_available == 6.0
    assert "Set the local's priorities" in badge.achievement.criteria_narrative
    assert "Write a plan members can follow" in badge.achievement.criteria_narrative
    assert badge.id == f"http://testserver/en/certificates/{CODE}/"


def test_the_credential_identifies_its_holder_by_a_salted_hash_of_their_address_only(
    client, certificate
):
    token = download_credential(client)

    document = payload(token)
    [identifier] = document["credentialSubject"]["identifier"]
    assert identifier["hashed"] is True
    assert identifier["identityType"] == "emailAddress"
    expected = IdentityObject.create(EMAIL, salt=identifier["salt"])
    assert identifier["identityHash"] == expected.identity_hash
    assert identifier["identityHash"].startswith("sha256$")
    decoded = json.dumps(document, ensure_ascii=False) + token
    for private in personal_data(certificate):
        assert private not in decoded
    # The same salt at each download, so the file is the same.
    assert download_credential(client) == token


def test_the_achievement_says_the_certificates_language_title_and_hours(client, certificate):
    certificate.language = "fr"
    certificate.title = "Planification stratégique"
    certificate.hours = Decimal("5.5")
    certificate.save()

    achievement = payload(download_credential(client))["credentialSubject"]["achievement"]

    assert achievement["name"] == "Planification stratégique"
    assert achievement["inLanguage"] == "fr"
    assert achievement["creditsAvailable"] == 5.5
    assert achievement["id"].startswith("http://testserver/fr/certificates/open-badges/workshops/")


def test_a_revoked_credential_is_reported_revoked_through_the_status_list(
    client, certificate, staff
):
    token = download_credential(client)
    verify(token)

    revoke(certificate.pk, reason="Issued in error", user=staff)

    with pytest.raises(OB3VerificationError, match="revocation"):
        verify(token)


def test_a_superseded_credential_is_reported_revoked(client, certificate, staff):
    token = download_credential(client)

    new = reissue(certificate.pk, holder_name="Marie Tremblay-Roy", user=staff)

    with pytest.raises(OB3VerificationError, match="revocation"):
        verify(token)
    verify(download_credential(client, new.code))


def test_a_tampered_credential_fails(client, certificate):
    token = download_credential(client)
    header, body, signature = token.split(".")
    claims = payload(token)
    claims["credentialSubject"]["achievement"]["creditsAvailable"] = 60.0
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        verify(f"{header}.{forged}.{signature}")


def test_a_credential_signed_with_another_key_fails(client, certificate):
    token = download_credential(client)
    stranger = signing_keys.load_public_key(signing_keys.new_private_key_pem())

    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        OB3Verifier(stranger).verify(token)


def test_a_credential_signed_with_a_rotated_out_key_still_verifies_through_its_key_id(
    client, certificate, settings, signing_key
):
    old_token = download_credential(client)
    old_kid = jwt.get_unverified_header(old_token)["kid"]

    settings.CERTIFICATES_SIGNING_KEY = signing_keys.new_private_key_pem()
    settings.CERTIFICATES_RETIRED_PUBLIC_KEYS = [
        signing_keys.public_key_pem(signing_keys.load_public_key(signing_key))
    ]
    new_token = download_credential(client)

    new_kid = jwt.get_unverified_header(new_token)["kid"]
    assert new_kid != old_kid
    assert {key["kid"] for key in json.loads(fetch(KEYS))["keys"]} == {old_kid, new_kid}
    verify(old_token)
    verify(new_token)


def test_a_key_no_longer_published_no_longer_verifies(client, certificate, settings):
    old_token = download_credential(client)
    old_kid = jwt.get_unverified_header(old_token)["kid"]

    settings.CERTIFICATES_SIGNING_KEY = signing_keys.new_private_key_pem()

    with pytest.raises(AssertionError, match="is not published"):
        published_key(old_kid)


def test_retired_keys_may_be_listed_as_files(client, certificate, settings, tmp_path):
    retired = tmp_path / "retired.pem"
    old = signing_keys.load_public_key(signing_keys.new_private_key_pem())
    retired.write_text(signing_keys.public_key_pem(old))
    settings.CERTIFICATES_RETIRED_PUBLIC_KEYS = [str(retired)]

    kids = [key["kid"] for key in json.loads(fetch(KEYS))["keys"]]

    assert kids[1] == signing_keys.key_id(old)
    assert len(kids) == 2


def test_a_program_credential_verifies(client, member, workshop):
    program = ProgramFactory(title="Bargaining Program", issues_certificate=True)
    ProgramRequirement.objects.create(program=program, workshop=workshop, sort_order=0)
    certificate = CertificateFactory(
        kind="program",
        enrollment=None,
        session=None,
        workshop=None,
        participant=member,
        program=program,
        title="Bargaining Program",
        hours=Decimal("6"),
    )

    badge = verify(download_credential(client, certificate.code))

    assert badge.achievement.name == "Bargaining Program"
    assert badge.achievement.achievement_type == "LearningProgram"
    assert "Strategic Planning" in badge.achievement.criteria_narrative


def test_every_term_of_the_credential_is_defined_by_the_contexts_it_names(client, certificate):
    """No JSON schema ships with the verifier; its bundled JSON-LD contexts (VC 2.0, OB 3.0.3)
    define every term an Open Badges credential may use: a misspelled or invented member
    would be dropped by JSON-LD processing."""
    contexts = resources.files("openbadgeslib.ob3.contexts")
    defined = set()

    def terms(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                defined.add(key)
                terms(inner)
        elif isinstance(value, list):
            for inner in value:
                terms(inner)

    for name in ("credentials-v2.json", "ob-v3p0-context-3.0.3.json"):
        terms(json.loads(contexts.joinpath(name).read_text())["@context"])
    document = payload(download_credential(client))
    registered = {"iss", "jti", "nbf", "iat"}
    used = set()

    def keys(value):
        if isinstance(value, dict):
            used.update(value)
            for inner in value.values():
                keys(inner)
        elif isinstance(value, list):
            for inner in value:
                keys(inner)

    keys(document)
    assert used - registered - {"@context"} <= defined
    assert document["@context"][1] == credentials.OB_CONTEXT


# The badge


def test_the_baked_png_contains_the_credential(client, certificate):
    response = client.get(f"/en/certificates/{CODE}/badge.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    png = response.content
    token = OB3Verifier.extract_token_from_png(png)
    assert payload(token)["id"] == f"http://testserver/en/certificates/{CODE}/"
    verify(token)
    image = Image.open(io.BytesIO(png))
    assert image.size == (600, 600)
    assert image.text["openbadgecredential"] == token
    assert "badge-strategic-planning-ABCD.png" in response["Content-Disposition"]


# Who may download what


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", ["credential.jwt", "badge.png"])
def test_anyone_with_the_code_downloads_a_valid_credential_with_no_personal_data(
    client_as, people, certificate, role, what
):
    response = client_as(people[role]).get(f"/en/certificates/{CODE}/{what}")

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    token = response.content.decode() if what.endswith("jwt") else None
    if token is None:
        token = OB3Verifier.extract_token_from_png(response.content)
    decoded = json.dumps(payload(token), ensure_ascii=False)
    for private in personal_data(certificate):
        assert private not in decoded


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", ["credential.jwt", "badge.png"])
def test_a_revoked_certificate_has_no_credential_for_anyone(
    client_as, people, certificate, staff, role, what
):
    revoke(certificate.pk, reason="Issued in error", user=staff)

    response = client_as(people[role]).get(f"/en/certificates/{CODE}/{what}")

    assert response.status_code == 410
    assert "A revoked certificate has no digital credential." in response.content.decode()
    assert f'href="/en/certificates/{CODE}/"' in response.content.decode()


@pytest.mark.parametrize("what", ["credential.jwt", "badge.png"])
def test_an_unknown_code_has_no_credential(client, what):
    assert client.get(f"/en/certificates/{CODE}/{what}").status_code == 404
    assert client.get(f"/en/certificates/x/{what}").status_code == 404


def test_strangers_downloads_count_against_the_lookup_limit(client, certificate, settings):
    settings.EDUCATION_RATE_LIMITS = {"certificate_lookup.client": "2/h"}

    statuses = [client.get(f"/en/certificates/{CODE}/credential.jwt").status_code for _ in "abc"]

    assert statuses == [200, 200, 429]


def test_the_holders_downloads_are_not_counted(client, participant, certificate, settings):
    settings.EDUCATION_RATE_LIMITS = {"certificate_lookup.client": "1/h"}
    client.force_login(participant)

    statuses = [client.get(f"/en/certificates/{CODE}/badge.png").status_code for _ in "abc"]

    assert statuses == [200, 200, 200]


# The public documents


def public_documents(certificate):
    return [
        ISSUER,
        KEYS,
        "/en/certificates/open-badges/status-lists/0/",
        f"/en/certificates/open-badges/workshops/{certificate.workshop_id}/",
        f"/fr/certificates/open-badges/workshops/{certificate.workshop_id}/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_public_documents_are_public_and_hold_no_personal_data(
    client_as, people, certificate, role
):
    for url in public_documents(certificate):
        response = client_as(people[role]).get(url)

        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*"
        text = response.content.decode()
        if url.endswith("status-lists/0/"):
            text = json.dumps(payload(text), ensure_ascii=False)
        for private in personal_data(certificate):
            assert private not in text, url


def test_the_issuer_profile(client):
    document = client.get(ISSUER).json()

    assert document["id"] == "http://testserver" + ISSUER
    assert document["type"] == ["Profile"]
    assert document["url"] == "http://testserver/"
    assert document["name"]


def test_the_issuer_id_is_the_same_in_every_language(client):
    assert client.get("/fr" + ISSUER[3:]).json()["id"] == "http://testserver" + ISSUER


def test_the_workshop_achievement_is_described_in_the_language_of_its_address(client, workshop):
    document = client.get(f"/en/certificates/open-badges/workshops/{workshop.pk}/").json()

    assert document["type"] == ["Achievement"]
    assert document["name"] == "Strategic Planning"
    assert document["description"] == "A day to plan the local's next three years."
    assert document["inLanguage"] == "en"
    assert document["creditsAvailable"] == 6.0
    assert "- Set the local's priorities" in document["criteria"]["narrative"]
    assert document["@context"] == [credentials.VC_CONTEXT, credentials.OB_CONTEXT]
    fr = client.get(f"/fr/certificates/open-badges/workshops/{workshop.pk}/").json()
    assert fr["inLanguage"] == "fr"
    assert fr["id"].startswith("http://testserver/fr/")


def test_a_workshop_without_outcomes_is_described_by_its_summary(catalogue):
    workshop = WorkshopPageFactory(parent=catalogue, summary="A short day.", outcomes=[])

    achievement = credentials.workshop_achievement(workshop, "en")

    assert achievement["criteria"]["narrative"] == "A short day."


def test_the_program_achievement(client, workshop):
    program = ProgramFactory(title="Bargaining Program", description="", issues_certificate=True)
    ProgramRequirement.objects.create(program=program, workshop=workshop, sort_order=0)

    document = client.get(f"/en/certificates/open-badges/programs/{program.pk}/").json()

    assert document["name"] == "Bargaining Program"
    assert document["creditsAvailable"] == 6.0
    assert "Strategic Planning" in document["criteria"]["narrative"]
    assert document["description"]


def test_unknown_or_unpublished_achievements_are_not_found(client, catalogue):
    draft = WorkshopPageFactory(parent=catalogue, live=False)

    assert client.get(f"/en/certificates/open-badges/workshops/{draft.pk}/").status_code == 404
    assert client.get("/en/certificates/open-badges/workshops/999999/").status_code == 404
    assert client.get("/en/certificates/open-badges/programs/999999/").status_code == 404


def test_the_key_set_names_each_key_by_its_thumbprint(client, signing_key):
    [key] = client.get(KEYS).json()["keys"]

    public = signing_keys.load_public_key(signing_key)
    assert key["kid"] == signing_keys.key_id(public)
    assert key["kty"] == "OKP"
    assert key["crv"] == "Ed25519"
    assert key["alg"] == "EdDSA"
    assert "d" not in key


def test_the_status_list_reflects_a_revocation_at_once(client, certificate, staff):
    url = "/en/certificates/open-badges/status-lists/0/"
    index = certificate.status_list_index

    def bit():
        response = client.get(url)
        assert response["Content-Type"] == "application/vc+jwt"
        assert "no-cache" in response["Cache-Control"]
        subject = payload(response.content.decode())["credentialSubject"]
        return index in set_indices(decode_encoded_list(subject["encodedList"]))

    assert not bit()
    revoke(certificate.pk, reason="Issued in error", user=staff)
    assert bit()


def test_a_status_list_no_certificate_reaches_is_not_found(client, certificate):
    assert client.get("/en/certificates/open-badges/status-lists/5/").status_code == 404


# Places in the status lists


def test_each_certificate_has_its_own_place_in_the_status_lists(certificate):
    other = CertificateFactory()

    assert certificate.status_list_index is not None
    assert 0 <= other.status_list_index < STATUS_LIST_SIZE
    assert other.status_list_index != certificate.status_list_index
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=other.pk).update(
            status_list_index=certificate.status_list_index
        )


def test_a_certificate_written_in_bulk_gets_a_place_when_its_credential_is_made(
    client, certificate
):
    Certificate.objects.filter(pk=certificate.pk).update(status_list_index=None)

    token = download_credential(client)

    certificate.refresh_from_db()
    status = payload(token)["credentialStatus"]
    assert status["statusListIndex"] == str(certificate.status_list_index)
    assert download_credential(client) == token


# Keys


def test_without_a_key_production_refuses_kindly(client, participant, certificate, settings):
    settings.CERTIFICATES_SIGNING_KEY = ""
    settings.CERTIFICATES_GENERATE_SIGNING_KEY = False
    client.force_login(participant)

    response = client.get(f"/en/certificates/{CODE}/credential.jwt")

    assert response.status_code == 503
    assert "The digital credential is not available at the moment." in response.content.decode()
    page = client.get(f"/en/certificates/{CODE}/")
    assert page.status_code == 200
    assert "Its digital badge is not available at the moment." in page.content.decode()
    assert client.get("/en/certificates/open-badges/status-lists/0/").status_code == 503
    assert client.get(KEYS).json() == {"keys": []}
    assert [error.id for error in check_signing_key_configured()] == ["certificates.E004"]
    assert check_signing_key() == []


def test_a_key_that_does_not_load_is_reported(settings):
    settings.CERTIFICATES_SIGNING_KEY = "-----BEGIN PRIVATE KEY-----\nnonsense\n"

    errors = check_signing_key()

    assert [error.id for error in errors] == ["certificates.E006"]
    assert all(error.level == checks.ERROR for error in errors)


def test_a_missing_key_file_is_reported(settings, tmp_path):
    settings.CERTIFICATES_SIGNING_KEY = ""
    settings.CERTIFICATES_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")

    assert [error.id for error in check_signing_key()] == ["certificates.E005"]
    with pytest.raises(signing_keys.SigningKeyUnavailable):
        signing_keys.signing_key()


def test_a_key_file_signs(client, certificate, settings, tmp_path):
    key_file = tmp_path / "key.pem"
    key_file.write_text(signing_keys.new_private_key_pem())
    settings.CERTIFICATES_SIGNING_KEY = ""
    settings.CERTIFICATES_SIGNING_KEY_FILE = str(key_file)

    verify(download_credential(client))
    assert check_signing_key() == check_signing_key_configured() == []


def test_development_makes_a_key_once_and_keeps_it_in_private_storage(
    client, certificate, settings
):
    settings.CERTIFICATES_SIGNING_KEY = ""
    settings.CERTIFICATES_GENERATE_SIGNING_KEY = True
    from certificates.models import certificate_storage

    storage = certificate_storage()
    if storage.exists(signing_keys.GENERATED_KEY_NAME):
        storage.delete(signing_keys.GENERATED_KEY_NAME)

    first = download_credential(client)
    second = download_credential(client)

    assert storage.exists(signing_keys.GENERATED_KEY_NAME)
    assert jwt.get_unverified_header(first)["kid"] == jwt.get_unverified_header(second)["kid"]
    verify(first)
    assert check_signing_key() == check_signing_key_configured() == []


def test_an_ecdsa_p256_key_signs_es256(client, certificate, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    settings.CERTIFICATES_SIGNING_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()

    token = download_credential(client)

    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    verify(token)


# Verification page and My learning


def test_the_verification_page_shows_the_badge_and_what_was_checked(client, certificate):
    response = client.get(f"/en/certificates/{CODE}/")

    html = response.content.decode()
    assert f'src="/en/certificates/{CODE}/badge.png"' in html
    assert f'href="/en/certificates/{CODE}/credential.jwt"' in html
    verification = response.context["verification"]
    assert verification.signature_valid
    assert verification.not_revoked
    assert "Signature: valid" in html
    assert "Revocation: not revoked" in html
    assert "Issuer: Union Education" in html


def test_the_verification_page_of_a_revoked_certificate_offers_no_badge(client, certificate, staff):
    revoke(certificate.pk, reason="Issued in error", user=staff)

    html = client.get(f"/en/certificates/{CODE}/").content.decode()

    assert "badge.png" not in html
    assert "credential.jwt" not in html


def test_my_learning_offers_the_badge_the_credential_and_linkedin(client, participant, certificate):
    client.force_login(participant)

    html = client.get("/en/my-learning/").content.decode()

    section = html[html.index('<section aria-labelledby="certificates-heading">') :]
    assert f'href="/en/certificates/{CODE}/badge.png"' in section
    assert f'href="/en/certificates/{CODE}/credential.jwt"' in section
    assert "Add to LinkedIn profile" in section
    link = section[section.index("https://www.linkedin.com/profile/add?") :]
    link = link[: link.index('"')].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    issued = timezone.localdate(certificate.issued_at)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Strategic Planning"],
        "organizationName": ["Union Education"],
        "issueYear": [str(issued.year)],
        "issueMonth": [str(issued.month)],
        "certId": ["ABCD-EFGH-JKMN-PQRS"],
        "certUrl": [f"http://testserver/en/certificates/{CODE}/"],
    }
