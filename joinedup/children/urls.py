from django.urls import path

from . import views

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("new/", views.child_create, name="create"),
    path("export/", views.children_export, name="export"),
    path("<uuid:child_id>/", views.child_detail, name="detail"),
    path("<uuid:child_id>/chronology/new/", views.chronology_entry_create, name="entry-create"),
    path("<uuid:child_id>/share/", views.share_create, name="share-create"),
    path("<uuid:child_id>/access-log/", views.access_log, name="access-log"),
    *[
        path(f"<uuid:child_id>/details/{group}/", views.details_change, {"group": group}, name=f"details-{group}")
        for group in views.DETAIL_GROUPS
    ],
    path("<uuid:child_id>/details/<str:field>/settle/", views.disagreement_settle, name="settle"),
    path("<uuid:child_id>/addresses/new/", views.address_add, name="address-add"),
    path("<uuid:child_id>/addresses/<int:address_id>/", views.address_change, name="address-change"),
    path("<uuid:child_id>/family/new/", views.relative_add, name="relative-add"),
    path("<uuid:child_id>/family/<int:relative_id>/", views.relative_change, name="relative-change"),
    path("<uuid:child_id>/family/<int:relative_id>/end/", views.relative_end, name="relative-end"),
    path("<uuid:child_id>/involvements/new/", views.involvement_open, name="involvement-open"),
    path("<uuid:child_id>/involvements/<int:involvement_id>/end/", views.involvement_end, name="involvement-end"),
    path("<uuid:child_id>/items/<str:item_kind>/<str:item_id>/", views.item_history, name="item-history"),
    path("<uuid:child_id>/items/<str:item_kind>/<str:item_id>/correct/", views.item_correct, name="item-correct"),
]
