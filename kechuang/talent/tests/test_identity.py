import pytest

from kechuang.talent.identity import IdentityError, birth_date, mask_id, mask_phone, validate_id, validate_mobile
from kechuang.talent.tests.conftest import id_number


def test_published_example_number_passes_and_a_changed_digit_fails():
    # GB 11643-1999's worked example: 11010519491231002X.
    assert validate_id("11010519491231002x") == "11010519491231002X"
    with pytest.raises(IdentityError, match="校验位"):
        validate_id("110105194912310021")


def test_each_wrong_check_digit_is_refused():
    good = id_number()
    for digit in "0123456789X":
        if digit != good[-1]:
            with pytest.raises(IdentityError):
                validate_id(good[:17] + digit)


def test_impossible_birth_date_and_wrong_length():
    with pytest.raises(IdentityError, match="出生日期"):
        validate_id(id_number(birth="19880231"))
    with pytest.raises(IdentityError, match="18 位"):
        validate_id("12011619880512123")


def test_refusals_never_quote_the_number():
    number = id_number()[:17] + ("0" if id_number()[-1] != "0" else "1")
    with pytest.raises(IdentityError) as refused:
        validate_id(number)
    assert number not in str(refused.value) and number[6:14] not in str(refused.value)


def test_masks_and_birth_date():
    number = id_number()
    assert mask_id(number) == f"120116********{number[-4:]}"
    assert mask_phone("13812345678") == "138****5678"
    assert birth_date(number).isoformat() == "1988-05-12"
    assert validate_mobile("138-1234-5678") == "13812345678"
    with pytest.raises(IdentityError):
        validate_mobile("02266201234")
