"""Password rules of 等保 2.0 level 3, beside Django's own (length, common, numeric, similarity):
at least three character classes, no username inside, no long run of one character, and not a common
word dressed up with digits and symbols (`kechuang2026`, `Password!123`)."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^a-zA-Z0-9]"),
)
# Words a guesser tries first here, besides Django's list of 20,000 common passwords.
COMMON_WORDS = frozenset({
    "kechuang", "keji", "kejiju", "admin", "administrator", "password", "passwd", "qwerty", "qwertyuiop",
    "asdfgh", "zxcvbn", "abc", "abcd", "abcdef", "welcome", "letmein", "root", "test", "user", "login",
    "iloveyou", "woaini", "shengtaicheng", "tianjin", "ecocity", "china", "beijing", "zhongguo",
})


class CharacterClassesValidator:
    """Letters in lower and upper case, digits and symbols: at least `min_classes` of the four."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if sum(bool(pattern.search(password)) for pattern in CHARACTER_CLASSES) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(count)d of: lower-case letters, upper-case letters, digits, symbols."
        ) % {"count": self.min_classes}


class NoUsernameValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self):
        return _("Your password must not contain your username.")


class RepeatedCharacterValidator:
    """No character repeated more than `max_run` times in a row (`bbbbbbbbbbbb`, `aaaa1111`)."""

    def __init__(self, max_run: int = 3):
        self.max_run = max_run
        self.pattern = re.compile(r"(.)\1{%d,}" % max_run)

    def validate(self, password, user=None):
        if self.pattern.search(password):
            raise ValidationError(self.get_help_text(), code="password_repeated_characters")

    def get_help_text(self):
        return ngettext(
            "Your password must not repeat one character more than %(count)d time in a row.",
            "Your password must not repeat one character more than %(count)d times in a row.",
            self.max_run,
        ) % {"count": self.max_run}


class CommonWordValidator:
    """The letters of the password, digits and symbols taken out, must not be one common word."""

    def validate(self, password, user=None):
        letters = re.sub(r"[^a-z]", "", password.lower())
        if letters in COMMON_WORDS or not letters:
            raise ValidationError(self.get_help_text(), code="password_common_word")

    def get_help_text(self):
        return _("Your password must not be a common word with digits or symbols added.")
