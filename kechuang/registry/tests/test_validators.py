import pytest
from django.core.exceptions import ValidationError

from kechuang.registry.validators import normalise_patent_number, uscc_problem


# Codes published by the firms themselves (Huawei, Tencent, Alibaba, Baidu and smaller firms' web pages).
@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",
        "914403001922038216",
        "91440300708461136T",
        "91330100799655058B",
        "91110000802100433B",
        "91440300MA5H0HLK5U",
        "91133100MA0D8N1J7G",
    ],
)
def test_published_usccs_validate(code):
    assert uscc_problem(code) is None


def test_wrong_check_character_is_named():
    assert "校验位" in uscc_problem("91350100M000100Y44")


def test_forbidden_letters_are_refused():
    assert "不允许" in uscc_problem("91350100M000100I43")


# Application numbers as published with their grants (ZL…) or applications, check digits included;
# they cover a remainder of 10 (X) and of 0, inventions (…1…), utility models (…2…) and 2005–2025.
@pytest.mark.parametrize(
    "number",
    [
        "ZL202010566088.9",
        "ZL201510958772.0",
        "ZL200510096239.4",
        "ZL202322865413.3",
        "ZL201811564288.X",
        "201710158044.0",
        "202210635727.1",
        "202321160956.9",
        "202520560089.0",
    ],
)
def test_published_patent_numbers_validate(number):
    assert normalise_patent_number(number) == number.removeprefix("ZL")


def test_patent_number_with_prefix_is_normalised():
    assert normalise_patent_number("CN200810063526.9") == "200810063526.9"


def test_patent_number_with_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError, match="校验位"):
        normalise_patent_number("200810063526.4")
