"""The import pages, in the core namespace: one upload page for every app's import kinds. The addresses
under /registry/import/ they had before lead here, so bookmarks keep working."""
from django.urls import path
from django.views.generic import RedirectView

from kechuang.core.imports import views

urlpatterns = [
    path("import/", views.ImportUploadView.as_view(), name="import"),
    path("import/template/<slug:kind>.xlsx", views.ImportTemplateView.as_view(), name="import-template"),
    path("import/<slug:token>/", views.ImportPreviewView.as_view(), name="import-preview"),
    path("import/<slug:token>/errors.xlsx", views.ImportErrorsView.as_view(), name="import-errors"),
    path("registry/import/<path:rest>", RedirectView.as_view(url="/import/%(rest)s", permanent=True, query_string=True)),
    path("registry/import/", RedirectView.as_view(pattern_name="core:import", permanent=True)),
]
