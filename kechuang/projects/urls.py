from django.urls import path

from kechuang.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("calls/new/", views.call_new, name="call-new"),
    path("calls/<slug:code>/", views.call_detail, name="call"),
    path("calls/<slug:code>/publicity.docx", views.publicity_docx, name="publicity-docx"),
    path("calls/<slug:code>/<slug:action>/", views.call_action, name="call-action"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/files/<int:file_pk>/", views.attachment_download, name="attachment"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="application-action"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("experts/", views.ExpertListView.as_view(), name="experts"),
    path("board/", views.board, name="board"),
    path("projects/<str:number>/", views.project_detail, name="project"),
    path("projects/<str:number>/acceptance.docx", views.acceptance_docx, name="acceptance-docx"),
    path("projects/<str:number>/ledger.xlsx", views.project_ledger_xlsx, name="project-ledger"),
    path("projects/<str:number>/<slug:action>/", views.project_action, name="project-action"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<slug:code>/", views.round_detail, name="round"),
    path("answers/<int:pk>/", views.round_answer, name="round-answer"),
    path("statistics/", views.statistics_page, name="statistics"),
]
