"""The TLS profile of the shipped nginx site (docs/deploy.md; docs/security.md, ASVS V12).

test_deploy.py checks that the file parses and what it logs; this pins what it offers a client.
"""

from __future__ import annotations

import re
from pathlib import Path

SITE = Path(__file__).resolve().parents[4] / "deploy" / "nginx" / "openpso.conf"


def _servers() -> list[str]:
    text = "\n".join(line.split("#", 1)[0] for line in SITE.read_text().splitlines())
    return re.split(r"^server\s*\{", text, flags=re.M)[1:]


def _directive(block: str, name: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(rf"^\s*{name}\s+([^;]*);", block, re.M)]


def test_only_tls_1_2_and_1_3_with_forward_secret_aead_suites_are_offered():
    tls = [b for b in _servers() if "ssl_certificate" in b]
    assert len(tls) == 1
    assert _directive(tls[0], "ssl_protocols") == ["TLSv1.2 TLSv1.3"]
    (suites,) = _directive(tls[0], "ssl_ciphers")
    for suite in suites.split(":"):
        assert suite.startswith("ECDHE-"), suite
        assert suite.endswith(("-GCM-SHA256", "-GCM-SHA384", "-CHACHA20-POLY1305")), suite
    assert _directive(tls[0], "ssl_session_tickets") == ["off"]


def test_plain_http_only_redirects_to_https():
    (plain,) = [b for b in _servers() if "ssl_certificate" not in b]
    assert _directive(plain, "return") == ["301 https://$host$request_uri"]
    assert "proxy_pass" not in plain


def test_the_proxy_sets_the_forwarded_scheme_itself_and_always_sends_hsts():
    (tls,) = [b for b in _servers() if "ssl_certificate" in b]
    assert _directive(tls, "proxy_set_header X-Forwarded-Proto") == ["$scheme"]  # a client cannot claim https
    assert _directive(tls, "add_header Strict-Transport-Security") == ["$openpso_hsts always"]
    assert _directive(tls, "server_tokens") == ["off"]
