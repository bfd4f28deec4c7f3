"""What the Teams messenger needs of the SDK: an API client for each Bot Connector service URL,
all authorized by one bot token from Entra ID (MSAL caches it until it nearly expires).

The SDK reports a token it could not get in three ways: a `ValueError` naming the OAuth error
when the token endpoint refused the app (`invalid_client` for a wrong or expired secret,
`unauthorized_client` for an app the tenant does not know), `MsalServiceError` when the
endpoint answered 5xx, and `requests` exceptions when it could not be reached. Here they
become CredentialsRefused and TokenUnavailable."""

from __future__ import annotations

import requests
from microsoft_teams.api import ApiClient, ClientCredentials
from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.apps.token_manager import TokenManager
from msal.exceptions import MsalServiceError


class CredentialsRefused(Exception):
    """Entra ID would not issue a bot token for our app id and secret."""


class TokenUnavailable(Exception):
    """Entra ID could not be asked for a bot token just now (unreachable, or a server error)."""


class Connector:
    def __init__(
        self,
        app_id: str,
        client_secret: str,
        tenant_id: str | None,
        cloud: CloudEnvironment,
        default_service_url: str,
    ):
        """`tenant_id` is the app's home tenant for a single-tenant app; None for a multi-tenant
        one, whose tokens come from the cloud's Bot Framework tenant."""
        self.app_id = app_id
        self.cloud = cloud
        self.default_service_url = default_service_url
        credentials = ClientCredentials(client_id=app_id, client_secret=client_secret, tenant_id=tenant_id)
        self._tokens = TokenManager(credentials, cloud)
        self._clients: dict[str, ApiClient] = {}

    def api(self, service_url: str) -> ApiClient:
        """The client for the Bot Connector at `service_url`, made once."""
        base = service_url.rstrip("/")
        if base not in self._clients:
            self._clients[base] = ApiClient(base, cloud=self.cloud, token_provider=self)
        return self._clients[base]

    async def bot_token(self) -> str:
        """The bearer token for outbound calls; raises CredentialsRefused or TokenUnavailable."""
        return await self.get_app_token(self.cloud.bot_scope, None)

    async def get_app_token(self, scope: str, tenant_id: str | None) -> str:
        """The SDK's TokenProviderProtocol, so that every ApiClient's calls fail as bot_token does."""
        try:
            token = await self._tokens.get_app_token(scope, tenant_id)
        except (MsalServiceError, requests.RequestException) as failure:
            raise TokenUnavailable(f"{type(failure).__name__}: {failure}") from None
        except ValueError as refusal:
            raise CredentialsRefused(str(refusal)) from None
        assert token is not None  # given ClientCredentials, the SDK answers a token or raises
        return str(token)
