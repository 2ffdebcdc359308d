"""Public views of the certificates app: verifying a certificate, looking a code up, downloading
one's own certificate, and the certificates section of My learning."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache

from courses.ratelimits import hit, rate_limited_response
from courses.roles import is_education_staff

from . import pdf
from .choices import CertificateKind
from .forms import CodeLookupForm
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
            },
        )
    )


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
    """The certificate's PDF, from storage (rendered first only if it is missing)."""
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
    stored = pdf.ensure_pdf(certificate)
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=certificate.pdf_filename(),
        content_type="application/pdf",
    )
    return _noindex(response)


def my_learning_section(request, participant):
    """The certificates section of My learning: each valid certificate of the member, with its
    download and verification links, and the hours their workshop certificates add up to.

    Registered for the ``register_my_learning_section`` hook; runs one query.
    """
    certificates = list(
        Certificate.objects.valid()
        .filter(participant=participant)
        .only("code", "kind", "title", "hours", "completed_on", "issued_at")
        .order_by("-completed_on", "-issued_at", "-pk")
    )
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
