"""Tokens on the profile page: made and named there, shown once, listed by prefix, revoked."""

import re

from tests.api_helpers import ApiClient
from tests.factories import CareGrantFactory
from tracker.models import ApiToken


def test_a_mother_makes_a_token_sees_it_once_and_revokes_it(mother_client, mother, infant):
    made = mother_client.post("/accounts/profile/tokens/", {"name": "iPhone shortcut"})
    assert made.status_code == 200
    token = re.search(r"data-new-token>(pt_[\w-]+)<", made.content.decode()).group(1)
    row = ApiToken.objects.get(owner=mother)
    assert (row.name, token.startswith(row.prefix)) == ("iPhone shortcut", True)
    assert "no-store" in made["Cache-Control"]
    assert ApiClient(token).get("/api/v1/infants/").json()["results"][0]["name"] == "Luca"

    later = mother_client.get("/accounts/profile/").content.decode()
    assert "iPhone shortcut" in later and row.prefix in later
    assert token not in later  # shown once

    asked = mother_client.get(f"/accounts/profile/tokens/{row.pk}/revoke/")
    assert "Revoke the token “iPhone shortcut”?" in asked.content.decode()
    assert ApiClient(token).get("/api/v1/infants/").status_code == 200  # asking revokes nothing
    revoked = mother_client.post(f"/accounts/profile/tokens/{row.pk}/revoke/")
    assert (revoked.status_code, revoked["Location"]) == (302, "/accounts/profile/")
    assert ApiClient(token).get("/api/v1/infants/").status_code == 401
    after = mother_client.get("/accounts/profile/")
    assert [str(m) for m in after.context["messages"]] == ["The token “iPhone shortcut” no longer works."]
    assert list(after.context["api_tokens"]) == []


def test_a_token_needs_a_one_line_name(mother_client, mother):
    refused = mother_client.post("/accounts/profile/tokens/", {"name": "two\nlines"})
    assert refused.status_code == 200
    assert "Use one line" in refused.content.decode()
    assert not ApiToken.objects.exists()


def test_another_mother_cannot_revoke_her_token(outsider_client, mother):
    row, token = ApiToken.issue(owner=mother, name="widget")
    assert outsider_client.post(f"/accounts/profile/tokens/{row.pk}/revoke/").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_a_clinicians_token_reads_the_summary_her_grant_allows(clinician_client, clinician, mother, infant):
    CareGrantFactory(mother=mother, clinician=clinician, scope="summary")
    made = clinician_client.post("/accounts/profile/tokens/", {"name": "Clinic EHR"})
    token = re.search(r"data-new-token>(pt_[\w-]+)<", made.content.decode()).group(1)
    api = ApiClient(token)
    assert api.get(f"/api/v1/patients/{mother.pk}/summary/").json()["infant"] == infant.pk
    assert api.get(f"/api/v1/patients/{mother.pk}/feeds/").status_code == 404
