import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
application = get_wsgi_application()

# A web worker loads the matcher's segmenter and sentence encoder before its first request, so that
# request costs what every later one does (the index itself lives in the database).
from kechuang.techmarket.matcher import index  # noqa: E402

index.warm_up()
