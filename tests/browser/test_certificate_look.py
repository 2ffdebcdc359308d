"""How the certificates look: education staff download a member's English and French
certificates from the admin; each PDF is drawn as an image (poppler's ``pdftoppm``) and looked
at in the browser at desk width. The screenshots are kept under tests/browser/screenshots/
(not in git) for people to look at.
"""

import base64
import re
import shutil
import subprocess
from decimal import Decimal

from django.utils import timezone

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS_DIR
from tests.factories import (
    PASSWORD,
    CertificateFactory,
    CertificateTemplateFactory,
    ParticipantFactory,
    make_staff_user,
)

PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm is not installed (Debian: poppler-utils)")
def test_staff_look_at_the_english_and_french_certificates(page, tmp_path):
    staff = make_staff_user(username="dana")
    template = CertificateTemplateFactory(
        signatory_name="Dana Whitfield",
        signatory_title="National Education Director",
        signatory_title_fr="Directrice nationale de l’éducation",
    )
    member = ParticipantFactory(name="Marie Tremblay")
    certificates = {
        language: CertificateFactory(
            participant=member,
            title=title,
            hours=Decimal("6.00"),
            completed_on=timezone.localdate(),
            language=language,
            template=template,
            issuer_name="Union Education",
        )
        for language, title in (("en", "Strategic Planning"), ("fr", "Planification stratégique"))
    }
    ids = {language: certificate.pk for language, certificate in certificates.items()}

    page.goto("/admin/login/")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    SCREENSHOTS_DIR.mkdir(exist_ok=True)
    for language, heading in (("en", "Certificate of completion"), ("fr", "Attestation")):
        # The admin's download, in the staff member's browser session.
        response = page.request.get(f"/admin/certificates/download/{ids[language]}/")
        assert response.ok
        assert response.headers["content-type"] == "application/pdf"
        path = tmp_path / f"{language}.pdf"
        path.write_bytes(response.body())
        subprocess.run(
            [PDFTOPPM, "-png", "-r", "110", "-singlefile", path, tmp_path / language], check=True
        )
        drawn = tmp_path / f"{language}.png"
        image = Image.open(drawn)
        assert image.width > image.height, "landscape"
        assert max(ImageStat.Stat(image.convert("L")).stddev) > 20, "something is drawn"

        encoded = base64.b64encode(drawn.read_bytes()).decode()
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.set_content(
            f'<!doctype html><html lang="{language}"><title>{heading}</title>'
            '<body style="margin:0;background:#555;display:grid;place-items:center">'
            f'<img alt="{heading}" style="max-width:96vw;box-shadow:0 0 12px #000" '
            f'src="data:image/png;base64,{encoded}"></body></html>'
        )
        expect(page.get_by_role("img", name=heading)).to_be_visible()
        shot = SCREENSHOTS_DIR / f"certificate-{language}.png"
        page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 20_000
