import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Everything a web worker would otherwise do on its first request, done before it accepts one, so
    that request costs what its hundredth does."""
    from pathlib import Path

    from django.conf import settings
    from django.template import engines
    from django.template.autoreload import get_template_directories
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import formats, translation
    from django.utils.module_loading import import_string

    from kechuang.techmarket.matcher import index

    # Django imports the URLconf, and with it every app's views and their libraries (python-docx,
    # drf-spectacular, …), on the first request (≈ 0.5 s), and builds the tables `reverse()` reads on
    # the first link a page makes (≈ 50 ms); the middleware, the templates' context processors and date
    # formatting import the rest on first use.
    resolvers = [get_resolver()]
    while resolvers:  # each namespace's table is built on the first reverse() into it
        resolver = resolvers.pop()
        resolver.reverse_dict
        resolvers += [included for _prefix, included in resolver.namespace_dict.values()]
    for path in (settings.MESSAGE_STORAGE, settings.SESSION_SERIALIZER):
        import_string(path)
    engines["django"].engine.template_context_processors
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            formats.get_format("DATE_FORMAT")
    # A template is compiled on its first use and kept (the cached loader), ≈ 50 ms of a demand page's
    # first request; the project's own 118 templates are compiled now (≈ 0.2 s of CPU).
    # The package's own folders only: a virtual environment inside the checkout holds other apps' templates,
    # some for libraries the product does not install (unfold's crispy-forms templates).
    root = Path(__file__).resolve().parent
    for directory in get_template_directories():
        if directory.resolve().is_relative_to(root):
            for template in directory.rglob("*.html"):
                get_template(template.relative_to(directory).as_posix())
    # the matcher's segmenter and encoder, and a probe query on each side (the index lives in the database)
    index.warm_up()
    # What is loaded by now (≈ 300,000 objects: the segmenter's and the thesaurus' tables, Django) lives
    # as long as the worker. Left to the collector, its next full collection traverses all of it, 120–180
    # ms on the 2-core machine, and the first request is what sets it off (the rows it reads); frozen,
    # collections look only at what requests allocate.
    gc.collect()
    gc.freeze()


warm_up()
