"""Organisation numbers are checked with their check digit and stored as NNNNNN-NNNN."""

import pytest
from stdnum import luhn

from samverkan.schemas import normalise_org_number
from tests.factories import org_number, with_wrong_check_digit


def test_valid_numbers_are_normalised():
    assert normalise_org_number("2021000076") == "202100-0076"
    assert normalise_org_number("202100-0076") == "202100-0076"
    assert normalise_org_number(" 212000-0142 ") == "212000-0142"


def test_a_wrong_check_digit_is_refused_in_swedish():
    with pytest.raises(ValueError, match="kontrollsiffran"):
        normalise_org_number(with_wrong_check_digit("202100-0076"))


def test_every_single_digit_error_is_caught():
    number = org_number().replace("-", "")
    for position in range(10):
        for replacement in "0123456789":
            if replacement == number[position]:
                continue
            changed = number[:position] + replacement + number[position + 1:]
            if int(changed[2:4]) < 20:
                continue
            with pytest.raises(ValueError):
                normalise_org_number(changed)


def test_a_personal_identity_number_is_not_an_organisation_number():
    nine = "800101123"  # digits 3–4 = "01": a month, so a personnummer
    with pytest.raises(ValueError, match="personnummer"):
        normalise_org_number(nine + luhn.calc_check_digit(nine))


@pytest.mark.parametrize("value", ["12345", "20210000761", "abcdefghij", ""])
def test_wrong_length_or_letters_are_refused(value):
    with pytest.raises(ValueError, match="tio siffror"):
        normalise_org_number(value)
