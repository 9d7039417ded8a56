"""The children list's default view leaves out closed records (every involvement ended; joinedup.plans).

A county's children (50,000 times ``BENCH_SCALE``; one in ten with every involvement closed, the rest with one or
two open) on SQLite. As the coordinator (who sees every child), the first page of the children list with its count
(``children.selectors.child_page``), ``--repeats`` times: the default view (active records only: the stored
``Child.record_closed`` column) against the baseline, the same page with closed records included (no filter),
measured in the same run. The counts must differ by exactly the closed records.
"""

import os
import statistics
import tempfile
import time

from _common import arguments, progress


def main() -> None:
    workdir = tempfile.TemporaryDirectory(prefix="bench-children-active-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    args = arguments(__doc__ or "", 50_000, repeats=(7, "page reads timed for each view"))
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from joinedup.accounts.models import Role, RoleCode, User
    from joinedup.agencies.models import Agency
    from joinedup.children.closure import record_closed_refresh
    from joinedup.children.models import Child, Involvement
    from joinedup.children.selectors import child_page

    social_care = Agency.objects.create(code="CSC", name="Social care", kind="childrens_social_care")
    police = Agency.objects.create(code="POL", name="Police", kind="police")
    coordinator = User.objects.create_user(username="coordinator", password="x", agency=social_care)  # noqa: S106
    coordinator.roles.set([Role.objects.get_or_create(code=RoleCode.COORDINATOR)[0]])
    progress(f"writing {args.size} children")
    now = timezone.now()
    children = Child.objects.bulk_create(
        [
            Child(given_name=f"Synth{i}", family_name="Child", owning_agency=social_care, created_by=coordinator)
            for i in range(args.size)
        ],
        batch_size=5000,
    )
    involvements = []
    closed = 0
    for i, child in enumerate(children):
        ended = now if i % 10 == 0 else None
        closed += ended is not None
        involvements.append(Involvement(child=child, agency=social_care, ended_at=ended))
        if i % 3 == 0:
            involvements.append(Involvement(child=child, agency=police, ended_at=ended))
    Involvement.objects.bulk_create(involvements, batch_size=5000)
    # The closed mark, set as the children app's services set it when an involvement opens, ends or moves.
    progress("marking closed records")
    record_closed_refresh(child.pk for child in children)

    def read(include_closed: bool) -> tuple[float, int]:
        start = time.perf_counter()
        page = child_page(user=coordinator, page_number=1, include_closed=include_closed)
        count = page.paginator.count
        list(page.object_list)
        return time.perf_counter() - start, count

    read(True), read(False)  # warm up
    times: dict[bool, list[float]] = {True: [], False: []}
    counts: dict[bool, int] = {}
    for _ in range(args.repeats):
        for include_closed in (True, False):
            seconds, counts[include_closed] = read(include_closed)
            times[include_closed].append(seconds)
    assert counts[True] - counts[False] == closed, (counts, closed)
    base, active = (statistics.median(times[flag]) * 1000 for flag in (True, False))
    print(f"children_active_list: {args.size} children ({closed} closed), coordinator, first page with its count")
    print(f"  baseline (closed included, no filter): median {base:.0f} ms")
    print(f"  default view (active records only): median {active:.0f} ms, x{active / base:.2f} of the baseline")


if __name__ == "__main__":
    main()
