"""`make loadtest` scenario: visitors browse, participants answer, readers download results.

Run by bench/loadtest/run.py, which discovers the targets from the demo database and passes:
    LOADTEST_TARGETS   JSON written by `dbcheck.py discover` (pages, questionnaires, runs…)
    LOADTEST_RECORDS   JSON lines: every questionnaire submission attempted / thanked for, and
                       every later resubmission (same answers, or changed ones)
    LOADTEST_STATUSES  JSON written when the users have stopped: per request name, the HTTP
                       status counts, failures and every response time (for exact percentiles)

The server runs the production settings behind no proxy, so every request carries what the TLS
proxy would add (X-Forwarded-Proto: https; POSTs an https Origin, as browsers send), and each
user's cookie jar returns the Secure session and CSRF cookies over the loopback HTTP hop as a
browser does over HTTPS.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import string
from collections import Counter, defaultdict
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task

TARGETS = json.loads(open(os.environ["LOADTEST_TARGETS"]).read())  # noqa: SIM115, PTH123
RECORDS = open(os.environ["LOADTEST_RECORDS"], "a", buffering=1)  # noqa: SIM115, PTH123
STATS: dict[str, dict] = defaultdict(
    lambda: {"statuses": Counter(), "failures": 0, "times": [], "page_cache": Counter()}
)
WINDOW: list[float] = []  # first request start, last request end (epoch seconds)
SEARCH_TERMS = ["sommeil", "tabac", "écrans", "alcool", "activité physique", "stress", "vaccin"]
# Share of participants who send their baseline again later: half the same answers (nothing
# new is kept), half changed answers (kept apart as a pending duplicate, never stored over the
# first ones). Either way they get the same thank-you page as a first answer.
RESUBMIT_SHARE = 0.1
FOLLOW_UP_SHARE = 0.6  # share of participants who come back for the next waves
# Share of participants whose browser posts the baseline twice at once (a double click): both
# clicks get the thank-you page, one answer is stored and no duplicate is kept.
DOUBLE_CLICK_SHARE = float(os.environ.get("LOADTEST_DOUBLE_CLICK", "0.1"))
CODE_NUMBERS = itertools.count()  # one self-generated code per participant, never reused

PAGES: dict[str, list[str]] = defaultdict(list)
for _page in TARGETS["pages"]:
    PAGES[_page["type"]].append(_page["path"])


@events.request.add_listener
def count_request(request_type, name, response, exception, response_time, **kwargs):
    entry = STATS[name]
    entry["failures"] += exception is not None
    if request_type == "CHECK":  # a scenario check, not an HTTP request: no time, no status
        entry["checks"] = entry.get("checks", 0) + 1
        return
    entry["times"].append(round(response_time, 2))
    entry["statuses"][getattr(response, "status_code", 0) or 0] += 1
    cache = (getattr(response, "headers", None) or {}).get("X-Page-Cache")
    if cache:
        entry["page_cache"][cache] += 1
    start = kwargs.get("start_time")
    if start is not None:
        end = start + response_time / 1000
        WINDOW[:] = [min(WINDOW[0], start), max(WINDOW[1], end)] if WINDOW else [start, end]


@events.test_stop.add_listener
def dump_stats(**_kwargs):
    """Fired once every user has stopped (after --stop-timeout): the figures are final."""
    RECORDS.flush()
    with open(os.environ["LOADTEST_STATUSES"], "w") as handle:  # noqa: PTH123
        json.dump({"window": WINDOW, "requests": STATS}, handle)


class FormParser(HTMLParser):
    """The fields of the page's first POST form: inputs, radio choices and select options."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.radios: dict[str, list[str]] = defaultdict(list)
        self.selects: dict[str, list[str]] = defaultdict(list)
        self._select: str | None = None
        self._state = "before"  # "inside" the first POST form, then "after"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self._state == "before":
            if (attrs.get("method") or "get").lower() == "post":
                self._state = "inside"
            return
        if self._state != "inside":
            return
        if tag == "input" and attrs.get("type") == "radio":
            self.radios[attrs["name"]].append(attrs["value"])
        elif tag == "input":
            self.inputs.append(attrs)
        elif tag == "select":
            self._select = attrs["name"]
            self.selects[self._select]  # noqa: B018 - a select with no option still counts
        elif tag == "option" and self._select and attrs.get("value"):
            self.selects[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._state == "inside":
            self._state = "after"


def parse_form(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def next_code() -> tuple[str, int, str, str]:
    """A unique self-generated code and answers that produce it (parent, day, town)."""
    number = next(CODE_NUMBERS)
    day = number % 31 + 1
    rest = number // 31
    letters = []
    for _ in range(4):
        rest, digit = divmod(rest, 26)
        letters.append(string.ascii_uppercase[digit])
    first, second, third, fourth = letters
    parent = f"{first}{second.lower()}rianne"  # two letters are kept, the rest is noise
    town = f" {third}{fourth.lower()}ville "
    return f"{first}{second}{day:02d}{third}{fourth}", day, parent, town


class ProxiedTLSPolicy(DefaultCookiePolicy):
    """Send Secure cookies: the client talks HTTPS to the proxy, the proxy HTTP to gunicorn."""

    def return_ok_secure(self, cookie, request):
        return True


class Base(FastHttpUser):
    abstract = True
    default_headers = {"X-Forwarded-Proto": "https"}  # as set by the TLS-terminating proxy
    network_timeout = 30.0
    connection_timeout = 10.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client.cookiejar.set_policy(ProxiedTLSPolicy())

    def origin(self) -> dict:
        return {"Origin": f"https://{self.host.split('://', 1)[1].rstrip('/')}"}

    def get_ok(self, path: str, name: str, *, expect: str | None = None, content_type=None):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif content_type and content_type not in response.headers.get("Content-Type", ""):
                response.failure(f"content type {response.headers.get('Content-Type')}")
            elif expect is not None and expect not in (response.text or ""):
                response.failure(f"{expect!r} missing from the page")
            return response


class Visitor(Base):
    """School, university or company staff browsing prevention content."""

    weight = 5
    wait_time = between(1, 3)

    @task(3)
    def home(self):
        self.get_ok("/", "page: home", expect="</html>")

    @task(4)
    def setting_listing(self):
        path = random.choice(PAGES["SettingIndexPage"])
        self.get_ok(path, "page: setting listing", expect="</html>")

    @task(2)
    def setting_listing_filtered(self):
        path = random.choice(PAGES["SettingIndexPage"])
        theme = random.choice(TARGETS["themes"])
        self.get_ok(f"{path}?theme={theme}", "page: setting listing ?theme=", expect="</html>")

    @task(6)
    def topic(self):
        path = random.choice(PAGES["TopicPage"] + PAGES["ResourceKitPage"])
        self.get_ok(path, "page: topic or kit", expect="</html>")

    @task(3)
    def campaign(self):
        path = random.choice(PAGES["CampaignPage"] + PAGES["CampaignIndexPage"])
        self.get_ok(path, "page: campaign", expect="</html>")

    @task(1)
    def testimonies(self):
        for path in PAGES["ExperienceIndexPage"][:1]:
            self.get_ok(path, "page: testimonies", expect="</html>")

    @task(3)
    def search(self):
        term = random.choice(SEARCH_TERMS)
        self.get_ok(f"/recherche/?{urlencode({'q': term})}", "search ?q=", expect="</html>")

    @task(1)
    def health(self):
        self.get_ok("/healthz", "healthz", content_type="application/json")


class Participant(Base):
    """Answers a campaign's baseline questionnaire online, often its follow-ups later."""

    weight = 3
    wait_time = between(1, 3)

    def questionnaire_url(self, person: dict, wave: str) -> str:
        """The wave's invitation link (with its access key when the campaign requires one)."""
        group = "comparaison/" if person["comparison"] else ""
        return f"/questionnaire/{person['campaign']}/{wave}/{group}{person['query'][wave]}"

    def answers(self, html: str, person: dict) -> dict | None:
        form = parse_form(html)
        data: dict[str, str] = {"consent": "on"}
        values: dict[str, float] = {}
        for field in form.inputs:
            name, kind = field.get("name"), field.get("type")
            if not name or kind in ("checkbox", "submit"):
                continue
            if kind == "hidden":
                data[name] = field.get("value", "")  # already unescaped by the parser
            elif name.startswith("outcome_"):
                low, high = float(field.get("min", 0)), float(field.get("max", 100))
                value = round(random.uniform(low, high), 1)
                data[name] = str(value)
                values[name.removeprefix("outcome_")] = value
        for name, choices in form.radios.items():
            value = random.choice(choices)
            data[name] = value
            values[name.removeprefix("outcome_")] = float(value)
        if "site" in form.selects:
            person.setdefault("site", random.choice(form.selects["site"]))
            data["site"] = person["site"]
        if "csrfmiddlewaretoken" not in data or not values:
            return None
        data.update(
            parent_first_name=person["parent"],
            birth_day=str(person["day"]),
            birth_town=person["town"],
        )
        return {"data": data, "values": values}

    def post(self, url: str, filled: dict, person: dict, name: str) -> bool:
        """POST the answers: True when thanked (200, the neutral page with the expected code).

        The page is the same whatever the server did with the answers (stored, kept apart as a
        duplicate): any other answer is a failure."""
        with self.client.post(
            url, data=filled["data"], headers=self.origin(), name=name, catch_response=True
        ) as response:
            text = response.text or ""
            if response.status_code == 200 and f"<strong>{person['code']}</strong>" in text:
                return True
            error = re.search(r'class="(?:notice error|errorlist)[^"]*"[^>]*>(.{0,200})', text)
            detail = error.group(1) if error else ""
            response.failure(f"HTTP {response.status_code}, no thank-you page {detail}")
            return False

    def check(self, name: str, problem: str | None) -> None:
        """A scenario check (no HTTP request of its own), counted as a failure when it fails."""
        self.environment.events.request.fire(
            request_type="CHECK",
            name=name,
            response_time=0,
            response_length=0,
            response=None,
            context={},
            exception=AssertionError(problem) if problem else None,
        )

    def submit(self, person: dict, wave: str, *, mode: str = "once") -> bool:
        """Answer one wave. mode: "once"; "double-click" (the same form posted twice at once:
        two thank-you pages, one answer stored, no duplicate kept); "again" (the same answers
        later: thanked, nothing new kept); "revise" (changed answers later: thanked, kept
        apart as a pending duplicate, the first answers stay)."""
        url = self.questionnaire_url(person, wave)
        form = self.get_ok(url, "questionnaire: form", expect="csrfmiddlewaretoken")
        if form.status_code != 200:
            return False
        filled = self.answers(form.text or "", person)
        if filled is None:
            return False
        key = {"campaign": person["campaign"], "wave": wave, "code": person["code"]}
        if mode in ("again", "revise"):
            first = person["sent"].get(wave)
            if first is None:
                return False
            if mode == "again":  # the first answers, with this form's CSRF token
                token = filled["data"]["csrfmiddlewaretoken"]
                filled = {
                    "data": {**first["data"], "csrfmiddlewaretoken": token},
                    "values": first["values"],
                }
            name = f"questionnaire: resubmit ({'same' if mode == 'again' else 'changed'} answers)"
            thanked = self.post(url, filled, person, name)
            if thanked:
                record = {
                    "event": "resubmit",
                    **key,
                    "changed": filled["values"] != first["values"],
                    "values": filled["values"],
                }
                RECORDS.write(json.dumps(record) + "\n")
            return thanked
        RECORDS.write(json.dumps({"event": "attempt", **key}) + "\n")
        if mode == "double-click":
            RECORDS.write(json.dumps({"event": "attempt", **key}) + "\n")
            name = "questionnaire: double-click submit"
            clicks = [gevent.spawn(self.post, url, filled, person, name) for _click in range(2)]
            gevent.joinall(clicks)
            answers = [bool(click.value) for click in clicks]
            self.check(
                "questionnaire: double-click outcome",
                None if all(answers) else f"expected two thank-you pages, got {answers}",
            )
            thanked = any(answers)
        else:
            thanked = self.post(url, filled, person, "questionnaire: submit")
        if thanked:  # one answer per code and wave, however many clicks were thanked
            person["sent"][wave] = filled
            ack = {
                "event": "ack",
                **key,
                "values": filled["values"],
                "group": "comparison" if person["comparison"] else "intervention",
                "site": person.get("site"),
                "clicks": 2 if mode == "double-click" else 1,
            }
            RECORDS.write(json.dumps(ack) + "\n")
        return thanked

    @task
    def answer(self):
        questionnaire = random.choice(TARGETS["questionnaires"])
        code, day, parent, town = next_code()
        person = {
            "campaign": questionnaire["campaign"],
            "query": questionnaire["query"],  # per wave: "?cle=<key>" or ""
            "sent": {},  # per wave: the answers thanked for
            "comparison": questionnaire["controlled"] and random.random() < 0.5,
            "code": code,
            "day": day,
            "parent": parent,
            "town": town,
        }
        waves = questionnaire["waves"]
        double = random.random() < DOUBLE_CLICK_SHARE
        if not self.submit(person, waves[0], mode="double-click" if double else "once"):
            return
        if random.random() < RESUBMIT_SHARE:
            self.wait()
            self.submit(person, waves[0], mode=random.choice(["again", "revise"]))
        for wave in waves[1:]:
            if random.random() >= FOLLOW_UP_SHARE:
                break
            self.wait()
            if not self.submit(person, wave):
                return


class ResultsReader(Base):
    """Anyone reading published results: the JSON API, public charts and the PDF report."""

    weight = 2
    wait_time = between(1, 3)

    @task(3)
    def results_api(self):
        run = random.choice(TARGETS["runs"])
        self.get_ok(
            f"/api/v2/campaigns/{run['campaign']}/results/",
            "results: API JSON",
            content_type="application/json",
        )

    @task(4)
    def chart(self):
        run = random.choice(TARGETS["runs"])
        chart = random.choice(run["charts"])
        file_format = random.choice(["png", "svg"])
        self.get_ok(
            f"/evaluation/public/runs/{run['id']}/charts/{chart}.{file_format}",
            f"results: public chart .{file_format}",
            content_type="image/",
        )

    @task(1)
    def report(self):
        run = random.choice(TARGETS["runs"])
        self.get_ok(
            f"/evaluation/public/runs/{run['id']}/report.pdf",
            "results: public report PDF",
            content_type="application/pdf",
        )

    @task(1)
    def pages_api(self):
        self.get_ok(
            "/api/v2/pages/?type=cms.TopicPage",
            "results: pages API",
            content_type="application/json",
        )


class Evaluator(Base):
    """A logged-in evaluator downloading the statistics of the runs they evaluate."""

    fixed_count = 4
    wait_time = between(1, 3)

    def on_start(self):
        account = TARGETS["evaluator"]
        form = self.get_ok("/admin/login/", "evaluator: login form", expect="csrfmiddlewaretoken")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text or "")
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": account["username"],
            "password": account["password"],
            "next": "/admin/",
        }
        with self.client.post(
            "/admin/login/",
            data=data,
            headers=self.origin(),
            name="evaluator: login",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "login-form" in (response.text or ""):
                response.failure(f"login failed: HTTP {response.status_code}")

    @task(4)
    def download(self):
        run = random.choice(TARGETS["evaluator"]["runs"])
        file_format, content_type = random.choice(
            [
                ("csv", "text/csv"),
                ("json", "application/json"),
                ("xlsx", "spreadsheetml"),
                ("pdf", "application/pdf"),
            ]
        )
        self.get_ok(
            f"/evaluation/runs/{run}/download/{file_format}",
            f"evaluator: download .{file_format}",
            content_type=content_type,
        )

    @task(1)
    def progress(self):
        run = random.choice(TARGETS["evaluator"]["runs"])
        self.get_ok(
            f"/evaluation/runs/{run}/progress",
            "evaluator: run progress",
            content_type="application/json",
        )
