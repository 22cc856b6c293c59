import pytest
from django.core.exceptions import ValidationError

from kechuang.registry.validators import normalise_patent_number, uscc_problem


@pytest.mark.parametrize("code", ["91350100M000100Y43"])
def test_published_usccs_validate(code):
    assert uscc_problem(code) is None


def test_wrong_check_character_is_named():
    assert "校验位" in uscc_problem("91350100M000100Y44")


def test_forbidden_letters_are_refused():
    assert "不允许" in uscc_problem("91350100M000100I43")


def test_patent_number_with_prefix_is_normalised():
    assert normalise_patent_number("CN200810063526.9") == "200810063526.9"


def test_patent_number_with_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError, match="校验位"):
        normalise_patent_number("200810063526.4")
