"""Signing in with an OpenID Connect provider, against a local test provider."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from allauth.account.models import EmailAddress

from accounts.models import User

pytestmark = pytest.mark.django_db

CLIENT_ID = "concerto-test"


class Provider(BaseHTTPRequestHandler):
    """Discovery, token and userinfo endpoints of a minimal OpenID Connect provider."""

    base = ""
    token_requests: list[dict] = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _json(self, data):
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/.well-known/openid-configuration":
            self._json(
                {
                    "issuer": self.base,
                    "authorization_endpoint": f"{self.base}/authorize",
                    "token_endpoint": f"{self.base}/token",
                    "userinfo_endpoint": f"{self.base}/userinfo",
                    "jwks_uri": f"{self.base}/jwks",
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                }
            )
        elif self.path == "/userinfo":
            self._json({"sub": "agent-42", "email": "agent@example.gouv.fr", "email_verified": True})
        else:
            self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        Provider.token_requests.append(form)
        now = int(time.time())
        id_token = jwt.encode(
            {"iss": self.base, "aud": CLIENT_ID, "sub": "agent-42", "iat": now, "exp": now + 300},
            "not-checked-when-fetched-over-the-back-channel-" * 2,
            algorithm="HS256",
        )
        self._json(
            {"access_token": "access", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )


@pytest.fixture
def oidc_provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    Provider.base = f"http://127.0.0.1:{server.server_port}"
    Provider.token_requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "annuaire",
                    "name": "Annuaire des agents",
                    "client_id": CLIENT_ID,
                    "secret": "secret",
                    "settings": {"server_url": Provider.base, "fetch_userinfo": True},
                }
            ],
        }
    }
    yield Provider.base
    server.shutdown()


def test_sign_in_with_the_configured_provider(client, oidc_provider):
    assert "Annuaire des agents" in client.get("/accounts/login/").content.decode()
    started = client.post("/accounts/oidc/annuaire/login/")
    assert started.status_code == 302
    authorize = urlparse(started["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{oidc_provider}/authorize"
    query = parse_qs(authorize.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]

    back = client.get(
        "/accounts/oidc/annuaire/login/callback/",
        {"code": "the-code", "state": query["state"][0]},
        follow=True,
    )
    assert back.status_code == 200
    assert Provider.token_requests[-1]["code"] == "the-code"
    user = User.objects.get(email="agent@example.gouv.fr")
    assert EmailAddress.objects.get(user=user).verified, "the provider vouches for the address"
    assert not user.is_staff, "signing in grants no staff role"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_forged_callback_is_refused(client, oidc_provider):
    client.post("/accounts/oidc/annuaire/login/")
    refused = client.get("/accounts/oidc/annuaire/login/callback/", {"code": "x", "state": "forged"})
    assert 400 <= refused.status_code < 500
    assert '<html lang="fr">' in refused.content.decode(), "a page of the site, not a server error"
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert Provider.token_requests == []


def test_without_configuration_there_is_no_provider(client):
    assert client.post("/accounts/oidc/annuaire/login/").status_code == 404
