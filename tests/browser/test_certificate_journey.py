"""A facilitator closes today's session; the member who completed it downloads the certificate
from My learning and checks it on the public verification page.

admin log-in → roster → mark present → close → (the certificate is issued and rendered) →
member signs in by emailed link → My learning → download the PDF, the Open Badges credential
and the badge it is baked into → read the code → type it at /certificates/ → "valid", with the
badge and what was checked of its credential.
"""

import io
import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

import jwt
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from tests.factories import (
    PASSWORD,
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_facilitator_user,
)

WORKSHOP = "Strategic Planning"
MEMBER = ("Amara Okafor", "amara.okafor@example.org")

SIGN_IN_LINK = re.compile(r"https?://\S+/sign-in/link/\S+")
#: The code as printed under the QR code: four groups of four.
PRINTED_CODE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


def on_live_server(url):
    """An absolute link from an email (made for the configured site URL) as a local path."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def started_today():
    """An hour ago, but never before midnight: the session is today and not over yet."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now - timedelta(hours=1), midnight).replace(second=0, microsecond=0)


def test_a_member_downloads_their_certificate_and_verifies_it(
    page, browser, live_server, catalogue, mailoutbox, my_learning_certificates
):
    # Build and read everything before the browser starts asking the live server for pages.
    facilitator = make_facilitator_user(username="facilitator", first_name="Fran")
    workshop = WorkshopPageFactory(parent=catalogue, title=WORKSHOP, slug="strategic-planning")
    session = SessionFactory(
        workshop=workshop, start=started_today(), hours=6, facilitators=[facilitator]
    )
    EnrollmentFactory(
        session=session, participant=ParticipantFactory(name=MEMBER[0], email=MEMBER[1])
    )
    roster = f"/en/facilitate/sessions/{session.pk}/"

    page.goto(f"/admin/login/?next={roster}")
    page.get_by_label("Username").fill(facilitator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"{roster}$"))
    attendance = page.get_by_role("region", name="Attendance")
    attendance.get_by_role("group", name=MEMBER[0]).get_by_role(
        "radio", name="Present", exact=True
    ).check()
    attendance.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance saved")
    page.get_by_role("region", name="Close the session").get_by_role(
        "button", name="Close session"
    ).click()
    page.get_by_role("button", name="Confirm and close the session").click()
    expect(page.get_by_role("status").first).to_contain_text("The session is closed")

    page.wait_for_load_state("networkidle")  # the server is idle: the database is ours again
    certificate = Certificate.objects.get(session=session)
    assert certificate.holder_name == MEMBER[0]
    assert certificate.pdf, "the PDF is rendered once the closing has committed"
    assert [m.subject for m in mailoutbox if m.to == [MEMBER[1]]].count(
        f"Your certificate: {WORKSHOP}"
    ) == 1

    # The member, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    try:
        member = context.new_page()
        member.goto("/en/sign-in/")
        member.get_by_label("Email").fill(MEMBER[1])
        member.get_by_role("button", name="Email me a sign-in link").click()
        expect(member.get_by_role("heading", level=1)).to_have_text("Check your email")
        [sign_in_email] = [
            m for m in mailoutbox if m.to == [MEMBER[1]] and m.subject == "Sign in to My learning"
        ]
        member.goto(on_live_server(SIGN_IN_LINK.search(sign_in_email.body).group()))
        member.get_by_role("button", name="Sign in", exact=True).click()

        expect(member).to_have_url(re.compile(r"/en/my-learning/$"))
        certificates = member.get_by_role("region", name="Certificates")
        expect(certificates.get_by_role("heading", level=3)).to_have_text(WORKSHOP)
        expect(certificates).to_contain_text("Your workshop certificates add up to 6 hours.")
        with member.expect_download() as download_info:
            certificates.get_by_role(
                "link", name=f"Download the certificate (PDF) ({WORKSHOP})"
            ).click()
        download = download_info.value
        assert download.suggested_filename == (
            f"certificate-strategic-planning-amara-okafor-{certificate.code[:4]}.pdf"
        )
        with open(download.path(), "rb") as file:
            content = file.read()
        assert content.startswith(b"%PDF-")
        text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(content)).pages)
        assert MEMBER[0] in text
        printed_code = PRINTED_CODE.search(text).group(1)

        # The same achievement as an Open Badges credential, and as a badge with it baked in.
        with member.expect_download() as download_info:
            certificates.get_by_role(
                "link", name=f"Download the credential (VC-JWT) ({WORKSHOP})"
            ).click()
        with open(download_info.value.path()) as file:
            token = file.read()
        claims = jwt.decode(token, options={"verify_signature": False})
        assert "OpenBadgeCredential" in claims["type"]
        assert claims["credentialSubject"]["achievement"]["name"] == WORKSHOP
        assert MEMBER[1] not in token and MEMBER[0] not in json.dumps(claims)
        with member.expect_download() as download_info:
            certificates.get_by_role("link", name=f"Download the badge (PNG) ({WORKSHOP})").click()
        badge = Image.open(download_info.value.path())
        assert badge.format == "PNG"
        assert badge.info["openbadgecredential"] == token
        linkedin = certificates.get_by_role("link", name=re.compile(r"^Add to LinkedIn profile"))
        assert "linkedin.com/profile/add" in linkedin.get_attribute("href")

        # Anyone given the code checks it, typed the way people type.
        visitor = browser.new_context(base_url=live_server.url).new_page()
        visitor.goto("/en/certificates/")
        visitor.get_by_label("Verification code").fill(printed_code.lower().replace("-", " "))
        visitor.get_by_role("button", name="Check the certificate").click()

        expect(visitor).to_have_url(re.compile(rf"/en/certificates/{certificate.code}/$"))
        expect(visitor.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
        expect(visitor.get_by_text(MEMBER[0])).to_be_visible()
        expect(visitor.get_by_text(WORKSHOP)).to_be_visible()
        badge_section = visitor.get_by_role("region", name="Digital badge")
        expect(badge_section.get_by_role("img", name=f"Badge: {WORKSHOP}")).to_be_visible()
        expect(badge_section).to_contain_text("Signature: valid")
        expect(badge_section).to_contain_text("Revocation: not revoked")
        visitor.context.close()
    finally:
        context.close()
