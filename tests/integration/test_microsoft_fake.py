"""testkit/microsoft.py's fake against the real Teams SDK (microsoft-teams-apps / -api 2.1.1).

What these tests confirm about the SDK:
- Inbound: `microsoft_teams.apps.auth.token_validator.InboundActivityTokenValidator(app_id, cloud)`
  validates Bot Framework tokens (its `TokenValidator.for_service`); the HTTP server calls
  `validate_token(raw_token, body["serviceUrl"])`. It never reads the OpenID metadata document:
  it takes `cloud.openid_metadata_url`, replaces a trailing `/openidconfiguration` with `/keys`
  and hands that to PyJWT's `PyJWKClient`, which caches the key set (one fetch here for every
  token, a forged one under the same key id included). It checks RS256, audience (the app id,
  `api://{id}`, `api://botid-{id}`), issuer `cloud.token_issuer`, exp/nbf/iat with 300 s of
  leeway, and the `serviceurl` claim against the activity's serviceUrl, trailing `/` aside.
- Outbound: `microsoft_teams.apps.token_manager.TokenManager(ClientCredentials(...), cloud)`
  builds MSAL's `ConfidentialClientApplication` with authority `{cloud.login_endpoint}/{tenant_id}`;
  with tenant `adfs` MSAL reads `{authority}/.well-known/openid-configuration` and posts to its
  token endpoint, asking no Microsoft host. `get_bot_token()` asks for `cloud.bot_scope`.
- The cloud override is `microsoft_teams.api.auth.cloud_environment.with_overrides(PUBLIC, ...)`,
  here `openid_metadata_url` and `login_endpoint`; the Bot Connector's base is the `service_url`
  an `ApiClient` is given, and `AppTokenProvider(token_manager, cloud)` authorizes its calls.
- Trust: the JWKS client (urllib) and the API client (httpx) honour SSL_CERT_FILE; MSAL (requests)
  honours only REQUESTS_CA_BUNDLE.
- A Bot Connector error reaches the caller as `httpx.HTTPStatusError`, Retry-After readable on its
  response; the API client does not retry.
- Importing `microsoft_teams.apps` loads a `.env` found upward from the current directory: the SDK
  is imported here from an empty directory, so no `.env` of a checkout reaches the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile

import httpx
import jwt
import pytest
import requests

from testkit.microsoft import APP_ID, BOT_FRAMEWORK_ISSUER, TENANT_ID

with tempfile.TemporaryDirectory() as _empty, contextlib.chdir(_empty):
    from microsoft_teams.api import (
        Account,
        ApiClient,
        ClientCredentials,
        CreateConversationParams,
        MessageActivityInput,
    )
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment, with_overrides
    from microsoft_teams.apps import AppTokenProvider
    from microsoft_teams.apps.auth.token_validator import InboundActivityTokenValidator
    from microsoft_teams.apps.token_manager import TokenManager


@pytest.fixture(scope="module")
def cloud(microsoft) -> CloudEnvironment:
    return with_overrides(PUBLIC, openid_metadata_url=microsoft.openid_metadata_url, login_endpoint=microsoft.url)


@pytest.fixture(scope="module")
def validator(cloud) -> InboundActivityTokenValidator:
    return InboundActivityTokenValidator(APP_ID, cloud)


@pytest.fixture(autouse=True)
def _fresh(microsoft):
    microsoft.reset()


def test_the_sdk_accepts_a_token_the_fake_minted(microsoft, validator):
    claims = asyncio.run(validator.validate_token(microsoft.mint(), microsoft.service_url))

    assert claims["aud"] == APP_ID
    assert claims["iss"] == BOT_FRAMEWORK_ISSUER


@pytest.mark.parametrize(
    "forge, refusal",
    [
        ("mint_with_wrong_key", jwt.InvalidSignatureError),
        ("mint_expired", jwt.ExpiredSignatureError),
        ("mint_for_wrong_audience", jwt.InvalidAudienceError),
        ("mint_from_wrong_issuer", jwt.InvalidIssuerError),
        ("mint_for_wrong_service_url", jwt.InvalidTokenError),
    ],
)
def test_the_sdk_refuses_a_bad_token(microsoft, validator, forge, refusal):
    token = getattr(microsoft, forge)()

    with pytest.raises(refusal):
        asyncio.run(validator.validate_token(token, microsoft.service_url))


def test_the_sdk_fetches_the_keys_once_and_never_the_metadata(microsoft, cloud):
    fresh = InboundActivityTokenValidator(APP_ID, cloud)

    for token in (microsoft.mint(), microsoft.mint()):
        asyncio.run(fresh.validate_token(token, microsoft.service_url))

    assert len(microsoft.calls_to("openid.keys")) == 1
    assert microsoft.calls_to("openid.metadata") == []


def test_the_sdk_gets_its_bot_token_from_the_fake_authority(microsoft, cloud):
    manager = TokenManager(ClientCredentials(client_id=APP_ID, client_secret="secret", tenant_id=TENANT_ID), cloud)

    token = asyncio.run(manager.get_bot_token())

    [issued] = microsoft.calls_to("entra.token", tenant=TENANT_ID, grant_type="client_credentials")
    assert issued.args["client_id"] == APP_ID
    assert issued.args["scope"] == PUBLIC.bot_scope
    assert [call.method for call in microsoft.calls] == ["entra.discovery", "entra.token"]
    assert token is not None and jwt.decode(str(token), options={"verify_signature": False})["appid"] == APP_ID


def test_msal_trusts_the_fake_only_through_requests_ca_bundle(microsoft, cloud, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    manager = TokenManager(ClientCredentials(client_id=APP_ID, client_secret="secret", tenant_id=TENANT_ID), cloud)

    with pytest.raises(requests.exceptions.SSLError):
        asyncio.run(manager.get_bot_token())


def test_the_sdk_sends_an_activity_to_the_fake_connector_with_the_fake_token(microsoft, cloud):
    credentials = ClientCredentials(client_id=APP_ID, client_secret="secret", tenant_id=TENANT_ID)
    tokens = AppTokenProvider(TokenManager(credentials, cloud), cloud)
    api = ApiClient(microsoft.service_url, cloud=cloud, token_provider=tokens)

    sent = asyncio.run(api.conversations.create_activity("a:conversation", MessageActivityInput(text="Hello")))

    [call] = microsoft.calls_to("activities.create", conversation_id="a:conversation")
    assert call.args["text"] == "Hello"
    assert sent.id.isdigit()
    assert len(microsoft.calls_to("entra.token")) == 1
    bearer = jwt.decode(call.token, options={"verify_signature": False})
    assert (bearer["appid"], bearer["aud"]) == (APP_ID, PUBLIC.bot_scope.removesuffix("/.default"))


def test_a_failure_the_fake_is_told_of_reaches_the_sdk_unretried(microsoft, cloud):
    microsoft.fail_next("activities.create", status=429, headers={"Retry-After": "3"})
    api = ApiClient(microsoft.service_url, cloud=cloud)

    with pytest.raises(httpx.HTTPStatusError) as raised:
        asyncio.run(api.conversations.create_activity("a:conversation", MessageActivityInput(text="Hello")))

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "3"
    assert len(microsoft.calls_to("activities.create")) == 1


def test_the_sdk_opens_a_conversation_updates_an_activity_and_lists_members(microsoft, cloud):
    api = ApiClient(microsoft.service_url, cloud=cloud)
    member = {"id": "29:member", "name": "A member", "aadObjectId": "00000000-0000-4000-8000-0000000000aa"}

    opened = asyncio.run(api.conversations.create(CreateConversationParams(members=[Account(id="29:member")])))
    microsoft.members[opened.id] = [member]
    asyncio.run(api.conversations.update_activity(opened.id, "fake-activity-1", MessageActivityInput(text="Edited")))
    members = asyncio.run(api.conversations.get_members(opened.id))

    assert microsoft.calls_to("conversations.create")[0].args["members"] == [{"id": "29:member"}]
    assert microsoft.calls_to("activities.update", activity_id="fake-activity-1")[0].args["text"] == "Edited"
    assert [m.id for m in members] == ["29:member"]
