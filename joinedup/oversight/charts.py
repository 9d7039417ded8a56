"""Charts as SVG drawn on the server (Vega-Lite through Altair, rendered by vl-convert): no script reaches the
browser, so the pages keep their content security policy. Each chart is shown beside the table of its figures."""

import json
from functools import lru_cache

import altair as alt
import vl_convert

# The GOV.UK blue, so the bars read as part of the page.
BAR_COLOUR = "#1d70b8"


@lru_cache(maxsize=256)
def _svg(spec: str) -> str:
    """The same figures draw the same chart: rendering costs tens of milliseconds, a cached one nothing."""
    return str(vl_convert.vegalite_to_svg(json.loads(spec)))


def bar_chart(*, rows: list[tuple[str, int]], x_title: str, y_title: str, description: str) -> str:
    """A bar chart of (label, count) rows, in the order given, as SVG markup."""
    data = alt.Data(values=[{"label": label, "count": count} for label, count in rows])
    chart = (
        alt.Chart(data, description=description)
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("label:O", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=y_title, axis=alt.Axis(tickMinStep=1)),
        )
        .properties(width=max(160, 48 * len(rows)), height=180)
    )
    return _svg(json.dumps(chart.to_dict(), sort_keys=True))
