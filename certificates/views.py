"""Public views of the certificates app: verifying a certificate, looking a code up, downloading
one's own certificate, and the certificates section of My learning; and the Open Badges
credentials, with the public documents that let anyone verify them (the issuer's profile, the
achievements, the key set and the status lists)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from courses.models import Program, WorkshopPage
from courses.ratelimits import hit, rate_limited_response
from courses.roles import is_education_staff
from courses.validators import fits_key

from . import badge_image, credentials, pdf, signing_keys
from .choices import CertificateKind
from .forms import CodeLookupForm
from .issuing import certificate_language
from .models import Certificate, format_hours


def _noindex(response):
    """Verification pages and files are for the people given a code, not for search engines."""
    response["X-Robots-Tag"] = "noindex"
    return response


def _not_found(request, form):
    return _noindex(
        render(request, "certificates/lookup.html", {"form": form, "not_found": True}, status=404)
    )


#: Every code checked, typed in the form or opened as a verification page, counts against this
#: limit of the client, so that nobody can try codes by the thousand.
LOOKUP_LIMIT = "certificate_lookup.client"


def _too_many(request, limited, code):
    """The lookup form again, with the code typed, saying when to try again (status 429)."""
    form = CodeLookupForm({"code": code})
    return _noindex(
        rate_limited_response(request, limited, "certificates/lookup.html", {"form": form})
    )


def lookup(request):
    """A form to type a certificate's code; a known code leads to its verification page."""
    if "code" not in request.GET:
        return _noindex(render(request, "certificates/lookup.html", {"form": CodeLookupForm()}))
    if limited := hit(request, LOOKUP_LIMIT):
        return _too_many(request, limited, request.GET.get("code", ""))
    form = CodeLookupForm(request.GET)
    if not form.is_valid():
        return _noindex(render(request, "certificates/lookup.html", {"form": form}))
    code = form.cleaned_data["code"]
    if not Certificate.objects.filter(code=code).exists():
        return _not_found(request, form)
    return redirect("certificates:verify", code=code)


@never_cache
def verify(request, code):
    """Whether a certificate is valid, for anyone who has its code: the holder's name, what
    they completed, the hours, the date and the issuer; or when and why it was revoked.

    Never cached, so that a revocation shows at once even behind a shared cache. Counts against
    the client's limit of lookups, like the form."""
    if limited := hit(request, LOOKUP_LIMIT):
        return _too_many(request, limited, code)
    normalised = Certificate.normalise_code(code)
    certificate = (
        Certificate.objects.select_related("replaced_by").filter(code=normalised).first()
        if Certificate.is_code(normalised)
        else None
    )
    if certificate is None:
        form = CodeLookupForm({"code": code})
        form.full_clean()
        return _not_found(request, form)
    if normalised != code:
        return redirect(certificate, permanent=True)
    return _noindex(
        render(
            request,
            "certificates/verify.html",
            {
                "certificate": certificate,
                "replacement": certificate.replacement,
                "is_program": certificate.kind == CertificateKind.PROGRAM,
                "verification": _verification(certificate),
            },
        )
    )


def _verification(certificate):
    """What the page says was checked of the certificate's credential, or None when it has
    none (revoked) or none can be signed now."""
    if not certificate.is_valid:
        return None
    try:
        return credentials.verify(certificate)
    except (credentials.NoCredential, signing_keys.SigningKeyUnavailable):
        return None


def can_download(user, certificate):
    """The holder (signed in with the account their participant record is linked to) and the
    education staff download a certificate; nobody else."""
    return is_holder(user, certificate) or is_education_staff(user)


def is_holder(user, certificate):
    return bool(
        user.is_authenticated and user.is_active and certificate.participant.user_id == user.pk
    )


@never_cache
def download(request, code):
    """The certificate's PDF, from storage (rendered first only if it is missing); for staff,
    a revoked certificate's PDF with the "Revoked" mark, rendered on each download."""
    code = Certificate.normalise_code(code)
    if not Certificate.is_code(code):
        raise Http404
    certificate = get_object_or_404(
        Certificate.objects.select_related(
            "participant", "template__logo", "template__signature_image"
        ),
        code=code,
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("courses:sign_in"))
    if not can_download(request.user, certificate):
        raise PermissionDenied
    if not certificate.is_valid and not is_education_staff(request.user):
        # A revoked certificate is not handed out again; its page says why, and what replaces it.
        return redirect(certificate)
    if not certificate.is_valid:
        # Staff are given it marked "Revoked", rendered now; the stored file stays as issued.
        response = HttpResponse(pdf.render_revoked(certificate), content_type="application/pdf")
        return _attachment(response, pdf.revoked_filename(certificate))
    stored = pdf.ensure_pdf(certificate)
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=certificate.pdf_filename(),
        content_type="application/pdf",
    )
    return _noindex(response)


# Open Badges credentials


def _public(response):
    """A public document verifiers fetch, from any site's scripts too."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(document, content_type="application/ld+json"):
    return _public(
        JsonResponse(document, content_type=content_type, json_dumps_params={"indent": 2})
    )


@require_safe
def issuer(request):
    """The issuer's Open Badges ``Profile``."""
    language = certificate_language(get_language())
    return _json(credentials.published(credentials.issuer_profile(language)))


@require_safe
def workshop_achievement(request, workshop_id):
    """The ``Achievement`` of completing a workshop, in the language of the address."""
    if not fits_key(WorkshopPage, workshop_id):
        raise Http404
    workshop = WorkshopPage.objects.live().public().filter(pk=workshop_id).first()
    if workshop is None:
        raise Http404
    language = certificate_language(get_language())
    return _json(credentials.published(credentials.workshop_achievement(workshop, language)))


@require_safe
def program_achievement(request, program_id):
    """The ``Achievement`` of completing a program, in the language of the address."""
    if not fits_key(Program, program_id):
        raise Http404
    program = Program.objects.in_default_language().filter(pk=program_id).first()
    if program is None:
        raise Http404
    language = certificate_language(get_language())
    return _json(credentials.published(credentials.program_achievement(program, language)))


@never_cache
@require_safe
def key_set(request):
    """The public keys that verify credentials (JWK set): the current one and the retired
    ones, each named by its ``kid``."""
    return _json(signing_keys.key_set(), content_type="application/jwk-set+json")


def _unavailable(request, message, status):
    return _noindex(
        render(request, "certificates/no_credential.html", {"message": message}, status=status)
    )


@never_cache
@require_safe
def status_list(request, number):
    """The signed status list ``number``: which certificates are revoked, as they are now."""
    if not credentials.status_list_exists(number):
        raise Http404
    try:
        token = credentials.status_list_jwt(number)
    except signing_keys.SigningKeyUnavailable as problem:
        return _public(HttpResponse(str(problem.message), status=503, content_type="text/plain"))
    return _public(HttpResponse(token, content_type="application/vc+jwt"))


def _credential_of(request, code):
    """``(certificate, signed credential, None)``, or ``(certificate, None, response)``: the
    refusal to show, or None for an unknown code (404).

    Anyone with the code may download a valid certificate's credential, as from its
    verification page (it names neither the holder nor their address); the lookups of those
    who do not hold it count against the limit of lookups, like the verification page.
    """
    normalised = Certificate.normalise_code(code)
    certificate = (
        Certificate.objects.select_related("participant", "template")
        .filter(code=normalised)
        .first()
        if Certificate.is_code(normalised)
        else None
    )
    counted = certificate is None or not can_download(request.user, certificate)
    if counted and (limited := hit(request, LOOKUP_LIMIT)):
        return certificate, None, _too_many(request, limited, code)
    if certificate is None:
        raise Http404
    try:
        return certificate, credentials.credential_jwt(certificate), None
    except credentials.NoCredential as refusal:
        context = {"message": refusal.message, "certificate": certificate}
        response = render(request, "certificates/no_credential.html", context, status=410)
        return certificate, None, _noindex(response)
    except signing_keys.SigningKeyUnavailable as problem:
        return certificate, None, _unavailable(request, problem.message, 503)


def _attachment(response, filename, disposition="attachment"):
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return _noindex(response)


@never_cache
@require_safe
def credential(request, code):
    """The certificate's signed Open Badges credential, a VC-JWT file."""
    certificate, token, refusal = _credential_of(request, code)
    if refusal is not None:
        return refusal
    filename = f"credential-{slugify(certificate.title)[:60]}-{certificate.code[:4]}.jwt"
    return _attachment(HttpResponse(token, content_type="application/vc+jwt"), filename)


@never_cache
@require_safe
def badge(request, code):
    """The certificate's badge image (PNG), its signed credential baked in."""
    certificate, token, refusal = _credential_of(request, code)
    if refusal is not None:
        return refusal
    png = badge_image.baked_png(certificate, token)
    return _attachment(
        HttpResponse(png, content_type="image/png"), certificate.badge_filename(), "inline"
    )


def my_learning_section(request, participant):
    """The certificates section of My learning: each valid certificate of the member, with its
    download links (the PDF, the badge and the credential), its verification link and a link
    that adds it to a LinkedIn profile, and the hours their workshop certificates add up to.

    Registered for the ``register_my_learning_section`` hook; runs one query.
    """
    certificates = list(
        Certificate.objects.valid()
        .filter(participant=participant)
        .only(
            "code", "kind", "title", "hours", "completed_on", "issued_at", "issuer_name", "language"
        )
        .order_by("-completed_on", "-issued_at", "-pk")
    )
    for certificate in certificates:
        certificate.linkedin_url = credentials.linkedin_url(certificate)
    hours = sum((c.hours for c in certificates if c.kind == CertificateKind.WORKSHOP), start=0)
    return render_to_string(
        "certificates/my_learning_section.html",
        {
            "certificates": certificates,
            # Plural forms take whole numbers: a fraction of an hour reads as plural.
            "certified_hours": int(hours) if hours == int(hours) else 2,
            "certified_hours_display": format_hours(hours),
        },
        request=request,
    )
