"""The OpenAPI schema at /api/schema/ and its reference at /api/docs/, served by the app."""

import re

import pytest
import yaml

from tracker.api.urls import router


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def openapi_path(route: str) -> str:
    path = "/api/v1/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route.lstrip("^").rstrip("$"))
    return path.replace("{pk}", "{id}")  # drf-spectacular names the lookup by its field


def test_every_route_is_in_the_schema_with_its_errors(schema):
    assert schema["openapi"].startswith("3.")
    for pattern in router.urls:
        path = openapi_path(str(pattern.pattern))
        assert path in schema["paths"], path
        for method, operation in schema["paths"][path].items():
            assert {"400", "401", "404", "429"} <= set(operation["responses"]), (method, path)
            error = operation["responses"]["404"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}
            headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            if method in ("post", "patch", "delete"):
                assert "Idempotency-Key" in headers, (method, path)
                assert "422" in operation["responses"]
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"detail", "code", "errors"}
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def test_no_put_where_patch_edits(schema):
    assert not [path for path, ops in schema["paths"].items() if "put" in ops]


def test_the_reference_page_loads_swagger_ui_from_the_apps_static_files(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    back = re.findall(r'<nav class="api-docs-bar"[^>]*>(.*?)</nav>', html, re.S)[0]
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', back) == [
        ("/", "← Back to the tracker"),
        ("/accounts/profile/", "Your API tokens"),
    ]
    assets = [s for s in sources if s not in ("/", "/accounts/profile/")]
    assert all(s.startswith("/static/") or s.startswith("/api/docs/") for s in assets), sources
    assert any(s.endswith("tracker/api_docs.css") for s in assets)
    assert "<style>" not in html and re.search(r"<script>\s*\S", html) is None  # nothing inline: the CSP
    script = client.get("/api/docs/?script")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_errors_and_the_one_tap_writes_carry_examples(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "404", "429"):
                examples = operation["responses"][code]["content"]["application/json"]["examples"]
                [example] = examples.values()
                assert set(example["value"]) == {"detail", "code", "errors"}, (method, path, code)
    for path in (
        "/api/v1/feeds/",
        "/api/v1/feeds/start/",
        "/api/v1/doses/",
        "/api/v1/doses/take/",
        "/api/v1/symptoms/",
    ):
        body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["examples"], path


def resolve(schema: dict, node: dict) -> dict:
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else node


def properties_of(schema: dict, node: dict) -> dict:
    """A schema's properties, with those of the parts it is built from (allOf, $ref)."""
    node = resolve(schema, node)
    found = dict(node.get("properties", {}))
    for part in node.get("allOf", []):
        found.update(properties_of(schema, part))
    return found


def is_described(schema: dict, node: dict) -> bool:
    if node.get("description"):
        return True
    if set(node) == {"$ref"}:  # a pure reference: described by its target
        return bool(resolve(schema, node).get("description"))
    return False


def undescribed_properties(schema: dict) -> list[str]:
    missing = []
    for name, component in schema["components"]["schemas"].items():
        for prop, node in properties_of(schema, component).items():
            if not is_described(schema, node):
                missing.append(f"{name}.{prop}")
    return missing


def undescribed_parameters(schema: dict) -> list[str]:
    return [
        f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]


def client_errors_without_example(schema: dict) -> list[str]:
    """4xx answers with neither an example nor a schema whose every property is described."""
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if not code.startswith("4"):
                    continue
                for body in response.get("content", {}).values():
                    if body.get("examples") or body.get("example"):
                        continue
                    shape = body.get("schema", {})
                    props = properties_of(schema, shape)
                    if not (props and all(is_described(schema, node) for node in props.values())):
                        missing.append(f"{method.upper()} {path} {code}")
    return missing


def test_every_property_and_parameter_is_described(schema):
    assert len(schema["components"]["schemas"]) > 20  # the walk below sees the real schema
    assert undescribed_properties(schema) == []
    assert undescribed_parameters(schema) == []


def test_every_client_error_has_an_example(schema):
    assert client_errors_without_example(schema) == []
    take = schema["paths"]["/api/v1/doses/take/"]["post"]["responses"]["409"]["content"]["application/json"]
    assert {example["value"]["code"] for example in take["examples"].values()} == {
        "no_slot_due",
        "already_logged",
        "all_logged",
    }


def test_the_one_tap_actions_describe_at_with_an_example(schema):
    components = schema["components"]["schemas"]
    for name in ("FeedStartRequest", "TapRequest", "CryingStartRequest", "DoseTakeRequest"):
        at = components[name]["properties"]["at"]
        assert (at["format"], at["example"]) == ("date-time", "2026-11-16T03:12:00+01:00"), name
        assert "2 minutes ahead" in at["description"] and "48 hours old" in at["description"], name
        assert "at" not in components[name].get("required", []), name
    for path in ("/api/v1/feeds/{id}/switch/", "/api/v1/feeds/{id}/stop/", "/api/v1/symptoms/{id}/stop/"):
        body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": "#/components/schemas/TapRequest"}, path
        assert [example["value"] for example in body["examples"].values()][0]["at"].endswith("+01:00"), path


def test_the_pages_envelope_is_described(schema):
    page = schema["components"]["schemas"]["PaginatedFeedList"]["properties"]
    assert page["next"]["nullable"] and "null on the last page" in page["next"]["description"]
    assert page["results"]["items"] == {"$ref": "#/components/schemas/Feed"}
    assert (
        page["results"]["description"] == "At most 50 records, newest started_at first (then the highest id)."
    )
