from datetime import date
from decimal import Decimal

import pytest

from relais.core.exports import neutralise


@pytest.mark.parametrize("text", ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Très bien", "F-1001", "", None, -3, Decimal("-12.50"), date(2026, 10, 1)])
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value
