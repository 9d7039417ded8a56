"""The load of ``bench/pages.py``, as a locust file: signed-in users reading the pages and writing through the
real forms (four reads in five, one write), each pausing between clicks as a person does; one user in five is
also a prober, who between those clicks asks, by id, for the records of children their agency may not see.

``bench/pages.py`` runs it headless (``locust -f bench/_pages_locust.py --headless ...``) with
``BENCH_PAGES_PLAN`` naming a JSON plan: the accounts, each page's name, account and addresses, each write's
form, the think time, and where to write every request's time (milliseconds, by page, with when it ended) when
the run stops. Each user signs in to every account on starting, during the warm-up the script leaves out of its
figures. Locust's own statistics round long times; the script computes its percentiles from these exact times.

Isolation (``PLAN["probes"]``): each prober acts as one practitioner of an agency (or an agency's API system,
with its key and no session) and asks for a hidden child's pages, episodes, assessments and documents by id;
every answer must be the status a random id gets (``PLAN["probe_expect"]``, measured before the load), and no
answer of any request made as that account (the ordinary clicks' included) may show a hidden child's full
name. Each write carries a unique reference in its text, recorded before it is sent and marked acknowledged
on the saved form's redirect, so the script can count the rows it made.
"""

import html
import itertools
import json
import os
import random
import re
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task
from locust.clients import HttpSession

PLAN: dict[str, Any] = json.loads(open(os.environ["BENCH_PAGES_PLAN"], encoding="utf-8").read())  # noqa: SIM115
LONDON = ZoneInfo("Europe/London")
WRITE_MARK = "bench-write-"  # as bench/_pages_check.py counts them
# Page name -> [when it ended (epoch seconds), milliseconds, failure or "", status (0: no answer)].
TIMES: dict[str, list[tuple[float, float, str, int]]] = {}
# Every write sent: its kind, reference, outcome ("sent" until answered, "acknowledged", "refused") and status.
WRITES: list[dict[str, Any]] = []
# Every probe's answer by account and kind: status -> count; and every leak seen.
PROBED: dict[str, dict[str, dict[str, int]]] = {}
LEAKS: list[dict[str, Any]] = []
PROBES: dict[str, Any] = PLAN.get("probes", {"accounts": {}, "api": {}})
# The full names each probing account must never be shown.
HIDDEN_NAMES = {username: frozenset(p["names"]) for username, p in {**PROBES["accounts"], **PROBES["api"]}.items()}
PROBERS = itertools.cycle(sorted(PROBES["accounts"]) + sorted(PROBES["api"]))
# Two or three capitalised words in a row, overlapping: where a full name can be.
NAME_LIKE = [
    re.compile(r"(?=\b([A-Z][\w'.-]* [A-Z][\w'.-]*))"),
    re.compile(r"(?=\b([A-Z][\w'.-]* [A-Z][\w'.-]* [A-Z][\w'.-]*))"),
]


@events.request.add_listener
def _recorded(name: str, response_time: float, exception: BaseException | None, response: Any = None, **_: Any) -> None:
    status = int(getattr(response, "status_code", 0) or 0)
    failure = "" if exception is None else str(exception)[:300]
    TIMES.setdefault(name, []).append((time.time(), response_time, failure, status))


@events.quitting.add_listener
def _written(**_: Any) -> None:
    with open(PLAN["out"], "w", encoding="utf-8") as handle:
        json.dump(TIMES, handle)
    with open(PLAN["writes_out"], "w", encoding="utf-8") as handle:
        json.dump(WRITES, handle)
    with open(PLAN["probes_out"], "w", encoding="utf-8") as handle:
        json.dump({"probed": PROBED, "leaks": LEAKS}, handle)


def names_shown(account: str, body: str) -> list[str]:
    """The hidden children's full names in this answer to ``account``."""
    hidden = HIDDEN_NAMES.get(account)
    if not hidden or not body:
        return []
    text = html.unescape(body)
    return sorted({found for pattern in NAME_LIKE for found in pattern.findall(text)} & hidden)


def _local(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def _form(kind: str, reference: str) -> dict[str, str]:
    """A completed form of this kind, as a practitioner fills it in, its text carrying ``reference``."""
    now = datetime.now(tz=LONDON)
    if kind == "chronology":
        when = now - timedelta(minutes=random.randrange(5, 60 * 24 * 30))
        summary = f"Spoke with the school about today (ref {reference})."
        return {"occurred_at": _local(when), "category": "information", "summary": summary}
    if kind == "contact":
        when = now - timedelta(minutes=random.randrange(5, 60 * 24 * 30))
        note = f"Left a message (ref {reference})."
        return {"attempted_at": _local(when), "method": "phone", "outcome": "no_answer", "note": note}
    if kind == "missing":
        # A past episode of an hour at a random minute of the last two years, so that two rarely overlap.
        started = now - timedelta(minutes=random.randrange(60 * 24 * 3, 60 * 24 * 730))
        return {
            "kind": "M",
            "started_at": _local(started),
            "returned_at": _local(started + timedelta(hours=1)),
            "reported_by_name": "The carer at the placement",
            "last_seen_place": f"Near the station (ref {reference})",
            "last_seen_with": "Two older young people",
            "grade": "low",
            "rationale": "Returned the same evening; known friends.",
            "information_from": "The carer, by phone",
        }
    raise ValueError(kind)


class Practitioner(HttpUser):
    """One person at a desk, signed in once to each account the pages need."""

    weight = 4
    wait_time = between(*PLAN["think_seconds"])

    def on_start(self) -> None:
        self.sessions: dict[str, HttpSession] = {}
        for account in sorted({page["account"] for page in PLAN["reads"] + PLAN["writes"]}):
            self.session(account)

    def session(self, account: str) -> HttpSession:
        if account not in self.sessions:
            session = HttpSession(self.host, self.environment.events.request, self)
            session.get("/sign-in/", name="sign-in")
            with session.post(
                "/sign-in/",
                data={
                    "username": account,
                    "password": PLAN["password"],
                    "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
                },
                name="sign-in",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"sign-in as {account}: {response.status_code}")
            self.sessions[account] = session
        return self.sessions[account]

    def shown(self, account: str, name: str, url: str, body: str) -> None:
        """A leak when this answer to ``account`` names a child hidden from them."""
        for shown in names_shown(account, body):
            LEAKS.append({"account": account, "page": name, "url": url, "why": f"shows the name {shown}"})

    @task
    def click(self) -> None:
        if random.random() < PLAN["write_share"]:
            write = random.choice(PLAN["writes"])
            session = self.session(write["account"])
            reference = f"{WRITE_MARK}{uuid.uuid4().hex}"
            sent = {"kind": write["form"], "reference": reference, "outcome": "sent", "status": 0}
            WRITES.append(sent)
            data = {**_form(write["form"], reference), "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
            url = random.choice(write["urls"])
            with session.post(
                url, data=data, name=write["name"], allow_redirects=False, catch_response=True
            ) as response:
                sent["status"] = response.status_code
                if response.status_code == 302:
                    sent["outcome"] = "acknowledged"
                elif response.status_code:  # 0: no answer came (the connection failed); it stays "sent"
                    sent["outcome"] = "refused"
                if response.status_code != 302:
                    why = "form not accepted" if response.status_code == 200 else f"status {response.status_code}"
                    response.failure(why)
                self.shown(write["account"], write["name"], url, response.text or "")
            return
        page = random.choice(PLAN["reads"])
        url = random.choice(page["urls"])
        with self.session(page["account"]).get(
            url, name=page["name"], allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in page.get("ok", [200]):
                response.failure(f"status {response.status_code}")
            self.shown(page["account"], page["name"], url, response.text or "")


class Prober(Practitioner):
    """A practitioner of one agency (or an agency's API system) who, besides the ordinary clicks, asks by id for
    the records of children their agency may not see: every answer must be the random id's "not found"."""

    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.account = next(PROBERS)
        self.api_key = PROBES["api"].get(self.account, {}).get("key")
        if self.api_key:
            self.api = HttpSession(self.host, self.environment.events.request, self)
            self.api.headers["Authorization"] = f"Bearer {self.api_key}"
        else:
            self.session(self.account)

    @task
    def click(self) -> None:
        """Half the clicks an ordinary one; the other half ``PLAN["probe_burst"]`` probes, taking the kinds of
        probe in turn so that each prober asks for every kind."""
        if random.random() < 0.5:
            super().click()
            return
        probe = PROBES["api"].get(self.account) or PROBES["accounts"][self.account]
        if not hasattr(self, "kinds"):
            kinds = [
                k
                for k, (ids, _) in PLAN["probe_urls"].items()
                if probe[ids] and k.startswith("api") == bool(self.api_key)
            ]
            random.shuffle(kinds)
            self.kinds = itertools.cycle(kinds) if kinds else None
        if self.kinds is None:
            return
        for _ in range(PLAN["probe_burst"]):
            self.probe(probe, next(self.kinds))

    def probe(self, probe: dict[str, Any], kind: str) -> None:
        ids, template = PLAN["probe_urls"][kind]
        url = template.format(id=random.choice(probe[ids]))
        session = self.api if self.api_key else self.session(self.account)
        expected = PLAN["probe_expect"][self.account][kind]
        with session.get(url, name=f"probe: {kind}", allow_redirects=False, catch_response=True) as response:
            status = response.status_code
            answers = PROBED.setdefault(self.account, {}).setdefault(kind, {})
            answers[str(status)] = answers.get(str(status), 0) + 1
            if 200 <= status < 400:
                LEAKS.append({"account": self.account, "page": kind, "url": url, "why": f"answered {status}"})
            elif status != expected:
                LEAKS.append(
                    {"account": self.account, "page": kind, "url": url, "why": f"{status}, a random id {expected}"}
                )
            self.shown(self.account, kind, url, response.text or "")
            if status >= 500 or status == 0:
                response.failure(f"status {status}")
            else:
                response.success()
