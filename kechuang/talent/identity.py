"""Resident identity numbers (公民身份号码, GB 11643-1999) and mobile numbers: checking and masking.

The masks keep what a reader needs to tell two records apart and nothing more: the first 6 digits of an
identity number (the issuing area) and its last 4, the first 3 and last 4 digits of a mobile number
(`120116********1234`, `138****5678`). No standard fixes the pattern (ecosystem facts §3.5: a law firm's
note shows first 6 + last 4); it is our choice, written on the talent pages' help text.
"""
from __future__ import annotations

import datetime as dt
import re

# GB 11643-1999 §8.2: weights of the first 17 digits, and the check character for each remainder mod 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


class IdentityError(ValueError):
    """Why a number is refused, in Chinese; never quotes the number itself."""


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS)) % 11]


def normalise_id(text: str) -> str:
    return str(text).strip().replace(" ", "").upper()


def birth_date(number: str) -> dt.date:
    """The date of birth a valid 18-digit number carries (digits 7–14)."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def validate_id(text: str) -> str:
    """The number in canonical form (upper-case X), or IdentityError saying what is wrong."""
    number = normalise_id(text)
    if not ID_PATTERN.match(number):
        raise IdentityError("身份证号应为 18 位（前 17 位为数字，末位为数字或 X）")
    try:
        birth_date(number)
    except ValueError:
        raise IdentityError("身份证号中的出生日期不是有效日期") from None
    if check_char(number[:17]) != number[17]:
        raise IdentityError("身份证号校验位错误（GB 11643）")
    return number


def normalise_phone(text: str) -> str:
    return re.sub(r"[\s-]", "", str(text)).removeprefix("+86")


def validate_mobile(text: str) -> str:
    number = normalise_phone(text)
    if not MOBILE_PATTERN.match(number):
        raise IdentityError("手机号应为 11 位中国大陆手机号码（以 1 开头）")
    return number


def mask_id(number: str) -> str:
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else "*" * len(number)


def mask_phone(number: str) -> str:
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}" if len(number) > 7 else "*" * len(number)


def age_in(year: int, birth_year: int) -> int:
    """Age reached during `year` (the literal reading of an age rule given only a birth year)."""
    return year - birth_year
