"""NHS numbers: ten digits with a modulus-11 check digit, stored bare, shown as 943 476 5919."""

from __future__ import annotations

from otvisit.services.errors import ValidationError

#: Characters people type between the digit groups; anything else is refused.
_SEPARATORS = str.maketrans("", "", " -\t")


def check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit of nine digits, or None when no digit can be valid.

    Weights 10 down to 2; check = 11 - (sum mod 11); 11 becomes 0 and 10 means
    the nine digits can never form an NHS number.
    """
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("check_digit needs exactly nine digits")
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(raw: str) -> str:
    """The number without spaces or hyphens (not yet validated)."""
    return raw.strip().translate(_SEPARATORS)


def validate_nhs_number(raw: str) -> str:
    """The ten-digit NHS number from what was typed, or ValidationError saying what is wrong."""
    number = normalise_nhs_number(raw)
    if not number:
        raise ValidationError("Please enter the child's NHS number")
    if not (number.isascii() and number.isdigit()):
        raise ValidationError("The NHS number must contain only digits (spaces are fine)")
    if len(number) != 10:
        raise ValidationError(f"The NHS number must have 10 digits (this one has {len(number)})")
    expected = check_digit(number[:9])
    if expected is None or expected != int(number[9]):
        raise ValidationError(
            "This NHS number's check digit is wrong — please check it against the letter"
        )
    return number


def is_valid_nhs_number(raw: str) -> bool:
    """True when validate_nhs_number would accept raw."""
    try:
        validate_nhs_number(raw)
    except ValidationError:
        return False
    return True


def format_nhs_number(number: str) -> str:
    """Shown in three groups, 3-3-4: ``943 476 5919``."""
    bare = normalise_nhs_number(number)
    if len(bare) != 10:
        return number
    return f"{bare[:3]} {bare[3:6]} {bare[6:]}"
