"""Exceptions raised by the rule engine."""


class RuleSetError(ValueError):
    """A rule-set file is malformed. The message names the file, the line and the key."""

    def __init__(self, message, *, file=None, line=None, key=None):
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        self.reason = message
        where = self.file or "<rule set>"
        if line is not None:
            where += f", line {line}"
        if key:
            where += f", key '{key}'"
        super().__init__(f"{where}: {message}")


class ProfileError(ValueError):
    """An enterprise profile is invalid. ``field`` is the JSON path of the offending field."""

    def __init__(self, field, message):
        self.field = field
        self.reason = message
        super().__init__(f"{field}: {message}")


class UnknownRuleSet(LookupError):
    pass
