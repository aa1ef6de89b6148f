"""The brand's challenge page: an empty leaderboard says so (no numbered "1. No points yet."), and the
back-test dates sit in labelled fields on one row with the button."""

import re

import pytest
from django.urls import reverse

from relais.incentives.tests.factories import running_challenge

pytestmark = pytest.mark.django_db


def test_an_empty_leaderboard_says_so_without_a_numbered_line(admin_client_brand, brand):
    challenge = running_challenge(brand)
    html = admin_client_brand.get(
        reverse("incentives:challenge_detail", args=[challenge.pk])
    ).content.decode()
    assert 'data-testid="leaderboard-empty"' in html
    assert "Nobody has earned points in this challenge yet." in html
    assert not re.search(r"<ol[^>]*>\s*<li[^>]*>[^<]*No points", html)


def test_the_backtest_dates_are_labelled_fields_of_the_filter_row(admin_client_brand, brand):
    challenge = running_challenge(brand)
    html = admin_client_brand.get(
        reverse("incentives:challenge_detail", args=[challenge.pk])
    ).content.decode()
    form = html[
        html.index('data-testid="backtest-form"') : html.index(
            "</form>", html.index('data-testid="backtest-form"')
        )
    ]
    assert len(re.findall(r"<label>[^<]*<input[^>]*type=\"date\"", form)) == 2
