"""What ``bench/pages.py`` asks of the database itself, before and after the load, in a process of its own.

Run as ``python bench/_pages_check.py probes --out probes.json`` (before the load) or
``python bench/_pages_check.py verify --probes probes.json --writes writes.json --job JOB --out verify.json``
(after it), with ``DJANGO_SETTINGS_MODULE`` and ``DATABASE_URL`` set as for the server.

``probes``: for each agency's practitioner (and an API system of two agencies, made here with
``api_client_add``), the children the policy hides from them (``joinedup.access.policy.children_visible_to``:
every child not in it), a sample of those children with their missing episodes, risk assessments and documents
by id, and the full names that must never appear in a page that account is shown: every hidden child's name
that no child they may see bears and that their agency's own extract records do not hold (those they know
already).

``verify``: every write the users sent, by the unique reference in its text, counted in the database (present
once, absent, twice); the rows of that kind with a reference no write was acknowledged for; which probed
children the policy shows their prober after the load (the import may have opened an involvement: not counted
as a leak); and the import's job.
"""

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROBED_CHILDREN = 150
# The text each write of the load carries, so that the database can be asked for exactly the rows it made.
WRITE_MARK = "bench-write-"
API_SYSTEMS = {"POL": "Bench police system", "HEA": "Bench health system"}


def _hidden_from(user: Any, rng: random.Random) -> dict[str, Any]:
    from joinedup.access.policy import children_visible_to
    from joinedup.assessments.models import RiskAssessment
    from joinedup.children.models import Child
    from joinedup.documents.models import Document
    from joinedup.imports.models import PersonRecord
    from joinedup.missing.models import MissingEpisode

    visible = set(children_visible_to(user).values_list("pk", flat=True))
    everyone = {
        pk: f"{given} {family}"
        for pk, given, family in Child.objects.filter(joined_into__isnull=True).values_list(
            "pk", "given_name", "family_name"
        )
    }
    hidden = sorted(str(pk) for pk in everyone if pk not in visible)
    seen_names = {everyone[pk] for pk in visible if pk in everyone}
    own_records = {
        f"{data.get('given_name', '')} {data.get('family_name', '')}"
        for data in PersonRecord.objects.filter(agency_id=user.agency_id).values_list("data", flat=True)
    }
    names = sorted({everyone[pk] for pk in everyone if pk not in visible} - seen_names - own_records)
    probed = rng.sample(hidden, min(PROBED_CHILDREN, len(hidden)))

    def ids(queryset: Any) -> list[str]:
        found = [str(pk) for pk in queryset.exclude(child_id__in=visible).values_list("pk", flat=True)]
        return rng.sample(found, min(PROBED_CHILDREN, len(found)))

    episodes, assessments, documents = ids(MissingEpisode.objects), ids(RiskAssessment.objects), ids(Document.objects)
    return {
        "visible": len(visible),
        "hidden": len(hidden),
        "children": probed,
        "episodes": episodes,
        "assessments": assessments,
        "documents": documents,
        # Whose record each probed id is, so that a child the load made visible is told apart from a leak.
        "child_of": {
            **{pk: pk for pk in probed},
            **{str(k): str(v) for k, v in MissingEpisode.objects.filter(pk__in=episodes).values_list("pk", "child_id")},
            **{
                str(k): str(v)
                for k, v in RiskAssessment.objects.filter(pk__in=assessments).values_list("pk", "child_id")
            },
            **{str(k): str(v) for k, v in Document.objects.filter(pk__in=documents).values_list("pk", "child_id")},
        },
        "names": names,
    }


def probes(out: Path) -> None:
    from joinedup.accounts.models import User
    from joinedup.agencies.models import Agency
    from joinedup.api.services import api_client_add
    from joinedup.demo.generator import PRACTITIONER_OF

    rng = random.Random(11)
    accounts: dict[str, Any] = {}
    for code, username in sorted(PRACTITIONER_OF.items()):
        user = User.objects.get(username=username)
        accounts[username] = {"agency": code, **_hidden_from(user, rng)}
    operator = User.objects.get(username="coordinator")
    api: dict[str, Any] = {}
    for code, name in API_SYSTEMS.items():
        client, key = api_client_add(actor=operator, agency=Agency.objects.get(code=code), name=name)
        api[client.user.username] = {"agency": code, "key": key, **_hidden_from(client.user, rng)}
    out.write_text(json.dumps({"accounts": accounts, "api": api}), encoding="utf-8")


def _written(kind: str) -> dict[str, int]:
    """How many rows of this kind carry each write reference."""
    import re

    from joinedup.children.models import ChronologyEntry
    from joinedup.contacts.models import ContactAttempt
    from joinedup.missing.models import MissingEpisode

    field_of = {
        "chronology": (ChronologyEntry, "summary"),
        "contact": (ContactAttempt, "note"),
        "missing": (MissingEpisode, "last_seen_place"),
    }
    model, field = field_of[kind]
    counts: dict[str, int] = {}
    pattern = re.compile(rf"{WRITE_MARK}[0-9a-f]{{32}}")
    texts = model._default_manager.filter(**{f"{field}__contains": WRITE_MARK}).values_list(field, flat=True)
    for text in texts:
        for reference in pattern.findall(text):
            counts[reference] = counts.get(reference, 0) + 1
    return counts


def verify(probes_file: Path, writes_file: Path, job_id: str, out: Path) -> None:
    from joinedup.access.policy import children_visible_to
    from joinedup.accounts.models import User
    from joinedup.imports.models import ImportBatch
    from joinedup.jobs.models import Job

    result: dict[str, Any] = {}
    # Writes: each sent one is "acknowledged" (the saved form's redirect), "refused" (another answer) or
    # "unanswered" (no answer: the load stopped while it was on its way, or the connection failed).
    sent: list[dict[str, Any]] = json.loads(writes_file.read_text(encoding="utf-8")) if writes_file.exists() else []
    writes: dict[str, Any] = {}
    for kind in ("chronology", "contact", "missing"):
        rows = _written(kind)
        mine = [w for w in sent if w["kind"] == kind]
        by_reference = {w["reference"]: w for w in mine}
        acknowledged = [w for w in mine if w["outcome"] == "acknowledged"]
        writes[kind] = {
            "sent": len(mine),
            "acknowledged": len(acknowledged),
            "present_once": sum(1 for w in acknowledged if rows.get(w["reference"]) == 1),
            "lost": [w["reference"] for w in acknowledged if w["reference"] not in rows],
            "duplicated": [r for r, n in rows.items() if n > 1],
            "written_though_refused": [
                {"reference": r, "status": by_reference[r].get("status")}
                for r in rows
                if r in by_reference and by_reference[r]["outcome"] == "refused"
            ],
            "written_unanswered": sum(1 for r in rows if r in by_reference and by_reference[r]["outcome"] == "sent"),
            "unanswered": sum(1 for w in mine if w["outcome"] == "sent"),
            "unknown_rows": [r for r in rows if r not in by_reference],
            "rows": sum(rows.values()),
        }
    result["writes"] = writes
    # Children probed that the policy shows their prober now (opened by something during the load).
    the_probes = json.loads(probes_file.read_text(encoding="utf-8"))
    now_visible: dict[str, list[str]] = {}
    for username, probe in {**the_probes["accounts"], **the_probes["api"]}.items():
        user = User.objects.get(username=username)
        probed = sorted(set(probe["child_of"].values()))
        visible = {str(pk) for pk in children_visible_to(user).filter(pk__in=probed).values_list("pk", flat=True)}
        now_visible[username] = sorted(visible)
    result["now_visible"] = now_visible
    if job_id:
        job = Job.objects.get(pk=job_id)
        batch = (
            ImportBatch.objects.filter(pk=job.result_url.rstrip("/").rsplit("/", 1)[-1]).first()
            if job.result_url
            else None
        )
        result["job"] = {
            "status": job.status,
            "message": job.message,
            "requested_at": job.requested_at.timestamp(),
            "finished_at": job.finished_at.timestamp() if job.finished_at else None,
            "progress_done": job.progress_done,
            "progress_total": job.progress_total,
            "batch": {
                "rows": batch.rows,
                "created": batch.created,
                "updated": batch.updated,
                "rejected": batch.rejected,
                "waiting": batch.waiting,
                "started_at": batch.started_at.timestamp(),
                "finished_at": batch.finished_at.timestamp() if batch.finished_at else None,
            }
            if batch
            else None,
        }
    out.write_text(json.dumps(result), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=["probes", "verify"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--probes")
    parser.add_argument("--writes")
    parser.add_argument("--job", default="")
    args = parser.parse_args()
    import django

    django.setup()
    if args.step == "probes":
        probes(Path(args.out))
    else:
        verify(Path(args.probes), Path(args.writes), args.job, Path(args.out))


if __name__ == "__main__":
    main()
