"""The site's Content-Security-Policy header (django-csp), configured in the settings'
``CONTENT_SECURITY_POLICY``."""

from csp.middleware import CSPMiddleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, except on PDF files.

    A browser shows a PDF (a sign-in sheet, a facilitator guide, a handout) in its own viewer,
    which Chrome runs as an embedded plugin under the file's policy: ``object-src 'none'``
    would leave the page blank. A PDF runs none of our scripts, so it goes without the header.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/pdf":
            return response
        return super().process_response(request, response)
