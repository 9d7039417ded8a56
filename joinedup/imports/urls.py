from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("ssda903-missing/", views.ssda903_upload, name="ssda903-upload"),
    path("extract/", views.extract_upload, name="extract-upload"),
    path("batches/<uuid:batch_id>/", views.batch_detail, name="batch-detail"),
    path("rejected/<int:row_id>/", views.rejected_row_fix, name="rejected-fix"),
    path("returns/", views.returns_page, name="returns"),
    # POST builds the return in the worker; GET downloads the newest ready file of it.
    path("returns/ssda903-missing.csv", views.ssda903_download, name="ssda903-download"),
    path("returns/annex-a-missing.csv", views.annex_a_download, name="annex-a-download"),
    path("returns/files/<uuid:file_id>/", views.return_file_detail, name="return-file"),
    path("returns/files/<uuid:file_id>/download/", views.return_file_download, name="return-file-download"),
]
