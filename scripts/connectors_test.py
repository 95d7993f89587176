"""Runs two real third-party connectors against `metasync sandbox` and checks they read every record it holds.

Run by scripts/connectors-test.sh, which builds metasync, installs the connectors into their own venvs, starts the
sandbox and sets the environment below. Standard library only (this file runs on the system Python).

  SANDBOX_URL, SANDBOX_TOKEN, SANDBOX_ACCOUNT   the sandbox, its token and its one account number (no `act_`)
  START_DATE                                     first day the connectors read (YYYY-MM-DD)
  AIRBYTE_BIN, TAP_BIN                           `source-facebook-marketing` and `tap-facebook` executables
  SHIM_DIR                                       scripts/connectors (its sitecustomize.py points the SDK at the sandbox)
  WORK_DIR                                       scratch directory for configs, catalogs and outputs
  PENDING_STREAMS                                comma list of logical streams reported as pending instead of run

For each stream, the expected count is what plain Graph reads of the sandbox return for the same question (paging
through `paging.next`), made here over HTTP; each connector's RECORD count must equal it, and neither may log an
error. Prints one PASS/FAIL/PENDING line per connector and stream and "N passed, M failed" last; exits 1 on failure.
"""

import collections
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from datetime import date, timedelta

URL = os.environ["SANDBOX_URL"].rstrip("/")
TOKEN = os.environ["SANDBOX_TOKEN"]
ACCOUNT = os.environ["SANDBOX_ACCOUNT"]
START = date.fromisoformat(os.environ["START_DATE"])
WORK = os.environ["WORK_DIR"]
PENDING = {s for s in os.environ.get("PENDING_STREAMS", "").split(",") if s}
PAGE = 5  # small pages, so the object streams page too

# Every effective status Graph (and Airbyte's spec) allows per object type: asking for all of them makes Graph return
# ARCHIVED and DELETED objects too.
STATUSES = {
    "campaigns": ["ACTIVE", "ARCHIVED", "DELETED", "IN_PROCESS", "PAUSED", "WITH_ISSUES"],
    "adsets": ["ACTIVE", "ARCHIVED", "CAMPAIGN_PAUSED", "DELETED", "IN_PROCESS", "PAUSED", "WITH_ISSUES"],
    "ads": [
        "ACTIVE", "ADSET_PAUSED", "ARCHIVED", "CAMPAIGN_PAUSED", "DELETED", "DISAPPROVED", "IN_PROCESS", "PAUSED",
        "PENDING_BILLING_INFO", "PENDING_REVIEW", "PREAPPROVED", "WITH_ISSUES",
    ],
}
# Logical stream -> (Airbyte stream, tap stream, Graph edge or insights breakdowns).
STREAMS = {
    "campaigns": ("campaigns", "campaigns", "campaigns"),
    "adsets": ("ad_sets", "adsets", "adsets"),
    "ads": ("ads", "ads", "ads"),
    "ad_creatives": ("ad_creatives", "adcreative", "adcreatives"),
    "ads_insights": ("ads_insights", "ads_insights", []),
    "ads_insights_age_and_gender": ("ads_insights_age_and_gender", "ads_insights_age_and_gender", ["age", "gender"]),
    "ads_insights_country": ("ads_insights_country", "ads_insights_country", ["country"]),
}


def graph_count(path, params):
    """Items of a Graph read, following `paging.next` to the end."""
    query = dict(params, access_token=TOKEN, limit="500")
    url = f"{URL}/v25.0/{path}?{urllib.parse.urlencode(query)}"
    total = 0
    while url:
        with urllib.request.urlopen(url) as response:
            body = json.load(response)
        total += len(body["data"])
        url = body.get("paging", {}).get("next")
    return total


def expected_counts(all_statuses, insights_since):
    """What plain Graph reads return: objects of every status, creatives, daily ad-level insights (of every ad when
    `all_statuses`, else Graph's default rows, which leave out deleted ads)."""
    until = date.today() + timedelta(days=1)
    out = {}
    for name, (_, _, target) in STREAMS.items():
        if isinstance(target, str):
            params = {"fields": "id"}
            if target in STATUSES:
                params["effective_status"] = json.dumps(STATUSES[target])
            out[name] = graph_count(f"act_{ACCOUNT}/{target}", params)
            continue
        if name in PENDING:
            continue
        params = {
            "level": "ad",
            "time_increment": "1",
            "fields": "ad_id,impressions",
            "time_range": json.dumps({"since": insights_since.isoformat(), "until": until.isoformat()}),
        }
        if target:
            params["breakdowns"] = json.dumps(target)
        if all_statuses:
            params["filtering"] = json.dumps([{"field": "ad.effective_status", "operator": "IN", "value": STATUSES["ads"]}])
        out[name] = graph_count(f"act_{ACCOUNT}/insights", params)
    return out


def run(label, command, out_path):
    """Runs a connector with the SDK shim on PYTHONPATH; returns (exit code, stdout lines, stderr text)."""
    env = dict(os.environ, PYTHONPATH=os.environ["SHIM_DIR"], METASYNC_CONNECTOR_GRAPH_URL=URL)
    with open(out_path, "w") as out, open(out_path + ".err", "w") as err:
        code = subprocess.run(command, stdout=out, stderr=err, env=env, cwd=WORK).returncode
    with open(out_path) as f:
        lines = f.read().splitlines()
    with open(out_path + ".err") as f:
        errors = f.read()
    print(f"{label}: exit {code}, output in {out_path}", flush=True)
    return code, lines, errors


def write_json(name, value):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        json.dump(value, f)
    return path


def airbyte(streams):
    """Airbyte's source-facebook-marketing: every status asked for, so it reads ARCHIVED and DELETED objects too."""
    config = write_json("airbyte-config.json", {
        "account_ids": [ACCOUNT],
        "credentials": {"auth_type": "Service", "access_token": TOKEN},
        "start_date": f"{START.isoformat()}T00:00:00Z",
        "campaign_statuses": STATUSES["campaigns"],
        "adset_statuses": STATUSES["adsets"],
        "ad_statuses": STATUSES["ads"],
        "page_size": PAGE,
    })
    binary = os.environ["AIRBYTE_BIN"]
    code, lines, errors = run("airbyte discover", [binary, "discover", "--config", config], os.path.join(WORK, "airbyte-discover.jsonl"))
    catalog = next((json.loads(l)["catalog"] for l in lines if l.startswith("{") and json.loads(l).get("type") == "CATALOG"), None)
    if code != 0 or catalog is None:
        return None, [f"discover failed (exit {code}): {errors[-2000:]}"]
    wanted = {STREAMS[s][0] for s in streams}
    configured = {"streams": [
        {"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
        for s in catalog["streams"] if s["name"] in wanted
    ]}
    path = write_json("airbyte-catalog.json", configured)
    code, lines, errors = run("airbyte read", [binary, "read", "--config", config, "--catalog", path], os.path.join(WORK, "airbyte-read.jsonl"))
    counts = collections.Counter()
    problems = [] if code == 0 else [f"exit {code}: {errors[-2000:]}"]
    for line in lines:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        kind = message.get("type")
        if kind == "RECORD":
            counts[message["record"]["stream"]] += 1
        elif kind == "TRACE" and message["trace"].get("type") == "ERROR":
            problems.append("trace error: " + json.dumps(message["trace"].get("error", {}))[:1500])
        elif kind == "LOG" and message["log"]["level"] in ("ERROR", "FATAL"):
            problems.append("log: " + message["log"]["message"][:600])
    return {s: counts[STREAMS[s][0]] for s in streams}, problems


def tap(streams):
    """singer's tap-facebook with `include_deleted`, so it lists ARCHIVED and DELETED objects too (by `delivery_info`
    groups); its insights requests carry no status filter, so they get Graph's default rows (none of deleted ads)."""
    config = write_json("tap-config.json", {
        "account_id": ACCOUNT,
        "access_token": TOKEN,
        "start_date": f"{START.isoformat()}T00:00:00Z",
        "insights_buffer_days": 1,
        "include_deleted": "true",
        "result_return_limit": PAGE,
    })
    binary = os.environ["TAP_BIN"]
    code, lines, errors = run("tap discover", [binary, "--config", config, "--discover"], os.path.join(WORK, "tap-discover.json"))
    if code != 0:
        return None, [f"discover failed (exit {code}): {errors[-2000:]}"]
    catalog = json.loads("\n".join(lines))
    wanted = {STREAMS[s][1] for s in streams}
    selected = [s for s in catalog["streams"] if s["tap_stream_id"] in wanted]
    for stream in selected:
        for entry in stream["metadata"]:
            entry["metadata"]["selected"] = True
    path = write_json("tap-catalog.json", {"streams": selected})
    code, lines, errors = run("tap sync", [binary, "--config", config, "--properties", path], os.path.join(WORK, "tap-sync.jsonl"))
    counts = collections.Counter()
    problems = [] if code == 0 else [f"exit {code}: {errors[-2000:]}"]
    problems += [l[:600] for l in errors.splitlines() if l.startswith(("CRITICAL", "ERROR"))]
    for line in lines:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("type") == "RECORD":
            counts[message["stream"]] += 1
    return {s: counts[STREAMS[s][1]] for s in streams}, problems


def main():
    runnable = [s for s in STREAMS if s not in PENDING]
    # The tap reads insights from START minus its one buffer day; Airbyte from START.
    connectors = [
        ("airbyte source-facebook-marketing", airbyte, expected_counts(True, START)),
        ("singer tap-facebook", tap, expected_counts(False, START - timedelta(days=1))),
    ]
    passed = failed = 0
    for label, read, expected in connectors:
        counts, problems = read(runnable)
        for problem in problems:
            print(f"  {label}: {problem}")
        for stream in STREAMS:
            if stream in PENDING:
                print(f"PENDING {label} {stream}: the sandbox does not serve `breakdowns` on this branch yet")
                continue
            got = None if counts is None else counts.get(stream)
            ok = not problems and got == expected[stream] and got > 0
            passed, failed = passed + ok, failed + (not ok)
            print(f"{'PASS' if ok else 'FAIL'} {label} {stream}: read {got}, Graph has {expected[stream]}", flush=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
