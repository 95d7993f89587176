"""Checks `metasync sandbox` against Meta's official Python Business SDK (facebook-business).

Run by scripts/sdk-conformance.sh, which starts the sandbox and sets SANDBOX_URL, SANDBOX_TOKEN, SANDBOX_APP_ID and
SANDBOX_APP_SECRET. Prints one PASS/FAIL line per check and "N passed, M failed" last; exits 1 on any failure.
"""

import hashlib
import hmac
import json
import os
import sys
import time
import traceback
import urllib.request
import warnings
from datetime import datetime

from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adaccountuser import AdAccountUser
from facebook_business.adobjects.adcreative import AdCreative
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adimage import AdImage
from facebook_business.adobjects.adreportrun import AdReportRun
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.adsinsights import AdsInsights
from facebook_business.adobjects.advideo import AdVideo
from facebook_business.adobjects.campaign import Campaign
from facebook_business.api import FacebookAdsApi, FacebookRequestError, FacebookSession

URL = os.environ["SANDBOX_URL"]
TOKEN = os.environ["SANDBOX_TOKEN"]
APP_ID = os.environ["SANDBOX_APP_ID"]
APP_SECRET = os.environ["SANDBOX_APP_SECRET"]
# Campaign.EffectiveStatus: Graph refuses values of other kinds (CAMPAIGN_PAUSED is an ad set / ad status).
ALL_STATUSES = ["ACTIVE", "PAUSED", "ARCHIVED", "DELETED", "IN_PROCESS", "WITH_ISSUES"]
ADSET_STATUSES = ALL_STATUSES + ["CAMPAIGN_PAUSED"]
AD_STATUSES = ADSET_STATUSES + ["ADSET_PAUSED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO"]

warnings.filterwarnings("ignore", category=UserWarning)  # the SDK's client-side enum hints are noise here
FacebookSession.GRAPH = URL  # the SDK's base URL is this class attribute
api = FacebookAdsApi.init(app_id=APP_ID, app_secret=APP_SECRET, access_token=TOKEN, crash_log=False)

results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
            print(f"PASS {name}", flush=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the run
            detail = f"{type(error).__name__}: {error}".strip().splitlines()
            results.append((name, detail))
            print(f"FAIL {name}: {' '.join(detail)[:400]}", flush=True)
            if os.environ.get("SDK_CONFORMANCE_DEBUG"):
                traceback.print_exc()
        return fn

    return wrap


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def stats():
    with urllib.request.urlopen(URL + "/__stats") as response:
        return json.load(response)


def calls(template):
    return stats()["calls_by_endpoint"].get(template, 0)


def unix(graph_time):
    return int(datetime.strptime(graph_time, "%Y-%m-%dT%H:%M:%S%z").timestamp())


accounts = list(AdAccountUser(fbid="me").get_ad_accounts(fields=["id", "name", "currency", "timezone_name"]))
account = AdAccount(accounts[0]["id"]) if accounts else None
every = []


@check("me/adaccounts lists the sandbox account with its fields")
def _():
    expect(len(accounts) == 1, f"expected 1 account, got {len(accounts)}")
    expect(accounts[0]["id"].startswith("act_"), accounts[0]["id"])
    expect(accounts[0]["currency"] == "USD" and accounts[0]["timezone_name"] == "America/Los_Angeles", dict(accounts[0]))


@check("Cursor paging with limit=3 visits every campaign once and stops when next is absent")
def _():
    every.extend(account.get_campaigns(fields=["name", "updated_time", "effective_status"], params={"limit": 500, "effective_status": ALL_STATUSES}))
    before = calls("GET /act_{id}/campaigns")
    cursor = account.get_campaigns(fields=["name"], params={"limit": 3})
    ids = [c["id"] for c in cursor]
    pages = calls("GET /act_{id}/campaigns") - before
    visible = [c for c in every if c["effective_status"] not in ("ARCHIVED", "DELETED")]
    expect(len(ids) == len(set(ids)), "duplicate ids across pages")
    expect(set(ids) == {c["id"] for c in visible}, f"{len(ids)} ids paged, {len(visible)} visible")
    expect(cursor.total() == len(visible), f"summary total_count {cursor.total()} != {len(visible)}")
    expect(pages == -(-len(visible) // 3), f"{pages} pages for {len(visible)} campaigns at limit 3")


@check("updated_time filtering returns exactly the campaigns changed after a timestamp")
def _():
    times = sorted(unix(c["updated_time"]) for c in every)
    cut = times[len(times) // 2]
    expected = {c["id"] for c in every if unix(c["updated_time"]) > cut}
    params = {
        "limit": 4,
        "effective_status": ALL_STATUSES,
        "filtering": [{"field": "campaign.updated_time", "operator": "GREATER_THAN", "value": cut}],
    }
    got = {c["id"] for c in account.get_campaigns(fields=["updated_time"], params=params)}
    expect(got == expected and 0 < len(got) < len(every), f"{len(got)} returned, {len(expected)} expected of {len(every)}")


@check("effective_status filter returns only PAUSED campaigns, and ARCHIVED only when asked")
def _():
    paused = list(account.get_campaigns(fields=["effective_status"], params={"effective_status": ["PAUSED"], "limit": 5}))
    expected = [c for c in every if c["effective_status"] == "PAUSED"]
    expect(len(paused) == len(expected) and all(c["effective_status"] == "PAUSED" for c in paused), f"{len(paused)} vs {len(expected)}")
    archived = [c for c in every if c["effective_status"] == "ARCHIVED"]
    default = {c["id"] for c in account.get_campaigns(fields=["name"], params={"limit": 100})}
    expect(not any(c["id"] in default for c in archived), "archived campaigns leaked into the default listing")


@check("get_insights(is_async=True): polling reaches Job Completed, paged result rows equal the sync rows")
def _():
    params = {"level": "ad", "time_increment": 1, "date_preset": "last_7d"}
    fields = ["ad_id", "impressions", "spend", "actions"]
    job = account.get_insights(fields=fields, params=params, is_async=True)
    statuses = []
    for _ in range(20):
        job.api_get()
        statuses.append(job[AdReportRun.Field.async_status])
        if job[AdReportRun.Field.async_status] == "Job Completed" and job[AdReportRun.Field.async_percent_completion] == 100:
            break
    expect(statuses[-1] == "Job Completed", f"statuses {statuses}")
    expect(len(statuses) >= 2 and statuses[0] != "Job Completed", f"no progression: {statuses}")
    before = calls("GET /{report_run}/insights")
    rows = [dict(r) for r in job.get_result(params={"limit": 40})]
    pages = calls("GET /{report_run}/insights") - before
    sync = [dict(r) for r in account.get_insights(fields=fields, params=dict(params, limit=500))]
    expect(len(rows) == len(sync) and len(rows) > 40, f"async {len(rows)} rows, sync {len(sync)} rows")
    expect(pages == -(-len(rows) // 40), f"{pages} result pages for {len(rows)} rows")
    expect(sorted(json.dumps(r, sort_keys=True) for r in rows) == sorted(json.dumps(r, sort_keys=True) for r in sync), "row contents differ")


@check("get_insights with breakdowns (sync and async): age/gender buckets sum to the unbroken rows; a combination Graph refuses is #100")
def _():
    params = {"level": "ad", "time_increment": 1, "date_preset": "last_3d"}
    fields = ["ad_id", "impressions", "clicks", "spend"]
    plain = [dict(r) for r in account.get_insights(fields=fields, params=dict(params, limit=500))]
    broken = [dict(r) for r in account.get_insights(fields=fields, params=dict(params, breakdowns=["age", "gender"], limit=500))]
    def sums(rows):
        out = {}
        for r in rows:
            key = (r["ad_id"], r["date_start"])
            i, c, s = out.get(key, (0, 0, 0))
            out[key] = (i + int(r["impressions"]), c + int(r["clicks"]), s + round(float(r["spend"]) * 100))
        return out
    expect(len(plain) > 0 and all("age" in r and "gender" in r for r in broken), f"{len(broken)} broken rows")
    expect(sums(broken) == sums(plain), "bucket sums differ from the unbroken rows")
    job = account.get_insights(fields=fields, params=dict(params, breakdowns=["country"]), is_async=True)
    for _ in range(20):
        job.api_get()
        if job[AdReportRun.Field.async_status] == "Job Completed" and job[AdReportRun.Field.async_percent_completion] == 100:
            break
    rows = [dict(r) for r in job.get_result(params={"limit": 500})]
    expect(sums(rows) == sums(plain) and all(r.get("country") for r in rows), f"async country rows: {len(rows)}")
    try:
        list(account.get_insights(fields=fields, params=dict(params, breakdowns=["age", "country"])))
        expect(False, "age,country was accepted")
    except FacebookRequestError as error:
        expect(error.api_error_code() == 100 and "breakdown" in error.api_error_message(), error.api_error_message())


@check("FacebookAdsApiBatch calls the success and the failure callback")
def _():
    successes, failures = [], []
    batch = api.new_batch()
    Campaign(every[0]["id"]).api_get(fields=["name"], batch=batch, success=lambda r: successes.append(r.json()), failure=lambda r: failures.append(r))
    Campaign("999999999").api_get(fields=["name"], batch=batch, success=lambda r: successes.append(r.json()), failure=lambda r: failures.append(r))
    before = stats()
    retry = batch.execute()
    after = stats()
    expect(retry is None, "batch asked for retries")
    expect(len(successes) == 1 and successes[0]["name"] == every[0]["name"], f"successes {successes}")
    expect(len(failures) == 1, f"failures {failures}")
    error = failures[0].error()
    expect(isinstance(error, FacebookRequestError) and error.api_error_code() == 100, f"failure error {error}")
    expect(after["batch_operations"] - before["batch_operations"] == 2, "each batch operation counts as a call")


CREATIVE_FIELDS = [
    "id", "account_id", "name", "title", "body", "object_type", "status", "call_to_action_type", "image_hash", "image_url",
    "thumbnail_url", "video_id", "url_tags", "link_url", "effective_object_story_id", "object_story_spec", "asset_feed_spec",
]


@check("get_ad_creatives pages every ad's creative with the SDK's AdCreative fields (video, carousel, UTM tags)")
def _():
    ads = list(account.get_ads(fields=["creative"], params={"limit": 500, "effective_status": AD_STATUSES}))
    before = calls("GET /act_{id}/adcreatives")
    creatives = list(account.get_ad_creatives(fields=CREATIVE_FIELDS, params={"limit": 7}))
    pages = calls("GET /act_{id}/adcreatives") - before
    ids = [c["id"] for c in creatives]
    expect(all(isinstance(c, AdCreative) for c in creatives), "items are not AdCreative objects")
    expect(len(ids) == len(set(ids)), "duplicate creatives across pages")
    expect({a["creative"]["id"] for a in ads} <= set(ids), "an ad's creative is missing from the edge")
    expect(pages == -(-len(ids) // 7), f"{pages} pages for {len(ids)} creatives at limit 7")
    expect(set(CREATIVE_FIELDS) >= set(creatives[0].keys()), f"unexpected fields {set(creatives[0].keys()) - set(CREATIVE_FIELDS)}")
    videos = [c for c in creatives if c.get("video_id")]
    carousels = [c for c in creatives if c.get("asset_feed_spec")]
    expect(videos and carousels, f"{len(videos)} video and {len(carousels)} carousel creatives")
    expect(all(c["object_story_spec"]["video_data"]["video_id"] == c["video_id"] for c in videos), "video_data.video_id differs")
    expect(any("utm_source=" in (c.get("url_tags") or "") for c in creatives), "no UTM url_tags")
    expect(all(c["status"] in AdCreative.Status.__dict__.values() for c in creatives), "status outside the SDK's enum")
    one = AdCreative(ids[0]).api_get(fields=["name", "title"])
    expect(one["name"] == creatives[0]["name"] and set(one.keys()) == {"id", "name", "title"}, f"node read {dict(one)}")


@check("get_ad_images / get_ad_videos list the media the creatives use")
def _():
    creatives = list(account.get_ad_creatives(fields=["image_hash", "video_id"], params={"limit": 500}))
    images = {i["hash"] for i in account.get_ad_images(fields=["hash", "url", "width", "height", "name"], params={"limit": 500})}
    videos = {v["id"] for v in account.get_ad_videos(fields=["id", "title", "length", "picture"], params={"limit": 500})}
    expect({c["image_hash"] for c in creatives if c.get("image_hash")} <= images, "an image hash is missing from adimages")
    expect({c["video_id"] for c in creatives if c.get("video_id")} <= videos, "a video is missing from advideos")


def proof_query():
    """`appsecret_proof` for a raw HTTP call (the sandbox runs with --require-appsecret-proof)."""
    return "appsecret_proof=" + hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()


def sdk_fields(cls):
    """Every name the SDK's `Field` class of an object lists."""
    return sorted({v for k, v in vars(cls.Field).items() if not k.startswith("_") and isinstance(v, str)})


@check("every field the SDK lists is accepted on campaigns, ad sets, ads, creatives, accounts, images, videos")
def _():
    def statuses(values):
        return {"effective_status": values, "limit": 5}

    reads = {
        "Campaign": lambda: list(account.get_campaigns(fields=sdk_fields(Campaign), params=statuses(ALL_STATUSES))),
        "AdSet": lambda: list(account.get_ad_sets(fields=sdk_fields(AdSet), params=statuses(ADSET_STATUSES))),
        "Ad": lambda: list(account.get_ads(fields=sdk_fields(Ad), params=statuses(AD_STATUSES))),
        "AdCreative": lambda: list(account.get_ad_creatives(fields=sdk_fields(AdCreative), params={"limit": 5})),
        "AdImage": lambda: list(account.get_ad_images(fields=sdk_fields(AdImage), params={"limit": 5})),
        "AdVideo": lambda: list(account.get_ad_videos(fields=sdk_fields(AdVideo), params={"limit": 5})),
        "AdAccount": lambda: [AdAccount(account["id"]).api_get(fields=sdk_fields(AdAccount))],
    }
    for name, read in reads.items():
        items = read()
        expect(items and all(item.get("id") for item in items), f"{name}: no items with ids")
    one = Campaign(every[0]["id"]).api_get(fields=sdk_fields(Campaign))
    expect(one["name"] == every[0]["name"] and "boosted_object_id" not in one, f"unmodelled fields are omitted: {sorted(one.keys())[:8]}")


@check("every AdsInsights field and action breakdown the SDK lists is accepted, sync and async (AdReportRun fields too)")
def _():
    params = {"level": "ad", "time_increment": 1, "date_preset": "last_7d", "limit": 500}
    breakdowns = sorted({v for k, v in vars(AdsInsights.ActionBreakdowns).items() if not k.startswith("_")})
    wide = [dict(r) for r in account.get_insights(fields=sdk_fields(AdsInsights), params=dict(params, action_breakdowns=breakdowns))]
    narrow = [dict(r) for r in account.get_insights(fields=["ad_id", "impressions", "spend"], params=params)]
    expect(wide and [(r["ad_id"], r["impressions"], r["spend"]) for r in wide] == [(r["ad_id"], r["impressions"], r["spend"]) for r in narrow], "rows differ")
    job = account.get_insights(fields=sdk_fields(AdsInsights), params=params, is_async=True)
    for _ in range(20):
        job.api_get(fields=sdk_fields(AdReportRun))
        if job[AdReportRun.Field.async_status] == "Job Completed":
            break
    expect(job[AdReportRun.Field.async_status] == "Job Completed", f"status {job[AdReportRun.Field.async_status]}")
    expect(len(list(job.get_result(params={"limit": 500}))) == len(wide), "async row count differs")


@check("me/adaccounts without fields gives Graph's defaults account_id and id")
def _():
    with urllib.request.urlopen(f"{URL}/v25.0/me/adaccounts?access_token={TOKEN}&{proof_query()}") as response:
        first = json.load(response)["data"][0]
    expect(list(first.keys()) == ["account_id", "id"] and first["id"] == "act_" + first["account_id"], f"{first}")


@check("FacebookRequestError carries code 190 for a bad token")
def _():
    bad = FacebookAdsApi(FacebookSession(APP_ID, APP_SECRET, "not-a-valid-token"))
    try:
        AdAccount(account["id"], api=bad).api_get(fields=["name"])
    except FacebookRequestError as error:
        expect(error.api_error_code() == 190 and error.api_error_type() == "OAuthException", f"{error.api_error_code()} {error.api_error_type()}")
        expect(error.http_status() == 400, f"HTTP {error.http_status()}")
        return
    raise AssertionError("no FacebookRequestError raised")


@check("FacebookRequestError carries code 100 for an unknown field")
def _():
    try:
        Campaign(every[0]["id"]).api_get(fields=["name", "no_such_field"])
    except FacebookRequestError as error:
        expect(error.api_error_code() == 100, f"code {error.api_error_code()}: {error.api_error_message()}")
        expect("no_such_field" in error.api_error_message(), error.api_error_message())
        return
    raise AssertionError("no FacebookRequestError raised")


passed = sum(1 for _, failure in results if failure is None)
failed = len(results) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
