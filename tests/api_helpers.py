"""Clients of the API for the tests: a mother's token, and JSON in and out."""

import json

from django.test import Client

from tracker.models import ApiToken


class ApiClient:
    """Sends JSON with ``Authorization: Bearer <token>`` (or no header when ``token`` is None)."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.token = token

    def _headers(self, key: str | None) -> dict:
        headers = {}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return headers

    def get(self, url: str, **params):
        return self.client.get(url, params, **self._headers(None))

    def send(self, method: str, url: str, body: dict | None = None, *, key: str | None = None):
        data = json.dumps(body) if body is not None else ""
        call = getattr(self.client, method.lower())
        return call(url, data=data, content_type="application/json", **self._headers(key))

    def post(self, url: str, body: dict | None = None, *, key: str | None = None):
        return self.send("POST", url, body, key=key)

    def patch(self, url: str, body: dict | None = None, *, key: str | None = None):
        return self.send("PATCH", url, body, key=key)

    def delete(self, url: str, *, key: str | None = None):
        return self.send("DELETE", url, None, key=key)


def api_for(user, name: str = "tests") -> ApiClient:
    _, token = ApiToken.issue(owner=user, name=name)
    return ApiClient(token)
