"""NHS number: modulus-11 check digit, normalising what people type, and the display format."""

from __future__ import annotations

import pytest

from otvisit.services.errors import ValidationError
from otvisit.services.nhs_number import (
    check_digit,
    format_nhs_number,
    is_valid_nhs_number,
    normalise_nhs_number,
    validate_nhs_number,
)


def test_the_design_example_is_valid_and_formats_in_three_groups() -> None:
    # 9·10 + 4·9 + 3·8 + 4·7 + 7·6 + 6·5 + 5·4 + 9·3 + 1·2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
    assert check_digit("943476591") == 9
    assert validate_nhs_number("9434765919") == "9434765919"
    assert format_nhs_number("9434765919") == "943 476 5919"


@pytest.mark.parametrize(
    "typed", ["943 476 5919", "943-476-5919", " 9434765919 ", "943 476-5919", "943\t476 5919"]
)
def test_spaces_and_hyphens_are_removed(typed: str) -> None:
    assert normalise_nhs_number(typed) == "9434765919"
    assert validate_nhs_number(typed) == "9434765919"


def test_remainder_zero_gives_check_digit_zero() -> None:
    # 200000001: 2·10 + 1·2 = 22, 22 mod 11 = 0, 11 - 0 = 11 → check digit 0.
    assert check_digit("200000001") == 0
    assert validate_nhs_number("2000000010") == "2000000010"
    assert not is_valid_nhs_number("2000000011")


def test_an_ordinary_remainder() -> None:
    # 401023213: 40 + 0 + 8 + 0 + 12 + 15 + 8 + 3 + 6 = 92, 92 mod 11 = 4, 11 - 4 = 7.
    assert check_digit("401023213") == 7
    assert is_valid_nhs_number("401 023 2137")


def test_remainder_one_means_no_valid_check_digit() -> None:
    # 100000001: 1·10 + 1·2 = 12 ≡ 1 (mod 11) → 11 - 1 = 10: no digit can be right.
    assert check_digit("100000001") is None
    for last in "0123456789":
        assert not is_valid_nhs_number(f"100000001{last}")
    with pytest.raises(ValidationError, match="check digit is wrong"):
        validate_nhs_number("1000000010")


def test_a_wrong_check_digit_is_refused_with_a_message_to_check_the_letter() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_nhs_number("943 476 5918")
    assert str(caught.value) == (
        "This NHS number's check digit is wrong — please check it against the letter"
    )


def test_a_swapped_pair_of_digits_is_caught() -> None:
    assert not is_valid_nhs_number("9434765991")
    assert not is_valid_nhs_number("4934765919")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("943476591", "must have 10 digits \\(this one has 9\\)"),
        ("94347659190", "must have 10 digits \\(this one has 11\\)"),
        ("943 476 591A", "only digits"),
        ("NHS9434765919", "only digits"),
        ("٩٤٣٤٧٦٥٩١٩", "only digits"),  # Arabic-Indic digits: isdigit() but not ASCII
        ("", "Please enter the child's NHS number"),
        ("   ", "Please enter the child's NHS number"),
        ("943.476.5919", "only digits"),
    ],
)
def test_malformed_numbers_are_refused_clearly(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_nhs_number(typed)


def test_all_zeros_passes_the_arithmetic_and_is_accepted_as_such() -> None:
    # 0000000000 satisfies modulus 11 (sum 0 → check 0); the rule is the check digit, so it passes.
    assert is_valid_nhs_number("0000000000")


def test_numbers_from_the_999_test_range_can_be_generated_valid() -> None:
    valid = [f"999{n:06d}" for n in range(50) if check_digit(f"999{n:06d}") is not None]
    assert len(valid) >= 40
    for first_nine in valid:
        assert is_valid_nhs_number(first_nine + str(check_digit(first_nine)))


def test_check_digit_needs_nine_digits() -> None:
    with pytest.raises(ValueError):
        check_digit("12345678")


def test_formatting_leaves_something_that_is_not_ten_digits_as_it_is() -> None:
    assert format_nhs_number("12345") == "12345"
    assert format_nhs_number("943-476-5919") == "943 476 5919"
