"""A link that sets a widget to a value the page does not offer (`?grain=year`) says
so: Streamlit alone would drop it without a word and show the default (issue 17,
"Links")."""

from __future__ import annotations

import pytest

from tests.markdown_text import shown
from tests.test_hostile_markup import data_dir, markdown_bodies, run  # noqa: F401


def notices(app) -> list[str]:
    return [shown(body) for body in markdown_bodies(app) if "Ignored unknown" in shown(body)]


@pytest.mark.parametrize(
    ("page", "key", "value"),
    [
        ("overview", "grain", "year"),
        ("happiness", "grain", "year"),
        ("happiness", "by", "planet"),
        ("engagement", "tab", "Nope"),
        ("consistency", "metric", "luck"),
        ("overview", "tz", "Mars/Base"),
    ],
)
def test_an_unknown_value_in_the_link_is_noticed(data_dir, page, key, value):  # noqa: F811
    app = run(page, **{key: value})
    found = notices(app)
    assert len(found) == 2  # the caption and the toast
    assert all(f"Ignored unknown {key}" in text and value in text for text in found)


@pytest.mark.parametrize(
    ("page", "key", "value"),
    [
        ("overview", "grain", "month"),
        ("happiness", "by", "channel"),
        ("engagement", "tab", "Fairness"),
        ("overview", "tz", "UTC"),
    ],
)
def test_a_value_the_page_offers_is_not_noticed(data_dir, page, key, value):  # noqa: F811
    assert notices(run(page, **{key: value})) == []
