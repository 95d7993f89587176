#!/usr/bin/env python3
"""Drives headless Chromium against a running `metasync serve` and checks the dashboard against the database.

Usage: browser_test.py BASE_URL API_KEY SQLITE_PATH SCREENSHOT_DIR [CHROMIUM]

Talks the Chrome DevTools Protocol over --remote-debugging-pipe (file descriptors 3 and 4, NUL-separated JSON), so
it needs nothing beyond the Python standard library and the Debian `chromium` package. It logs in through the real
form, loads the overview and an account performance page, saves screenshots, and compares what the DOM shows with
sums computed here from the SQLite file. Prints `browser test: N passed, M failed` last; exits 1 on any failure.
"""

import base64
import datetime
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import zoneinfo
from decimal import Decimal

TIMEOUT = 30.0


class CDP:
    """A minimal Chrome DevTools Protocol client over a pipe."""

    def __init__(self, chromium, profile):
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()

        def wire():
            os.dup2(cmd_r, 3)
            os.dup2(res_w, 4)

        args = [
            chromium,
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--remote-debugging-pipe",
            "--user-data-dir=" + profile,
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-extensions",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
            "--lang=en-US",
            "--accept-lang=en-US",
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            args, preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        os.close(cmd_r)
        os.close(res_w)
        self.out = cmd_w
        self.inp = res_r
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self.inp], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.inp, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe (exit code %s)" % self.proc.poll())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s failed: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, name, session):
        deadline = time.monotonic() + TIMEOUT
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == name and event.get("sessionId") == session:
                    del self.events[index]
                    return event
            reply = self._read_message(deadline)
            if "method" in reply:
                self.events.append(reply)


class Page:
    def __init__(self, cdp):
        self.cdp = cdp
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")
        self.call("Network.enable")
        self.viewport(1280, 900)

    def call(self, method, params=None):
        return self.cdp.send(method, params, self.session)

    def viewport(self, width, height, mobile=False):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    def goto(self, url):
        self.cdp.events = [e for e in self.cdp.events if e["method"] != "Page.loadEventFired"]
        self.call("Page.navigate", {"url": url})
        self.cdp.wait_event("Page.loadEventFired", self.session)

    def submit_and_wait(self, script):
        self.cdp.events = [e for e in self.cdp.events if e["method"] != "Page.loadEventFired"]
        self.evaluate(script)
        self.cdp.wait_event("Page.loadEventFired", self.session)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError("script failed: %s" % result["exceptionDetails"].get("text"))
        return result["result"].get("value")

    def screenshot(self, path, width=1280, mobile=False):
        self.viewport(width, 900, mobile)
        height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
        self.viewport(width, min(max(height, 400), 8000), mobile)
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))
        self.viewport(1280, 900)
        return path


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print("ok   - %s" % what)
        else:
            self.failed += 1
            print("FAIL - %s %s" % (what, detail))


def day_range(since, until):
    start = datetime.date.fromisoformat(since)
    end = datetime.date.fromisoformat(until)
    return [(start + datetime.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def expected_performance(db, account_id, since, until):
    """The dashboard's rule: the highest level with daily rows in range (account, campaign, ad set, ad)."""
    level = None
    for candidate in ["account", "campaign", "adset", "ad"]:
        n = db.execute(
            "SELECT COUNT(*) FROM performance_snapshots WHERE account_id=? AND level=? AND breakdown_key='' AND report='' "
            "AND date_start>=? AND date_start<=? AND date_stop=date_start",
            (account_id, candidate, since, until),
        ).fetchone()[0]
        if n:
            level = candidate
            break
    per_day = {}
    total = {"spend": Decimal(0), "impressions": 0, "clicks": 0}
    rows = db.execute(
        "SELECT date_start, spend, impressions, clicks FROM performance_snapshots WHERE account_id=? AND level=? "
        "AND breakdown_key='' AND report='' AND date_start>=? AND date_start<=? AND date_stop=date_start",
        (account_id, level, since, until),
    ).fetchall()
    for day, spend, impressions, clicks in rows:
        spend = Decimal(spend or "0")
        bucket = per_day.setdefault(day, {"spend": Decimal(0), "impressions": 0, "clicks": 0})
        for target in (bucket, total):
            target["spend"] += spend
            target["impressions"] += impressions or 0
            target["clicks"] += clicks or 0
    return level, total, per_day


def money_en_us(value, currency):
    symbols = {"USD": "$", "EUR": "€", "GBP": "£"}
    text = "{:,.2f}".format(value.quantize(Decimal("0.01")))
    return symbols[currency] + text if currency in symbols else None


def conversions_check(page, checks, db, base, account_path, account_id, level, shots):
    """Picks 7d_click in the window selector and compares the purchase figures with the view performance_conversions."""
    page.goto(base + account_path)
    page.submit_and_wait(
        "document.querySelector('select[name=window]').value = '7d_click';"
        "document.querySelector('form.range').submit()"
    )
    shown = json.loads(
        page.evaluate(
            "JSON.stringify({"
            "search: location.search,"
            "since: document.querySelector('input[name=since]').value,"
            "until: document.querySelector('input[name=until]').value,"
            "selected: document.querySelector('select[name=window]').value,"
            "totals: Object.fromEntries([...document.querySelectorAll('dl.totals dd')].map(d => [d.dataset.metric, d.dataset.value])),"
            "purchases: [...document.querySelectorAll('figure.chart[data-metric=purchases] circle.pt')].map(c => [c.dataset.day, c.dataset.value]),"
            "roasPoints: document.querySelectorAll('figure.chart[data-metric=roas] circle.pt').length,"
            "cpaPoints: document.querySelectorAll('figure.chart[data-metric=cpa] circle.pt').length,"
            "columns: [...document.querySelectorAll('table[data-table=campaigns] tbody tr:first-child td[data-metric]')].map(t => t.dataset.metric),"
            "links: [...document.querySelectorAll('table[data-table=campaigns] tbody tr a')].slice(0, 3).map(a => a.getAttribute('href'))})"
        )
    )
    checks.expect(
        "window=7d_click" in shown["search"] and shown["selected"] == "7d_click",
        "the window selector submits and keeps 7d_click",
        shown["search"],
    )
    days = day_range(shown["since"], shown["until"])
    per_day = {}
    spend = Decimal(0)
    value = Decimal(0)
    for day, row_spend, purchases, purchase_value in db.execute(
        "SELECT date_start, spend, purchases, purchase_value FROM performance_conversions WHERE account_id=? AND level=? "
        "AND attribution_window='7d_click' AND breakdown_key='' AND report='' AND date_start>=? AND date_start<=? AND date_stop=date_start",
        (account_id, level, shown["since"], shown["until"]),
    ):
        per_day[day] = per_day.get(day, Decimal(0)) + Decimal(str(purchases or 0))
        spend += Decimal(str(row_spend or 0))
        value += Decimal(str(purchase_value or 0))
    total = sum(per_day.values(), Decimal(0))
    checks.expect(total > 0, "the sandbox reports purchases under 7d_click", str(total))
    checks.expect(
        Decimal(shown["totals"].get("purchases") or "-1") == total,
        "total purchases under 7d_click equal performance_conversions",
        "%s vs %s" % (shown["totals"].get("purchases"), total),
    )
    if spend > 0:
        roas = (value / spend).quantize(Decimal("0.000001"))
        checks.expect(
            abs(Decimal(shown["totals"].get("roas") or "0") - roas) <= Decimal("0.000001"),
            "ROAS under 7d_click equals purchase value / spend from the view",
            "%s vs %s" % (shown["totals"].get("roas"), roas),
        )
    if total > 0:
        cpa = (spend / total).quantize(Decimal("0.000001"))
        checks.expect(
            abs(Decimal(shown["totals"].get("cpa") or "0") - cpa) <= Decimal("0.000001"),
            "CPA under 7d_click equals spend / purchases from the view",
            "%s vs %s" % (shown["totals"].get("cpa"), cpa),
        )
    points = {day: Decimal(v or "0") for day, v in shown["purchases"]}
    checks.expect(
        points == {day: per_day.get(day, Decimal(0)) for day in days},
        "every purchases chart point equals the view's daily sum",
    )
    checks.expect(
        shown["roasPoints"] == len(days) and shown["cpaPoints"] == len(days), "ROAS and CPA charts have one point per day"
    )
    checks.expect(
        all(m in shown["columns"] for m in ["purchases", "cpa", "roas"]),
        "the campaigns table has purchases, CPA and ROAS columns",
        str(shown["columns"]),
    )
    checks.expect(
        bool(shown["links"]) and all("window=7d_click" in (h or "") for h in shown["links"]),
        "drill-down links keep the window",
        str(shown["links"]),
    )
    print("screenshot: " + page.screenshot(os.path.join(shots, "account-7d-click.png")))

def check_creatives(page, db, base, account, since, until, shots, checks):
    """The creative gallery: every creative, figures equal the database, server-side sorting, UTM links, the ad page."""
    path = "/accounts/%s/creatives?since=%s&until=%s" % (account[0], since, until)
    page.goto(base + path)
    cards_js = (
        "JSON.stringify([...document.querySelectorAll('article.creative')].map(a => ({id: a.dataset.id,"
        "img: (a.querySelector('img.thumb') || {}).alt || (a.querySelector('[role=img]') || {getAttribute: () => ''}).getAttribute('aria-label'),"
        "link: (a.querySelector('.clink a') || {}).href || '',"
        "m: Object.fromEntries([...a.querySelectorAll('dd[data-metric]')].map(d => [d.dataset.metric, d.dataset.value]))})))"
    )
    cards = json.loads(page.evaluate(cards_js))
    stored = {r[0]: r for r in db.execute(
        "SELECT id, link_url, url_tags FROM ad_creatives WHERE account_id=?", (account[1],))}
    checks.expect(len(cards) == min(60, len(stored)) and len(cards) > 0, "the gallery shows every creative", "%d of %d" % (len(cards), len(stored)))
    spend = {}
    for creative_id, value in db.execute(
        "SELECT a.creative_id, s.spend FROM performance_snapshots s JOIN ads a ON a.id = s.object_id WHERE s.account_id=? "
        "AND s.level='ad' AND s.breakdown_key='' AND s.report='' AND s.date_start>=? AND s.date_start<=? AND s.date_stop=s.date_start",
        (account[1], since, until),
    ):
        spend[creative_id] = spend.get(creative_id, Decimal(0)) + Decimal(value or "0")
    shown = {c["id"]: Decimal(c["m"].get("spend") or "0") for c in cards}
    checks.expect(
        all(shown[i] == spend.get(i, Decimal(0)) for i in shown), "every card's spend equals the database's ad-level sum"
    )
    checks.expect(
        [shown[c["id"]] for c in cards] == sorted(shown.values(), reverse=True), "cards are sorted by spend, highest first"
    )
    checks.expect(all(c["img"] for c in cards), "every thumbnail has alt text (or a labelled placeholder)")
    tagged = [c for c in cards if stored[c["id"]][2]]
    checks.expect(
        bool(tagged) and all(c["link"].endswith(stored[c["id"]][2]) for c in tagged),
        "links carry the creative's UTM url_tags",
        str([c["link"] for c in tagged[:2]]),
    )
    page.submit_and_wait("document.querySelector('nav.sortbar a[data-sort=cpa]').click()")
    by_cpa = json.loads(page.evaluate(cards_js))
    cpas = [Decimal(c["m"]["cpa"]) for c in by_cpa if c["m"].get("cpa")]
    checks.expect(
        "sort=cpa" in page.evaluate("location.search") and cpas == sorted(cpas) and len(cpas) > 0,
        "sorting by CPA puts the cheapest purchase first",
        str(cpas[:5]),
    )
    print("screenshot: " + page.screenshot(os.path.join(shots, "creatives.png")))
    page.viewport(390, 900, True)
    width = page.evaluate("document.documentElement.scrollWidth")
    checks.expect(width <= 400, "the gallery fits a 390 px wide phone screen", "scrollWidth %s" % width)
    page.viewport(1280, 900)
    ad = db.execute(
        "SELECT id, creative_id FROM ads WHERE account_id=? AND creative_id IS NOT NULL ORDER BY id LIMIT 1", (account[1],)
    ).fetchone()
    page.goto(base + "/ads/" + ad[0])
    shown_creative = page.evaluate("(document.querySelector('article.creative') || {dataset: {}}).dataset.id || ''")
    checks.expect(shown_creative == ad[1], "the ad page shows the ad's creative", "%s vs %s" % (shown_creative, ad[1]))


def check_audience(page, db, base, account, shots, checks):
    """The Audience view: every bucket's spend equals the database's report rows, the buckets of a day add up to the
    unbroken ad-level spend, and the monthly reach chart has one point per stored month."""
    # Days before the last one: today's figures still grow between the reads of the unbroken rows and of each report.
    days = db.execute(
        "SELECT MIN(date_start), MAX(date_start) FROM performance_snapshots WHERE account_id=? AND report='age_gender' "
        "AND date_start < (SELECT MAX(date_start) FROM performance_snapshots WHERE account_id=? AND report='age_gender')",
        (account[1], account[1]),
    ).fetchone()
    checks.expect(days[0] is not None, "the age_gender report was synced", str(days))
    if days[0] is None:
        return
    page.goto(base + "/accounts/%s/audience?since=%s&until=%s" % (account[0], days[0], days[1]))
    rows_js = (
        "JSON.stringify(Object.fromEntries([...document.querySelectorAll('section.audience table')].map(t => [t.dataset.table,"
        "[...t.querySelectorAll('tbody tr')].map(r => [r.dataset.key, r.querySelector('[data-metric=spend]').dataset.value])])))"
    )
    shown = json.loads(page.evaluate(rows_js))
    for report in ("age_gender", "country", "device"):
        stored = {}
        for key, value in db.execute(
            "SELECT breakdown_key, spend FROM performance_snapshots WHERE account_id=? AND report=? AND level='ad' "
            "AND date_start>=? AND date_start<=?",
            (account[1], report, days[0], days[1]),
        ):
            stored[key] = stored.get(key, Decimal(0)) + Decimal(value or "0")
        table = {k: Decimal(v) for k, v in shown.get(report, [])}
        checks.expect(table == stored and len(table) > 1, "Audience %s: every bucket's spend equals the database" % report,
                      "%d shown, %d stored" % (len(table), len(stored)))
        unbroken = db.execute(
            "SELECT spend FROM performance_snapshots WHERE account_id=? AND report='' AND breakdown_key='' AND level='ad' "
            "AND date_start>=? AND date_start<=? AND date_stop=date_start",
            (account[1], days[0], days[1]),
        ).fetchall()
        total = sum((Decimal(r[0] or "0") for r in unbroken), Decimal(0))
        checks.expect(sum(table.values(), Decimal(0)) == total, "Audience %s: the buckets add up to the unbroken spend" % report,
                      "%s vs %s" % (sum(table.values(), Decimal(0)), total))
    checks.expect("placement" not in shown and page.evaluate("!!document.querySelector('[data-empty=placement]')"),
                  "a report not synced says how to read it")
    months = db.execute(
        "SELECT COUNT(DISTINCT date_start) FROM performance_snapshots WHERE account_id=? AND report='monthly_reach'", (account[1],)
    ).fetchone()[0]
    points = page.evaluate("(document.querySelector('figure[data-metric=monthly_reach]') || {dataset: {}}).dataset.points || '0'")
    checks.expect(int(points) == months and months > 0, "the monthly reach chart has one point per stored month", "%s vs %s" % (points, months))
    print("screenshot: " + page.screenshot(os.path.join(shots, "audience.png")))
    page.viewport(390, 900, True)
    width = page.evaluate("document.documentElement.scrollWidth")
    checks.expect(width <= 400, "the Audience view fits a 390 px wide phone screen", "scrollWidth %s" % width)
    page.viewport(1280, 900)
def check_meta_opportunity(page, db, account, checks):
    """Meta's opportunity score and its live recommendations are shown on the Recommendations page as stored."""
    score = db.execute(
        "SELECT score FROM meta_opportunity_scores WHERE account_id=? ORDER BY recorded_at DESC LIMIT 1", (account[1],)
    ).fetchone()
    live = db.execute("SELECT COUNT(*) FROM meta_recommendations WHERE account_id=? AND gone_at IS NULL", (account[1],)).fetchone()[0]
    meta = json.loads(page.evaluate(
        "JSON.stringify({score: (document.querySelector('section.metascore') || {dataset: {}}).dataset.opportunityScore || null,"
        "items: document.querySelectorAll('section.metascore li').length,"
        "notes: document.querySelectorAll('li.rec[data-kind=meta_recommendation] [data-meta-note]').length})"
    ))
    checks.expect(
        score is not None and meta["score"] is not None and abs(float(meta["score"]) - float(score[0])) < 0.05
        and meta["items"] == live and live > 0 and meta["notes"] > 0,
        "Meta's opportunity score and its recommendations are shown as in the database, with Meta's words on its cards",
        "page %s, database score %s, %d live" % (meta, score, live),
    )


def check_recommendation_targets(page, db, base, api_key, account, checks):
    """The settings API sets a target that the Recommendations page then shows with its source; DELETE removes it."""
    url = "%s/api/recommendations/settings?account_id=%s" % (base, account[0])

    def call(method, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": "Bearer " + api_key, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    answer = call("PUT", {"target_roas": 3.5})
    stored = db.execute("SELECT value FROM recommendation_settings WHERE account_id=? AND campaign_id='' AND key='target_roas'", (account[1],)).fetchone()
    page.goto(base + "/accounts/%s/recommendations" % account[0])
    shown = json.loads(page.evaluate(
        "JSON.stringify([...document.querySelectorAll('[data-targets] [data-setting]')].map(s => [s.dataset.setting, s.dataset.value, s.dataset.source]))"
    ))
    roas = next((s for s in answer["settings"] if s["key"] == "target_roas"), {})
    checks.expect(
        stored is not None and stored[0] == "3.5" and ["target_roas", "3.5", "api"] in shown and roas.get("source") == "api",
        "a target set through the settings API is stored and shown on the Recommendations page with its source",
        "%s %s" % (stored, shown),
    )
    call("DELETE")
    gone = db.execute("SELECT COUNT(*) FROM recommendation_settings WHERE account_id=?", (account[1],)).fetchone()[0]
    checks.expect(gone == 0, "DELETE removes the API-set values of the account", str(gone))
def check_recommendations(page, db, base, account, shots, checks):
    """The Recommendations page: the open ones ranked by impact as in the database, evidence charts, Apply only for
    Graph writes and behind a confirmation page that shows the exact write, Dismiss."""
    path = "/accounts/%s/recommendations" % account[0]
    page.goto(base + path)
    cards_js = (
        "JSON.stringify([...document.querySelectorAll('li.rec')].map(li => ({id: li.dataset.id, kind: li.dataset.kind,"
        "apply: !!li.querySelector('[data-action=apply]'), lines: li.querySelectorAll('svg polyline').length,"
        "note: (li.querySelector('[data-rule-note]') || {textContent: ''}).textContent,"
        "series: (li.querySelector('figure.evidence') ? 1 : 0)})))"
    )
    cards = json.loads(page.evaluate(cards_js))
    rank = {"high": 0, "medium": 1, "low": 2}
    rows = db.execute(
        "SELECT id, estimated_impact, severity, action, evidence FROM recommendations WHERE account_id=? AND status='open'", (account[1],)
    ).fetchall()
    expected = sorted(
        rows,
        key=lambda r: (r[1] is None, -Decimal(r[1]) if r[1] is not None else 0, rank[r[2]], r[0]),
    )
    checks.expect(
        [c["id"] for c in cards] == [str(r[0]) for r in expected] and len(cards) > 0,
        "the open recommendations are listed, ranked by estimated impact as in the database",
        "%d cards, %d rows" % (len(cards), len(rows)),
    )
    writes = {str(r[0]): json.loads(r[3]).get("operation") in ("pause", "budget_change") for r in rows}
    checks.expect(all(c["apply"] == writes[c["id"]] for c in cards), "Apply is offered exactly for pause and budget actions")
    charted = {str(r[0]): len(json.loads(r[4]).get("series", [])) >= 2 for r in rows}
    checks.expect(all((c["lines"] > 0) == charted[c["id"]] for c in cards), "every recommendation with a daily series has its chart")
    check_meta_opportunity(page, db, account, checks)
    notes = {str(r[0]): json.loads(r[3]).get("rule_note") or "" for r in rows}
    checks.expect(
        any(notes.values()) and all(c["note"] == notes[c["id"]] for c in cards),
        "a recommendation on an object a Meta Automated Rule acts on shows the rule note (and only those do)",
        "%d with a note" % sum(1 for n in notes.values() if n),
    )
    print("screenshot: " + page.screenshot(os.path.join(shots, "recommendations.png")))
    target = next((c for c in cards if c["apply"] and not c["note"]), None)
    if target is not None:
        page.submit_and_wait("document.querySelector('li.rec[data-id=\"%s\"] [data-action=apply]').click()" % target["id"])
        write = page.evaluate("(document.querySelector('pre.write') || {textContent: ''}).textContent")
        confirm = page.evaluate("!!document.querySelector('[data-action=confirm-apply]')")
        status = db.execute("SELECT status FROM recommendations WHERE id=?", (target["id"],)).fetchone()[0]
        checks.expect(
            write.startswith("POST /") and confirm and status == "open",
            "Apply first shows the exact Graph write and a Confirm button, and writes nothing",
            write,
        )
        page.goto(base + path)
    first = cards[0]["id"] if cards else ""
    if first:
        page.submit_and_wait("document.querySelector('li.rec[data-id=\"%s\"] [data-action=dismiss]').click()" % first)
        remaining = json.loads(page.evaluate(cards_js))
        status = db.execute("SELECT status FROM recommendations WHERE id=?", (first,)).fetchone()[0]
        checks.expect(
            status == "dismissed" and first not in [c["id"] for c in remaining],
            "Dismiss marks it dismissed and removes it from the open list",
            status,
        )


def main():
    # SIGTERM (the shell script's trap, CI's timeout) unwinds through `finally`, which closes Chromium.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    base, api_key, db_path, shots = sys.argv[1:5]
    chromium = sys.argv[5] if len(sys.argv) > 5 else (shutil.which("chromium") or "chromium")
    os.makedirs(shots, exist_ok=True)
    db = sqlite3.connect(db_path, timeout=10)
    # A failed run as the sync engine records one when Graph refuses a call (the sandbox sync itself succeeds).
    first = db.execute("SELECT id, connection_id FROM ad_accounts ORDER BY id LIMIT 1").fetchone()
    started = time.time() - 300
    db.execute(
        "INSERT INTO sync_runs (id, kind, connection_id, account_id, started_at, finished_at, outcome, rows_by_table, "
        "calls_used, error) VALUES (?, 'performance', ?, ?, ?, ?, 'failed', '{}', 3, ?)",
        (
            "browser-test-failed-run",
            first[1],
            first[0],
            started,
            started + 2.5,
            "Graph error 100/33 (GraphMethodException) [permanent] HTTP 400: Unsupported get request. "
            "fbtrace_id=BrowserTrace-42",
        ),
    )
    db.commit()
    checks = Checks()
    profile = tempfile.mkdtemp(prefix="metasync-chromium-")
    cdp = CDP(chromium, profile)
    try:
        page = Page(cdp)
        account = db.execute("SELECT id, account_id, currency FROM ad_accounts ORDER BY id LIMIT 1").fetchone()
        account_path = "/accounts/" + account[0]

        # 1. Without a session every page sends the browser to the login form, keeping where it wanted to go.
        page.goto(base + account_path)
        location = page.evaluate("location.pathname + location.search")
        checks.expect(
            location.startswith("/login?next=") and account[0] in location, "no session redirects to /login", location
        )

        # 2. A wrong key is refused with a message.
        page.submit_and_wait(
            "document.querySelector('#api_key').value = 'not-the-key';"
            "document.querySelector('form[action=\"/login\"]').submit()"
        )
        error = page.evaluate("(document.querySelector('.error') || {}).textContent || ''")
        checks.expect("not correct" in error, "a wrong API key is refused", error)
        print("screenshot: " + page.screenshot(os.path.join(shots, "login-refused.png"), width=390, mobile=True))

        # 3. The right key logs in and returns to the page asked for.
        page.submit_and_wait(
            "document.querySelector('#api_key').value = %s;"
            "document.querySelector('form[action=\"/login\"]').submit()" % json.dumps(api_key)
        )
        checks.expect(page.evaluate("location.pathname") == account_path, "login returns to the wanted page")
        cookies = page.call("Network.getCookies", {"urls": [base + "/"]})["cookies"]
        session = [c for c in cookies if c["name"] == "metasync_session"]
        checks.expect(
            len(session) == 1 and session[0]["httpOnly"] and session[0].get("sameSite") == "Lax",
            "session cookie is HttpOnly and SameSite=Lax",
            str(session),
        )
        checks.expect(
            bool(session) and api_key not in session[0]["value"], "the cookie does not contain the API key"
        )
        checks.expect(
            page.evaluate("document.cookie").find("metasync_session") < 0, "the cookie is invisible to scripts"
        )

        # 4. Overview.
        page.goto(base + "/")
        overview = json.loads(
            page.evaluate(
                "JSON.stringify({"
                "accounts: document.querySelectorAll('table[data-table=accounts] tbody tr').length,"
                "connections: document.querySelectorAll('table[data-table=connections] tbody tr').length,"
                "runs: document.querySelectorAll('table[data-table=sync-runs] tbody tr').length,"
                "title: document.title})"
            )
        )
        n_accounts = db.execute("SELECT COUNT(*) FROM ad_accounts").fetchone()[0]
        n_connections = db.execute("SELECT COUNT(*) FROM meta_connections").fetchone()[0]
        n_runs = db.execute("SELECT COUNT(*) FROM sync_runs").fetchone()[0]
        checks.expect(overview["accounts"] == n_accounts, "overview lists every ad account", str(overview))
        checks.expect(overview["connections"] == n_connections, "overview lists every connection", str(overview))
        checks.expect(overview["runs"] == min(10, n_runs), "overview lists the recent sync runs", str(overview))
        print("screenshot: " + page.screenshot(os.path.join(shots, "overview.png")))
        page.viewport(390, 900, True)
        width = page.evaluate("document.documentElement.scrollWidth")
        checks.expect(width <= 400, "the overview fits a 390 px wide phone screen", "scrollWidth %s" % width)
        page.viewport(1280, 900)

        # 5. Account performance (default range).
        page.goto(base + account_path)
        shown = json.loads(
            page.evaluate(
                "JSON.stringify({"
                "since: document.querySelector('input[name=since]').value,"
                "until: document.querySelector('input[name=until]').value,"
                "totals: Object.fromEntries([...document.querySelectorAll('dl.totals dd')].map("
                "d => [d.dataset.metric, {value: d.dataset.value, text: d.textContent.trim()}])),"
                "charts: Object.fromEntries([...document.querySelectorAll('figure.chart')].map("
                "f => [f.dataset.metric, [...f.querySelectorAll('circle.pt')].map(c => [c.dataset.day, c.dataset.value])])),"
                "campaignRows: document.querySelectorAll('table[data-table=campaigns] tbody tr').length,"
                "firstCampaignSpend: (document.querySelector('table[data-table=campaigns] tbody tr td[data-metric=spend]')"
                " || {dataset: {}}).dataset.value})"
            )
        )
        latest = db.execute(
            "SELECT MAX(date_start) FROM performance_snapshots WHERE account_id=?", (account[1],)
        ).fetchone()[0]
        # Today in the account's time zone is still accumulating: like Ads Manager's "Last 28 days" (Graph's
        # last_28d), the default range ends yesterday at the latest.
        zone = db.execute("SELECT timezone_name FROM ad_accounts WHERE id=?", (account[0],)).fetchone()[0]
        today = datetime.datetime.now(zoneinfo.ZoneInfo(zone or "UTC")).date()
        yesterday = (today - datetime.timedelta(days=1)).isoformat()
        days = day_range(shown["since"], shown["until"])
        checks.expect(
            shown["until"] == min(latest, yesterday) and len(days) == 28,
            "default range is the 28 days up to the latest synced day, never today",
            "%s..%s (latest %s, today %s in %s)" % (shown["since"], shown["until"], latest, today, zone),
        )
        presets = json.loads(
            page.evaluate(
                "JSON.stringify([...document.querySelectorAll('p.presets a')].map("
                "a => [a.textContent.trim(), new URL(a.href).searchParams.get('since'),"
                " new URL(a.href).searchParams.get('until'), a.getAttribute('aria-current')]))"
            )
        )
        checks.expect(
            [p[0] for p in presets] == ["Last 7 days", "Last 28 days", "Last 90 days"]
            and all(p[2] == yesterday and len(day_range(p[1], p[2])) == n for p, n in zip(presets, [7, 28, 90])),
            "the Last 7 / 28 / 90 days presets are the whole days before today",
            str(presets),
        )
        level, total, per_day = expected_performance(db, account[1], shown["since"], shown["until"])
        checks.expect(level is not None, "the database has insights for the range", str(level))
        for metric in ["spend", "impressions", "clicks", "ctr", "cpc"]:
            points = shown["charts"].get(metric, [])
            checks.expect(
                [p[0] for p in points] == days,
                "%s chart has one point per day in range (%d)" % (metric, len(days)),
                "got %d points" % len(points),
            )
        spend_points = {day: Decimal(value or "0") for day, value in shown["charts"].get("spend", [])}
        expected_points = {day: per_day.get(day, {}).get("spend", Decimal(0)) for day in days}
        checks.expect(spend_points == expected_points, "every spend chart point equals the database's daily sum")
        click_points = {day: int(value or "0") for day, value in shown["charts"].get("clicks", [])}
        checks.expect(
            click_points == {day: per_day.get(day, {}).get("clicks", 0) for day in days},
            "every clicks chart point equals the database's daily sum",
        )
        totals = shown["totals"]
        checks.expect(
            Decimal(totals["spend"]["value"]) == total["spend"],
            "total spend equals the database",
            "%s vs %s" % (totals["spend"]["value"], total["spend"]),
        )
        formatted = money_en_us(total["spend"], account[2])
        if formatted:
            checks.expect(
                totals["spend"]["text"] == formatted,
                "total spend is shown in the account currency",
                "%r vs %r" % (totals["spend"]["text"], formatted),
            )
        checks.expect(
            int(totals["impressions"]["value"]) == total["impressions"]
            and totals["impressions"]["text"] == "{:,}".format(total["impressions"]),
            "total impressions equal the database",
            str(totals["impressions"]),
        )
        checks.expect(
            int(totals["clicks"]["value"]) == total["clicks"] and totals["clicks"]["text"] == "{:,}".format(total["clicks"]),
            "total clicks equal the database",
            str(totals["clicks"]),
        )
        per_campaign = {}
        for object_id, spend in db.execute(
            "SELECT object_id, spend FROM performance_snapshots WHERE account_id=? AND level='campaign' "
            "AND breakdown_key='' AND report='' AND date_start>=? AND date_start<=? AND date_stop=date_start",
            (account[1], shown["since"], shown["until"]),
        ):
            per_campaign[object_id] = per_campaign.get(object_id, Decimal(0)) + Decimal(spend or "0")
        checks.expect(
            shown["campaignRows"] == min(50, len(per_campaign)),
            "top campaigns table has one row per campaign with delivery",
            "%s vs %s" % (shown["campaignRows"], len(per_campaign)),
        )
        if per_campaign:
            top = max(per_campaign.values())
            checks.expect(
                Decimal(shown["firstCampaignSpend"] or "0") == top,
                "the first campaign is the one with the highest spend",
                "%s vs %s" % (shown["firstCampaignSpend"], top),
            )
        print("screenshot: " + page.screenshot(os.path.join(shots, "account.png")))
        print("screenshot: " + page.screenshot(os.path.join(shots, "account-phone.png"), width=390, mobile=True))
        page.viewport(390, 900, True)
        width = page.evaluate("document.documentElement.scrollWidth")
        checks.expect(width <= 400, "the account page fits a 390 px wide phone screen", "scrollWidth %s" % width)
        page.viewport(1280, 900)

        # 6. Drill down: the top campaign's page, reached by its link, with its chart and its ad sets.
        page.submit_and_wait("document.querySelector('table[data-table=campaigns] tbody tr a').click()")
        campaign_id = page.evaluate("location.pathname.split('/').pop()")
        drill = json.loads(
            page.evaluate(
                "JSON.stringify({"
                "points: document.querySelectorAll('figure.chart[data-metric=spend] circle.pt').length,"
                "adsets: document.querySelectorAll('table[data-table=adsets] tbody tr').length,"
                "spend: (document.querySelector('dl.totals dd[data-metric=spend]') || {dataset: {}}).dataset.value})"
            )
        )
        n_adsets = db.execute("SELECT COUNT(*) FROM ad_sets WHERE campaign_id=?", (campaign_id,)).fetchone()[0]
        checks.expect(drill["points"] == len(days), "campaign page chart has one point per day", str(drill))
        checks.expect(drill["adsets"] == n_adsets, "campaign page lists every ad set of the campaign", str(drill))
        checks.expect(
            Decimal(drill["spend"] or "0") == per_campaign.get(campaign_id),
            "campaign page total spend equals the database",
            "%s vs %s" % (drill["spend"], per_campaign.get(campaign_id)),
        )
        print("screenshot: " + page.screenshot(os.path.join(shots, "campaign.png")))

        # 6b. Attribution window selector: purchases, CPA and ROAS under 7-day click equal performance_conversions.
        conversions_check(page, checks, db, base, account_path, account[1], level, shots)
        # 6c. The creative gallery and the ad page's creative.
        check_creatives(page, db, base, account, shown["since"], shown["until"], shots, checks)
        # 6d. The Audience view (breakdown reports).
        check_audience(page, db, base, account, shots, checks)
        # 6d. Recommendations: ranking, charts, apply behind a confirmation, dismiss.
        check_recommendations(page, db, base, account, shots, checks)
        check_recommendation_targets(page, db, base, api_key, account, checks)

        # 7. Sync runs: failures with Meta's message and fbtrace_id.
        page.goto(base + "/sync-runs?outcome=failed")
        runs = json.loads(
            page.evaluate(
                "JSON.stringify([...document.querySelectorAll('table[data-table=sync-runs] tbody tr')].map(r => ({"
                "id: r.dataset.id, trace: (r.querySelector('code.fbtrace') || {}).textContent || '',"
                "message: (r.querySelector('.error-message') || {}).textContent || '',"
                "status: r.querySelector('[data-status]').dataset.status})))"
            )
        )
        failed_ids = [r[0] for r in db.execute("SELECT id FROM sync_runs WHERE outcome='failed' ORDER BY started_at DESC, id DESC")]
        checks.expect([r["id"] for r in runs] == failed_ids, "failed-runs filter lists exactly the failed runs", str(runs))
        injected = [r for r in runs if r["id"] == "browser-test-failed-run"]
        checks.expect(
            len(injected) == 1
            and injected[0]["trace"] == "BrowserTrace-42"
            and injected[0]["message"].endswith("Unsupported get request.")
            and injected[0]["status"] == "failed",
            "a failed run shows Meta's message and its fbtrace_id",
            str(injected),
        )
        print("screenshot: " + page.screenshot(os.path.join(shots, "sync-runs.png")))

        # 8. Logout ends the session.
        page.submit_and_wait("document.querySelector('form[action=\"/logout\"]').submit()")
        page.goto(base + "/")
        checks.expect(page.evaluate("location.pathname") == "/login", "after logout the overview asks for login again")
    finally:
        cdp.close()
        shutil.rmtree(profile, ignore_errors=True)
    print("browser test: %d passed, %d failed" % (checks.passed, checks.failed))
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
