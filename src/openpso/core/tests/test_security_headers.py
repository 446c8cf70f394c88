"""The browser-side headers every page carries (docs/security.md, ASVS V3).

`check --deploy` (test_deploy.py) covers HSTS, the HTTPS redirect and the cookie flags under the
production settings; this pins the headers that hold in every environment.
"""

from __future__ import annotations

from django.test import Client


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in policy.split(";") if d.strip())
    return {words[0]: words[1:] for words in parts}


def test_every_page_carries_a_strict_content_security_policy(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no other origin
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_pages_refuse_framing_sniffing_and_cross_origin_referrers(db):
    response = Client().get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_api_answers_json_with_its_charset_and_nosniff(db):
    response = Client().get("/api/v1/reports")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_other_origin_is_granted_cross_origin_access(cast, client_for):
    client = client_for("safety_manager")
    for method in (client.get, client.options):
        response = method("/api/v1/reports", HTTP_ORIGIN="https://evil.example")
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


def test_signed_in_pages_and_api_answers_are_not_stored_by_the_browser(cast, client_for):
    client = client_for("safety_manager")
    report = cast.reports[next(iter(cast.reports))]
    for url in ["/", "/reports/", f"/reports/{report.pk}/", "/audit/", "/api/v1/reports"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_a_view_that_sets_its_own_caching_keeps_it_and_signed_out_pages_are_left_alone(cast, client_for):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import RequestFactory

    from openpso.core.caching import NoStoreWhenSignedInMiddleware

    request = RequestFactory().get("/x")
    request.user = cast.users["safety_manager"]

    def cached(_request: object) -> HttpResponse:
        response = HttpResponse("list")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    assert NoStoreWhenSignedInMiddleware(cached)(request)["Cache-Control"] == "private, max-age=3600"
    request.user = AnonymousUser()
    assert "Cache-Control" not in NoStoreWhenSignedInMiddleware(lambda _request: HttpResponse("page"))(request)
