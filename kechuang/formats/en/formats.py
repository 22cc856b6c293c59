# English pages show dates as ISO too.
from kechuang.formats.zh_Hans.formats import *  # noqa: F401,F403
