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
    return _bar_chart(tuple(rows), x_title, y_title, description)


@lru_cache(maxsize=256)
def _bar_chart(rows: tuple[tuple[str, int], ...], x_title: str, y_title: str, description: str) -> str:
    """The same counts draw the same chart: building the specification with Altair costs milliseconds too."""
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


def line_chart(*, rows: list[tuple[str, float]], target: float, x_title: str, y_title: str, description: str) -> str:
    """A line of (label, value) rows, in the order given, with the target as a dashed rule, as SVG markup."""
    return _line_chart(tuple(rows), target, x_title, y_title, description)


@lru_cache(maxsize=256)
def _line_chart(
    rows: tuple[tuple[str, float], ...], target: float, x_title: str, y_title: str, description: str
) -> str:
    data = alt.Data(values=[{"label": label, "value": value} for label, value in rows])
    line = (
        alt.Chart(data, description=description)
        .mark_line(point=True, color=BAR_COLOUR)
        .encode(x=alt.X("label:O", title=x_title, sort=None), y=alt.Y("value:Q", title=y_title))
    )
    rule = (
        alt.Chart(alt.Data(values=[{"target": target}]))
        .mark_rule(strokeDash=[6, 4], color="#d4351c")
        .encode(y="target:Q")
    )
    chart = alt.layer(line, rule).properties(width=max(240, 48 * len(rows)), height=200)
    return _svg(json.dumps(chart.to_dict(), sort_keys=True))
