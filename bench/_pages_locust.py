"""The load of ``bench/pages.py``, as a locust file: signed-in users reading the pages and writing through the
real forms (four reads in five, one write), each pausing between clicks as a person does.

``bench/pages.py`` runs it headless (``locust -f bench/_pages_locust.py --headless ...``) with
``BENCH_PAGES_PLAN`` naming a JSON plan: the accounts, each page's name, account and addresses, each write's
form, the think time, and where to write every request's time (milliseconds, by page, with when it ended) when
the run stops. Each user signs in to every account on starting, during the warm-up the script leaves out of its
figures. Locust's own statistics round long times; the script computes its percentiles from these exact times.
"""

import json
import os
import random
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task
from locust.clients import HttpSession

PLAN: dict[str, Any] = json.loads(open(os.environ["BENCH_PAGES_PLAN"], encoding="utf-8").read())  # noqa: SIM115
LONDON = ZoneInfo("Europe/London")
# Page name -> [when it ended (epoch seconds), milliseconds, failure or ""].
TIMES: dict[str, list[tuple[float, float, str]]] = {}


@events.request.add_listener
def _recorded(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    TIMES.setdefault(name, []).append((time.time(), response_time, "" if exception is None else str(exception)[:300]))


@events.quitting.add_listener
def _written(**_: Any) -> None:
    with open(PLAN["out"], "w", encoding="utf-8") as handle:
        json.dump(TIMES, handle)


def _local(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def _form(kind: str) -> dict[str, str]:
    """A completed form of this kind, as a practitioner fills it in."""
    now = datetime.now(tz=LONDON)
    if kind == "chronology":
        when = now - timedelta(minutes=random.randrange(5, 60 * 24 * 30))
        return {"occurred_at": _local(when), "category": "information", "summary": "Spoke with the school about today."}
    if kind == "contact":
        when = now - timedelta(minutes=random.randrange(5, 60 * 24 * 30))
        return {"attempted_at": _local(when), "method": "phone", "outcome": "no_answer", "note": "Left a message."}
    if kind == "missing":
        # A past episode of an hour at a random minute of the last two years, so that two rarely overlap.
        started = now - timedelta(minutes=random.randrange(60 * 24 * 3, 60 * 24 * 730))
        return {
            "kind": "M",
            "started_at": _local(started),
            "returned_at": _local(started + timedelta(hours=1)),
            "reported_by_name": "The carer at the placement",
            "last_seen_place": "Near the station",
            "last_seen_with": "Two older young people",
            "grade": "low",
            "rationale": "Returned the same evening; known friends.",
            "information_from": "The carer, by phone",
        }
    raise ValueError(kind)


class Practitioner(HttpUser):
    """One person at a desk, signed in once to each account the pages need."""

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

    @task
    def click(self) -> None:
        if random.random() < PLAN["write_share"]:
            write = random.choice(PLAN["writes"])
            session = self.session(write["account"])
            data = {**_form(write["form"]), "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
            with session.post(
                random.choice(write["urls"]), data=data, name=write["name"], allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 302:
                    why = "form not accepted" if response.status_code == 200 else f"status {response.status_code}"
                    response.failure(why)
            return
        page = random.choice(PLAN["reads"])
        with self.session(page["account"]).get(
            random.choice(page["urls"]), name=page["name"], allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in page.get("ok", [200]):
                response.failure(f"status {response.status_code}")
