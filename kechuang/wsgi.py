import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Everything a web worker would otherwise do on its first request, done before it accepts one, so
    that request costs what its hundredth does."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils.module_loading import import_string

    from kechuang.techmarket.matcher import index

    # Django imports the URLconf, and with it every app's views and their libraries (python-docx,
    # drf-spectacular, …), on the first request (≈ 0.5 s); the middleware imports these on first use.
    get_resolver().url_patterns
    for path in (settings.MESSAGE_STORAGE, settings.SESSION_SERIALIZER):
        import_string(path)
    # the matcher's segmenter and encoder, and a probe query on each side (the index lives in the database)
    index.warm_up()
    # What is loaded by now (≈ 300,000 objects: the segmenter's and the thesaurus' tables, Django) lives
    # as long as the worker. Left to the collector, its next full collection traverses all of it, 120–180
    # ms on the 2-core machine, and the first request is what sets it off (the rows it reads); frozen,
    # collections look only at what requests allocate.
    gc.collect()
    gc.freeze()


warm_up()
