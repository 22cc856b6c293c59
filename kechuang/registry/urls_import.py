"""The import pages; included into the registry namespace by kechuang/registry/urls.py."""
from django.urls import path

from kechuang.registry import views_import

urlpatterns = [
    path("import/", views_import.ImportUploadView.as_view(), name="import"),
    path("import/template/<slug:kind>.xlsx", views_import.ImportTemplateView.as_view(), name="import-template"),
    path("import/<slug:token>/", views_import.ImportPreviewView.as_view(), name="import-preview"),
    path("import/<slug:token>/errors.xlsx", views_import.ImportErrorsView.as_view(), name="import-errors"),
]
