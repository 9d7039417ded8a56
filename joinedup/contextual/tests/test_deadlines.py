import datetime as dt

from joinedup.deadlines import LONDON, context_first_review_due


def test_the_first_review_counts_from_the_day_in_london_across_the_clock_change():
    # 11:30pm on 29 March 2026 in London (summer time) is 10:30pm UTC: still the 29th in London.
    opened = dt.datetime(2026, 3, 29, 23, 30, tzinfo=LONDON).astimezone(dt.UTC)
    assert context_first_review_due(opened) == dt.date(2026, 5, 10)
    # 00:30 on 26 October 2026 in London (winter time again) is 00:30 UTC: the 26th.
    assert context_first_review_due(dt.datetime(2026, 10, 26, 0, 30, tzinfo=dt.UTC)) == dt.date(2026, 12, 7)
    # 11:30pm UTC on 31 July 2026 is 00:30 on 1 August in London.
    assert context_first_review_due(dt.datetime(2026, 7, 31, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 9, 12)
