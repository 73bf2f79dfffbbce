"""Database side of `make loadtest`: what to load-test before the run, what got stored after.

    python bench/loadtest/dbcheck.py discover TARGETS_JSON
    python bench/loadtest/dbcheck.py verify --targets T --records R --requests J
                                            [--access-log LOG] [--error-log LOG]
                                            [--summary-md MD] [--summary-json JSON]

Both run with the same environment as the web server (DATABASE_URL, DJANGO_SETTINGS_MODULE…).
`discover` lists the live pages, open online questionnaires (running campaigns, waves inside
their answer window, with the wave's access key when the campaign requires it), published runs
and the evaluator account from the demo, so the locust scenario hard-codes no id. `verify`
compares every questionnaire submission locust got a "thank you" page for with the database
(each present exactly once, with the answers sent, and no row nobody sent; a later submission
with changed answers kept apart as a pending duplicate, never stored over the first answers;
the same answers again, or a double click, keep nothing more), adds the HTTP status counts and
exact p50/p95/p99 per request name, prints the summary and exits 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Requests whose 4xx answer is the expected one (counted apart, not as errors). None any more:
# a resubmission or a double click gets the same thank-you page (200) as a first answer.
EXPECTED_4XX: dict[str, set[int]] = {}


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livinglab.settings.production")
    import django

    django.setup()


# -- discover ---------------------------------------------------------------------------------


def tracked_models() -> list:
    from livinglab.campaigns.models import Participant
    from livinglab.evaluation.models import PendingSubmission, Response, ResponseSet, Submission

    return [Participant, ResponseSet, Response, Submission, PendingSubmission]


def last_id(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def discover() -> dict:
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    from livinglab.campaigns import permissions
    from livinglab.campaigns.models import Campaign, Theme
    from livinglab.demo.accounts import DEMO_ACCOUNTS
    from livinglab.evaluation.measurement.protocols import current_protocol
    from livinglab.evaluation.measurement.questionnaires import wave_window_message
    from livinglab.evaluation.models import EvaluationRun, QuestionnaireSettings

    pages = []
    for page in Page.objects.live().public().specific().filter(depth__gt=1):
        url = page.get_url()
        if url:
            pages.append({"path": url, "type": type(page).__name__})

    # Online questionnaires open only while the campaign runs, inside each wave's window, and
    # (when the campaign asks for it) with the wave's access key in the link.
    questionnaires = []
    for campaign in Campaign.objects.filter(status=Campaign.Status.RUNNING).order_by("slug"):
        protocol = current_protocol(campaign)
        options = QuestionnaireSettings.objects.filter(campaign=campaign).first()
        if protocol is None or (options is not None and not options.is_open):
            continue
        waves = {wave.code: wave for wave in campaign.waves.filter(code__in=protocol.wave_codes)}
        open_waves = []
        for code in protocol.wave_codes:  # baseline first; stop at the first closed wave
            if code not in waves or wave_window_message(waves[code]) is not None:
                break
            open_waves.append(code)
        if not open_waves:
            continue
        keyed = options is not None and options.require_access_key
        questionnaires.append(
            {
                "campaign": campaign.slug,
                "waves": open_waves,
                "query": {
                    code: f"?cle={waves[code].access_key}" if keyed else "" for code in open_waves
                },
                "controlled": protocol.design == "controlled_pre_post",
            }
        )

    runs = []
    published = EvaluationRun.objects.filter(
        status=EvaluationRun.Status.SUCCEEDED, published_at__isnull=False
    ).select_related("campaign")
    for run in published.order_by("pk"):
        charts = [chart["name"] for chart in (run.artifacts or {}).get("charts", [])]
        runs.append({"id": run.pk, "campaign": run.campaign.slug, "charts": charts})

    evaluator = next(account for account in DEMO_ACCOUNTS if account.role == "evaluator")
    user = get_user_model().objects.get(username=evaluator.username)
    evaluated = [
        run["id"]
        for run, row in zip(runs, published.order_by("pk"), strict=True)
        if permissions.can_evaluate(user, row.campaign)
    ]
    return {
        "pages": pages,
        "themes": list(Theme.objects.order_by("slug").values_list("slug", flat=True)),
        "questionnaires": questionnaires,
        "runs": runs,
        "evaluator": {
            "username": evaluator.username,
            "password": evaluator.password,
            "runs": evaluated,
        },
        # Rows above these ids were written during the load test.
        "last_ids": {model.__name__: last_id(model) for model in tracked_models()},
    }


# -- verify -----------------------------------------------------------------------------------


def read_records(path: Path) -> tuple[dict, dict, dict]:
    """Attempts, acknowledged submissions and later resubmissions, keyed by (campaign, wave,
    code)."""
    attempts: Counter = Counter()
    acked: dict[tuple, list[dict]] = {}
    resubmitted: dict[tuple, list[dict]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            record = json.loads(line)
            key = (record["campaign"], record["wave"], record["code"])
            if record["event"] == "attempt":
                attempts[key] += 1
            elif record["event"] == "ack":
                acked.setdefault(key, []).append(record)
            elif record["event"] == "resubmit":
                resubmitted.setdefault(key, []).append(record)
    return attempts, acked, resubmitted


def same_values(first: dict, second: dict) -> bool:
    """The same answers (indicator id → value), whatever the keys' type."""
    first = {int(indicator): float(value) for indicator, value in first.items()}
    second = {int(indicator): float(value) for indicator, value in second.items()}
    return first.keys() == second.keys() and all(
        abs(first[indicator] - second[indicator]) <= 1e-9 for indicator in first
    )


def check_duplicates(acked: dict, resubmitted: dict, last: dict) -> tuple[int, list[str]]:
    """Later submissions of a code and wave: changed answers pending once each, nothing else.

    A resubmission with the first answers (or a double click) keeps nothing; one with changed
    answers is one pending duplicate with exactly those values. Returns (pending rows created
    during the test, problems)."""
    from livinglab.evaluation.models import PendingSubmission

    rows = PendingSubmission.objects.filter(pk__gt=last.get("PendingSubmission", 0))
    pending: dict[tuple, list[dict]] = {}
    for row in rows.select_related("participant", "wave__campaign"):
        key = (row.wave.campaign.slug, row.wave.code, row.participant.code)
        pending.setdefault(key, []).append(row.values)
    problems = []
    for key, found in pending.items():
        first = (acked.get(key) or [{}])[0].get("values", {})
        changed = [
            record["values"]
            for record in resubmitted.get(key, [])
            if not same_values(record["values"], first)
        ]
        for values in found:
            if not any(same_values(values, sent) for sent in changed):
                problems.append(f"pending duplicate for {key} that no changed resubmission sent")
        if len(found) > len(changed):
            problems.append(f"{len(found)} pending duplicates for {key}, {len(changed)} sent")
    for key, records_ in resubmitted.items():
        first = (acked.get(key) or [{}])[0].get("values", {})
        for record in records_:
            if same_values(record["values"], first):
                continue
            if not any(same_values(values, record["values"]) for values in pending.get(key, [])):
                problems.append(f"lost: changed resubmission for {key} not kept apart")
    return sum(len(found) for found in pending.values()), problems


def check_submissions(targets: dict, records: Path) -> dict:
    """Compare what locust was thanked for with the rows written during the test."""
    from livinglab.campaigns.models import Participant
    from livinglab.evaluation.models import Response, ResponseSet, Submission

    attempts, acked, resubmitted = read_records(records)
    last = targets["last_ids"]
    rows = (
        Submission.objects.filter(pk__gt=last["Submission"])
        .select_related("participant", "wave__campaign", "response_set")
        .order_by("pk")
    )
    stored: dict[tuple, list] = {}
    for row in rows:
        key = (row.wave.campaign.slug, row.wave.code, row.participant.code)
        stored.setdefault(key, []).append(row)

    problems = []
    acked_twice = [key for key, records_ in acked.items() if len(records_) > 1]
    for key in acked_twice:
        problems.append(f"locust was thanked twice for {key}")
    lost = [key for key in acked if key not in stored]
    problems += [f"lost: thanked for {key} but no submission stored" for key in lost]
    duplicated = [key for key, found in stored.items() if len(found) > 1]
    problems += [f"duplicated: {len(stored[key])} submissions for {key}" for key in duplicated]
    never_sent = [key for key in stored if key not in attempts]
    problems += [f"extra: submission {key} was never sent by locust" for key in never_sent]
    unacknowledged = [key for key in stored if key in attempts and key not in acked]
    problems += [f"stored but locust got no thank-you page for {key}" for key in unacknowledged]

    # The answers themselves: one response per question, with the value sent first (a later
    # submission never replaces them), in the group and at the site chosen at baseline.
    wrong_answers = 0
    for key, records_ in acked.items():
        found = stored.get(key)
        if not found:
            continue
        sent, submission = records_[0], found[0]
        values = dict(
            Response.objects.filter(
                participant=submission.participant, wave=submission.wave
            ).values_list("indicator_id", "value")
        )
        expected = {int(indicator): value for indicator, value in sent["values"].items()}
        in_set = submission.response_set.responses.count()
        if (
            values.keys() != expected.keys()
            or in_set != len(expected)
            or any(abs(values[indicator] - value) > 1e-9 for indicator, value in expected.items())
        ):
            wrong_answers += 1
            problems.append(f"answers differ for {key}: sent {expected}, stored {values}")
        participant = submission.participant
        if participant.group != sent["group"] or str(participant.site_id) != str(sent["site"]):
            wrong_answers += 1
            problems.append(f"{key}: stored group/site {participant.group}/{participant.site_id}")

    # Nothing else was written: one participant per new code, one online response set per
    # submission, and exactly the responses sent.
    new_participants = Participant.objects.filter(pk__gt=last["Participant"]).count()
    codes = {(campaign, code) for campaign, _wave, code in stored}
    new_sets = ResponseSet.objects.filter(pk__gt=last["ResponseSet"])
    new_responses = Response.objects.filter(pk__gt=last["Response"]).count()
    sent_responses = sum(len(records_[0]["values"]) for records_ in acked.values())
    stored_count = sum(len(found) for found in stored.values())
    if new_participants != len(codes):
        problems.append(f"{new_participants} participants created for {len(codes)} codes")
    if new_sets.count() != stored_count or new_sets.exclude(source=ResponseSet.Source.ONLINE):
        problems.append(f"{new_sets.count()} response sets created for {stored_count} submissions")
    if new_responses != sent_responses:
        problems.append(f"{new_responses} responses stored, {sent_responses} sent")
    pending_count, pending_problems = check_duplicates(acked, resubmitted, last)
    problems += pending_problems

    return {
        "attempted": sum(attempts.values()),
        "acknowledged": len(acked),
        "stored": stored_count,
        "stored_distinct": len(stored),
        "participants_created": new_participants,
        "responses_stored": new_responses,
        "responses_sent": sent_responses,
        "lost": len(lost),
        "duplicated": len(duplicated) + len(acked_twice),
        "never_sent": len(never_sent),
        "unacknowledged": len(unacknowledged),
        "wrong_answers": wrong_answers,
        "resubmitted": sum(len(records_) for records_ in resubmitted.values()),
        "pending_duplicates": pending_count,
        "double_clicks": sum(records_[0].get("clicks", 1) > 1 for records_ in acked.values()),
        "problems": problems,
    }


def read_requests(path: Path) -> tuple[dict[str, dict], float]:
    """Per request name: status Counter, failures, sorted times (ms); and the window (s)."""
    data = json.loads(path.read_text()) if path.exists() else {"window": [], "requests": {}}
    requests = {}
    for name, entry in data["requests"].items():
        requests[name] = {
            "statuses": Counter({int(code): n for code, n in entry["statuses"].items()}),
            "failures": entry["failures"],
            "times": sorted(entry["times"]),
            "page_cache": Counter(entry.get("page_cache", {})),
            "checks": entry.get("checks", 0),
        }
    window = data["window"][1] - data["window"][0] if data["window"] else 0.0
    return requests, window


def percentile(times: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted times."""
    if not times:
        return float("nan")
    return times[max(0, math.ceil(share * len(times)) - 1)]


ACCESS_STATUS = re.compile(r'" (\d{3}) ')


def access_log_statuses(path: Path | None) -> Counter:
    counts: Counter = Counter()
    if path and path.exists():
        for line in path.read_text(errors="replace").splitlines():
            match = ACCESS_STATUS.search(line)
            if match:
                counts[int(match.group(1))] += 1
    return counts


def error_log_problems(path: Path | None) -> tuple[list[str], list[str]]:
    """Error lines of the gunicorn log while serving, and those after the run asked it to stop.

    After "Handling signal" (the run stopping gunicorn once locust has finished), a worker
    killed at the end of `--graceful-timeout` is the shutdown, not a request's failure: those
    lines are reported apart, not as problems.
    """
    if not path or not path.exists():
        return [], []
    markers = ("Internal Server Error", "WORKER TIMEOUT", "Traceback", "was sent SIGKILL")
    serving, stopping, stopped = [], [], False
    for line in path.read_text(errors="replace").splitlines():
        stopped = stopped or "Handling signal:" in line
        if any(marker in line for marker in markers):
            (stopping if stopped and "was sent SIGKILL" in line else serving).append(line.strip())
    return serving, stopping


def classify(name: str, statuses: Counter) -> tuple[int, int, int]:
    """(5xx, unexpected 4xx, expected 4xx) answers of one request name."""
    server = sum(n for code, n in statuses.items() if code >= 500)
    expected = sum(n for code, n in statuses.items() if code in EXPECTED_4XX.get(name, ()))
    client = sum(n for code, n in statuses.items() if 400 <= code < 500) - expected
    return server, client, expected


def table_row(
    label: str, times: list[float], failures: int, codes: tuple[int, int, int], cache: Counter
) -> str:
    if not times:  # a scenario check (no HTTP request of its own)
        return f"| {label} (check) | – | {failures} | – | – | – | – | – | – | – |"
    server, client, expected = codes
    note = f" ({expected} × expected 4xx)" if expected else ""
    hits = f"{cache['hit']}/{sum(cache.values())}" if cache else "–"
    return (
        f"| {label}{note} | {len(times):,} | {failures} | {server} | {client} | {hits} "
        f"| {percentile(times, 0.5):,.0f} | {percentile(times, 0.95):,.0f} "
        f"| {percentile(times, 0.99):,.0f} | {times[-1] if times else 0:,.0f} |"
    )


def summary_markdown(requests: dict[str, dict], window: float, subs: dict) -> str:
    lines = [
        "| request | count | failures | 5xx | other 4xx | page cache hits | p50 ms | p95 ms "
        "| p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    totals = [0, 0, 0]
    for name in sorted(requests):
        entry = requests[name]
        codes = classify(name, entry["statuses"])
        totals = [a + b for a, b in zip(totals, codes, strict=True)]
        lines.append(table_row(name, entry["times"], entry["failures"], codes, entry["page_cache"]))
    every = sorted(t for entry in requests.values() for t in entry["times"])
    failures = sum(entry["failures"] for entry in requests.values())
    cache = sum((entry["page_cache"] for entry in requests.values()), Counter())
    lines.append(table_row("**all requests**", every, failures, tuple(totals), cache))
    rate = len(every) / window if window else 0.0
    lines += [
        "",
        f"Throughput: {len(every):,} requests in {window:.0f} s = {rate:.1f} req/s.",
        f"Submissions: {subs['attempted']} sent, {subs['acknowledged']} thanked, "
        f"{subs['stored']} stored ({subs['stored_distinct']} distinct code × wave, "
        f"{subs['participants_created']} new participants, {subs['responses_stored']} answers "
        f"stored for {subs['responses_sent']} sent); "
        f"lost {subs['lost']}, duplicated {subs['duplicated']}, never sent {subs['never_sent']}, "
        f"stored without thanks {subs['unacknowledged']}, wrong answers {subs['wrong_answers']}; "
        f"{subs['double_clicks']} double clicks, {subs['resubmitted']} later resubmissions, "
        f"{subs['pending_duplicates']} kept apart as pending duplicates.",
    ]
    return "\n".join(lines) + "\n"


def verify(args) -> int:
    targets = json.loads(Path(args.targets).read_text())
    subs = check_submissions(targets, Path(args.records))
    requests, window = read_requests(Path(args.requests))
    access = access_log_statuses(Path(args.access_log) if args.access_log else None)
    server_log, shutdown_log = error_log_problems(Path(args.error_log) if args.error_log else None)

    problems = list(subs["problems"])
    total = sum(len(entry["times"]) for entry in requests.values())
    failures = sum(entry["failures"] for entry in requests.values())
    server_errors = unexpected = expected = 0
    unexpected_by_name = Counter()
    for name, entry in requests.items():
        server, client, fine = classify(name, entry["statuses"])
        server_errors += server
        unexpected += client
        expected += fine
        for code, n in entry["statuses"].items():
            if 400 <= code < 500 and code not in EXPECTED_4XX.get(name, ()):
                unexpected_by_name[f"{name} → {code}"] += n
    no_answer = sum(entry["statuses"].get(0, 0) for entry in requests.values())
    access_5xx = sum(n for code, n in access.items() if code >= 500)
    if total == 0:
        problems.append("locust sent no request")
    if failures:
        problems.append(f"{failures} locust failures (see var/loadtest/locust_failures.csv)")
    if server_errors or access_5xx:
        problems.append(f"server errors: {server_errors} seen by locust, {access_5xx} logged")
    if unexpected:
        problems.append(f"unexpected 4xx answers: {dict(unexpected_by_name)}")
    if no_answer:
        problems.append(f"{no_answer} requests got no HTTP answer (connection errors)")
    if server_log:
        problems.append(
            f"{len(server_log)} error lines in the gunicorn log, first: {server_log[0]}"
        )
    if subs["acknowledged"] == 0:
        problems.append("no questionnaire submission was acknowledged")
    if shutdown_log:
        print(
            f"Note: {len(shutdown_log)} gunicorn workers killed at shutdown, after locust had "
            f"finished (graceful timeout), first: {shutdown_log[0]}"
        )

    table = summary_markdown(requests, window, subs)
    print(table)
    print(
        f"Requests {total:,}, failures {failures}, server errors (5xx) {server_errors} "
        f"(gunicorn access log: {access_5xx} of {sum(access.values()):,} lines), unexpected 4xx "
        f"{unexpected}."
    )
    if args.summary_md:
        Path(args.summary_md).write_text(table)
    if args.summary_json:
        summary = {
            "requests": total,
            "failures": failures,
            "server_errors": server_errors,
            "access_log_5xx": access_5xx,
            "unexpected_4xx": dict(unexpected_by_name),
            "expected_4xx": expected,
            "submissions": {k: v for k, v in subs.items() if k != "problems"},
            "problems": problems,
        }
        Path(args.summary_json).write_text(json.dumps(summary, indent=2))
    if problems:
        print(f"\nLOAD TEST FAILED ({len(problems)} problem(s)):")
        for problem in problems[:30]:
            print(f"  - {problem}")
        if len(problems) > 30:
            print(f"  … and {len(problems) - 30} more")
        return 1
    print(
        f"\nLOAD TEST PASSED: 0 server errors, {subs['acknowledged']} submissions each stored "
        f"exactly once, none lost, none duplicated; {subs['pending_duplicates']} changed "
        "resubmissions kept apart, none stored over the first answers."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    found = commands.add_parser("discover")
    found.add_argument("output")
    check = commands.add_parser("verify")
    check.add_argument("--targets", required=True)
    check.add_argument("--records", required=True)
    check.add_argument("--requests", required=True)
    check.add_argument("--access-log")
    check.add_argument("--error-log")
    check.add_argument("--summary-md")
    check.add_argument("--summary-json")
    args = parser.parse_args(argv)
    django_setup()
    if args.command == "discover":
        targets = discover()
        Path(args.output).write_text(json.dumps(targets, indent=2))
        print(
            f"targets: {len(targets['pages'])} pages, {len(targets['questionnaires'])} "
            f"questionnaires, {len(targets['runs'])} published runs"
        )
        return 0
    return verify(args)


if __name__ == "__main__":
    sys.exit(main())
