"""Check digits of the codes the registry is keyed by."""
import re

from django.core.exceptions import ValidationError

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015: the 18th character from the weighted sum of the first 17, modulo 31."""
    total = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why `value` is not a valid 统一社会信用代码, in Chinese, or None when it is valid."""
    if len(value) != 18:
        return f"统一社会信用代码应为18位，实际为{len(value)}位"
    if not _USCC_SHAPE.match(value):
        return "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）"
    if uscc_check_char(value[:17]) != value[17]:
        return f"统一社会信用代码校验位错误，应为 {uscc_check_char(value[:17])}"
    return None


def validate_uscc(value: str) -> None:
    problem = uscc_problem(value)
    if problem:
        raise ValidationError(problem, code="uscc")


_PATENT = re.compile(r"^(?:CN|ZL)?\s*(\d{8}|\d{12})\.?([0-9X])$")
_SOFTWARE_COPYRIGHT = re.compile(r"^(\d{4})SR(\d{5,7})$")


def patent_check_char(digits: str) -> str:
    """The CN application-number check digit: weights 2–9 cycling, sum modulo 11, 10 written X."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    total = sum(int(d) * weights[i % 8] for i, d in enumerate(digits))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalise_patent_number(value: str) -> str:
    """'CN202110123456.7' → '202110123456.7'. Raises ValidationError with the reason in Chinese."""
    text = value.strip().upper().replace(" ", "")
    match = _PATENT.match(text)
    if not match:
        raise ValidationError(
            "专利申请号格式不正确，应为 12 位数字加校验位，如 202110123456.7（可带 CN 前缀）", code="patent_shape"
        )
    digits, check = match.groups()
    expected = patent_check_char(digits)
    if check != expected:
        raise ValidationError(f"专利申请号校验位错误，应为 {expected}", code="patent_check")
    return f"{digits}.{check}"


def normalise_software_copyright(value: str) -> str:
    text = value.strip().upper().replace(" ", "")
    if not _SOFTWARE_COPYRIGHT.match(text):
        raise ValidationError("软件著作权登记号格式不正确，应如 2021SR0123456", code="copyright_shape")
    return text
