"""Network and hotspot recovery on generated areas of 4,000 and 20,000 children (times ``BENCH_SCALE``, at
least 1,000) with planted exploitation networks and a realistic background (``joinedup.mapping.tests.area``:
shared schools, a busy station, a shopping centre, a hospital, siblings and parents, children found at home,
adults of concern the background knows).

joinedup's side: ``analysis.networks`` (people held by their own ties, places by their footfall, co-presence
within a day, Leiden communities) and ``analysis.hotspots`` (signal against what a place's kind and size
would lead one to expect). The baseline, in the same run: the older ``networks_by_component`` (connected
groups of the whole graph) and ``hotspots_by_footfall`` (places by distinct children).

A planted network is recovered when one network found holds every adult of concern, at least 80% of its
children and at most twice its people. Printed for each size and side: networks recovered, the largest
(found / planted people), background children in the networks found for planted ones (and those of them
named in no record with one of that network's people), the largest network, planted places in the top ten
hotspots, and the time; then the ratios against the baseline.
"""

import time

from _common import progress, scale

SIZES = (4_000, 20_000)


def main() -> None:
    from _common import django_setup

    django_setup()
    from joinedup.mapping.internals import analysis
    from joinedup.mapping.tests.area import area_generate, recovery

    lines = []
    for size in (max(1_000, round(s * scale())) for s in SIZES):
        area = area_generate(size)
        progress(f"{size} children: {len(area.data.events)} events, {len(area.networks)} planted networks")
        results = {}
        for side, find_networks, find_hotspots in (
            ("joinedup", analysis.networks, analysis.hotspots),
            ("baseline", analysis.networks_by_component, analysis.hotspots_by_footfall),
        ):
            start = time.perf_counter()
            networks = find_networks(area.data, area.period)
            spots = find_hotspots(area.data, area.period)
            seconds = time.perf_counter() - start
            results[side] = (recovery(area, networks, spots), seconds)
            progress(f"{side}: {seconds:.2f}s")
        ours, ours_s = results["joinedup"]
        base, base_s = results["baseline"]

        def figures(r, seconds: float) -> str:
            return (
                f"recovered {r.recovered}/{r.planted}, largest found/planted x{r.size_ratio:.2f}, "
                f"background children in them {r.background} ({r.background_untied} with no record shared), "
                f"largest network {r.largest} people, planted places in top ten {r.in_top_ten}/{len(r.ranks)} "
                f"(ranks {sorted(r.ranks)[:12]}), {seconds:.2f}s"
            )

        lines.append(
            f"{size} children, {len(area.data.events)} events: joinedup: {figures(ours, ours_s)}; "
            f"baseline (components, footfall): {figures(base, base_s)}; "
            f"ratios joinedup/baseline: size x{ours.size_ratio / base.size_ratio:.4f}, "
            f"largest network x{ours.largest / max(1, base.largest):.4f}, "
            f"time x{ours_s / base_s:.2f}"
        )
    print("mapping_recovery: " + " | ".join(lines), flush=True)


if __name__ == "__main__":
    main()
