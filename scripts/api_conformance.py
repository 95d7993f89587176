"""The JSON API against its own OpenAPI document, as a client generated from it would see it.

Run by scripts/api-conformance.sh against `metasync serve` over a database synced from the sandbox (with a breakdown
report). Checks: /openapi.yaml is valid OpenAPI 3.0; every documented operation is called at least once; every
answer's status is documented for its operation and its JSON body validates against the documented schema (types,
nullability, enums, required fields); bad input answers a documented 4xx with the error shape (a missing required
parameter with code missing_parameter, everywhere); a method a documented path does not serve answers 405
method_not_allowed with an Allow header listing the documented methods; no answer carries the access token or the app
secret. Prints "N passed, M failed" last and exits non-zero on any failure.

Environment: API_URL, API_KEY, SECRETS (comma-separated strings no answer may contain besides the API key).
"""

import json
import os
import sys
import urllib.error
import urllib.request

import yaml
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

URL = os.environ["API_URL"]
KEY = os.environ["API_KEY"]
SECRETS = [s for s in os.environ.get("SECRETS", "").split(",") if s] + [KEY]

passed = 0
failures = []
called = set()


def check(ok, label):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(label)
        print("FAIL", label, file=sys.stderr)


def fetch(method, path, body=None, auth=True):
    headers = {"Authorization": "Bearer " + KEY} if auth else {}
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(URL + path, method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            fetch.headers = response.headers
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        fetch.headers = error.headers
        return error.code, error.headers.get("Content-Type", ""), error.read()


status, _, raw = fetch("GET", "/openapi.yaml", auth=False)
spec = yaml.safe_load(raw)
try:
    validate(spec)
    check(True, "openapi.yaml is valid OpenAPI 3.0")
except Exception as error:  # noqa: BLE001 - any validation error is a failure to report
    check(False, f"openapi.yaml is not valid OpenAPI 3.0: {str(error)[:300]}")


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def inline(node):
    """The schema with every $ref replaced by its target (the document has no recursive schemas)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inline(resolve(node))
        return {key: inline(value) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(value) for value in node]
    return node


def call(method, template, path, body=None, expect=None, auth=True):
    """Calls one operation and checks its answer against the document; returns the decoded JSON (or None)."""
    called.add((method.lower(), template))
    status, content_type, raw = fetch(method, path, body, auth)
    label = f"{method} {path} -> {status}"
    for secret in SECRETS:
        check(secret.encode() not in raw, f"{label}: the answer contains a secret")
    if expect is not None:
        check(status == expect, f"{label}: expected {expect}")
    operation = spec["paths"][template][method.lower()]
    documented = operation["responses"].get(str(status))
    check(documented is not None, f"{label}: status not documented")
    check(status != 500, f"{label}: 500")
    if documented is None:
        return None
    content = resolve(documented).get("content", {})
    if "application/json" not in content:
        check("json" not in content_type or not raw, f"{label}: JSON answer where none is documented")
        return None
    check(content_type.startswith("application/json"), f"{label}: Content-Type {content_type}")
    data = json.loads(raw)
    schema = inline(content["application/json"]["schema"])
    errors = list(OAS30Validator(schema).iter_errors(data))
    for error in errors[:5]:
        check(False, f"{label}: {list(error.path)} {error.message[:200]}")
    if not errors:
        check(True, label)
    if status >= 400:
        error = data.get("error") if isinstance(data, dict) else None
        check(isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str), f"{label}: error shape")
    return data


def valid_calls():
    account = ACCOUNT
    call("GET", "/health", "/health", auth=False)
    call("GET", "/api/health", "/api/health", expect=200)
    call("POST", "/api/connect", "/api/connect", expect=200)
    connections = call("GET", "/api/connections", "/api/connections", expect=200)
    connection = connections["data"][0]["id"]
    call("GET", "/api/accounts", f"/api/accounts?connection_id={connection}&limit=5", expect=200)
    campaigns = call("GET", "/api/campaigns", f"/api/campaigns?account_id={account}&status=ACTIVE,PAUSED&limit=5", expect=200)
    cursor = campaigns["paging"].get("next_cursor")
    if cursor:
        call("GET", "/api/campaigns", f"/api/campaigns?account_id={account}&status=ACTIVE,PAUSED&limit=5&cursor={cursor}", expect=200)
    campaign = campaigns["data"][0]["id"]
    call("GET", "/api/adsets", f"/api/adsets?campaign_id={campaign}", expect=200)
    call("GET", "/api/ads", f"/api/ads?account_id={account}&limit=500", expect=200)
    for level, window in [("account", "default"), ("campaign", "7d_click"), ("ad", "dda"), ("adset", "1d_view")]:
        call("GET", "/api/insights", f"/api/insights?level={level}&account_id={account}&window={window}&limit=500", expect=200)
    for sort, direction in [("spend", "desc"), ("cpa", "asc"), ("roas", "desc"), ("ctr", "asc")]:
        call("GET", "/api/creatives", f"/api/creatives?account_id={account}&sort={sort}&dir={direction}&limit=500", expect=200)
    call("GET", "/api/reports/{name}", f"/api/reports/age_gender?account_id={account}&limit=50", expect=200)
    call("GET", "/api/reports/{name}", f"/api/reports/monthly_reach?account_id={account}", expect=200)
    call("GET", "/api/sync-runs", f"/api/sync-runs?account_id={account}", expect=200)
    call("GET", "/api/rate-limits", "/api/rate-limits", expect=200)
    recommendations = call("GET", "/api/recommendations", f"/api/recommendations?account_id={account}&limit=500", expect=200)
    call("GET", "/api/ad-rules", f"/api/ad-rules?account_id={account}", expect=200)
    call("GET", "/api/accounts/{id}/opportunity-score", f"/api/accounts/{account}/opportunity-score", expect=200)
    settings = "/api/recommendations/settings"
    call("GET", settings, f"{settings}?account_id={account}", expect=200)
    call("PUT", settings, f"{settings}?account_id={account}&campaign_id={campaign}", {"target_cpa": 25, "target_roas": "off"}, expect=200)
    call("DELETE", settings, f"{settings}?account_id={account}&campaign_id={campaign}&key=target_cpa,target_roas", expect=200)
    call("GET", "/api/webhook-events", "/api/webhook-events?limit=5", expect=200)
    call("GET", "/api/dead-letters", "/api/dead-letters", expect=200)
    writes = [r["id"] for r in recommendations["data"] if r["action"].get("operation") in ("pause", "budget_change")]
    if writes:
        call("POST", "/api/recommendations/{id}/apply", f"/api/recommendations/{writes[0]}/apply", expect=200)
    call("POST", "/api/recommendations/{id}/dismiss", f"/api/recommendations/{recommendations['data'][-1]['id']}/dismiss", expect=200)


def bad_calls():
    account = ACCOUNT
    for template, path in [
        ("/api/accounts", "/api/accounts?limit=0"),
        ("/api/campaigns", "/api/campaigns?limit=501"),
        ("/api/adsets", "/api/adsets?cursor=not-a-cursor"),
        ("/api/ads", "/api/ads?limit=ten"),
        ("/api/insights", "/api/insights?since=2026-02-30"),
        ("/api/insights", "/api/insights?since=2026-03-10&until=2026-03-01"),
        ("/api/insights", "/api/insights?window=7d_view"),
        ("/api/insights", "/api/insights?level=campaigns"),
        ("/api/creatives", f"/api/creatives?account_id={account}&sort=cpc"),
        ("/api/creatives", f"/api/creatives?account_id={account}&since=2024-01-01&until=2026-01-01"),
        ("/api/reports/{name}", f"/api/reports/age_gender?account_id={account}&level=adgroup"),
        ("/api/sync-runs", "/api/sync-runs?limit=100000"),
        ("/api/recommendations", f"/api/recommendations?account_id={account}&severity=urgent"),
        ("/api/accounts/{id}/opportunity-score", "/api/accounts/not-an-account/opportunity-score"),
        ("/api/ad-rules", "/api/ad-rules?account_id=act_x1"),
        ("/api/webhook-events", "/api/webhook-events?status=lost"),
        ("/api/dead-letters", "/api/dead-letters?limit=-1"),
    ]:
        call("GET", template, path, expect=400)
    for template, path in [
        ("/api/creatives", "/api/creatives"),
        ("/api/reports/{name}", "/api/reports/age_gender"),
        ("/api/recommendations", "/api/recommendations?severity=high"),
        ("/api/ad-rules", "/api/ad-rules"),
        ("/api/recommendations/settings", "/api/recommendations/settings"),
    ]:
        data = call("GET", template, path, expect=400) or {}
        code = (data.get("error") or {}).get("code")
        check(code == "missing_parameter", f"GET {path}: a missing account_id is missing_parameter, not {code}")
    for template, path in [
        ("/api/creatives", "/api/creatives?account_id=act_1"),
        ("/api/reports/{name}", f"/api/reports/age_and_gender?account_id={account}"),
        ("/api/reports/{name}", "/api/reports/age_gender?account_id=act_1"),
        ("/api/recommendations", "/api/recommendations?account_id=act_1"),
        ("/api/ad-rules", "/api/ad-rules?account_id=act_1"),
        ("/api/accounts/{id}/opportunity-score", "/api/accounts/act_1/opportunity-score"),
        ("/api/recommendations/settings", "/api/recommendations/settings?account_id=act_1"),
    ]:
        call("GET", template, path, expect=404)
    call("PUT", "/api/recommendations/settings", f"/api/recommendations/settings?account_id={account}", {"target_cpa": -1}, expect=400)
    call("DELETE", "/api/recommendations/settings", f"/api/recommendations/settings?account_id={account}&key=nope", expect=400)
    call("POST", "/api/recommendations/{id}/apply", "/api/recommendations/999999/apply", expect=404)
    call("POST", "/api/recommendations/{id}/apply", "/api/recommendations/1/apply", '{"confirm": "yes"}', expect=400)
    call("POST", "/api/recommendations/{id}/dismiss", "/api/recommendations/x/dismiss", expect=400)
    call("POST", "/api/dead-letters/{id}/retry", "/api/dead-letters/999999/retry", expect=404)
    call("POST", "/api/sync", "/api/sync", "{not json", expect=400)
    call("POST", "/api/sync", "/api/sync", {"account_id": "act_1"}, expect=404)
    call("GET", "/api/campaigns", "/api/campaigns", expect=401, auth=False)


def wrong_methods():
    """Every documented path, called with a method it does not document: 405 with Allow and the error shape."""
    for template, operations in spec["paths"].items():
        documented = sorted(method.upper() for method in operations if method in ("get", "post", "put", "delete", "patch"))
        wrong = next(m for m in ("PATCH", "DELETE", "PUT", "POST") if m not in documented)
        path = template.replace("{name}", "age_gender").replace("{id}", "1")
        status, content_type, raw = fetch(wrong, path)
        label = f"{wrong} {path} -> {status}"
        check(status == 405, f"{label}: expected 405")
        check(fetch.headers.get("Allow") == ", ".join(documented), f"{label}: Allow {fetch.headers.get('Allow')} vs {documented}")
        error = json.loads(raw).get("error", {}) if content_type.startswith("application/json") else {}
        check(error.get("code") == "method_not_allowed", f"{label}: error code {error.get('code')}")


ACCOUNT = json.loads(fetch("GET", "/api/accounts?limit=1")[2])["data"][0]["id"]
valid_calls()
bad_calls()
wrong_methods()
documented = {(method, path) for path, operations in spec["paths"].items() if path.startswith("/api/") for method in operations}
missing = sorted(documented - called)
check(not missing, f"documented operations never called: {missing}")
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
