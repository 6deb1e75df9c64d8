from django.urls import path

from opendata import feeds, views

urlpatterns = [
    path("", views.catalogue, name="opendata_catalogue"),
    path("consultations/<id:consultation_id>/", views.consultation_data, name="opendata_consultation"),
    path(
        "consultations/<id:consultation_id>/<str:filename>",
        views.consultation_file,
        name="opendata_consultation_file",
    ),
    path("calls/dispositif-aide.csv", views.calls_dispositif_aide, name="opendata_calls_dispositif_aide"),
    path("calls/<id:call_id>/", views.call_data, name="opendata_call"),
    path("calls/<id:call_id>/<str:filename>", views.call_file, name="opendata_call_file"),
    path("feeds/consultations.rss", feeds.ConsultationsFeed(), name="opendata_consultations_rss"),
    path("feeds/consultations.ics", feeds.consultations_ics, name="opendata_consultations_ics"),
    path("feeds/calls.rss", feeds.CallsFeed(), name="opendata_calls_rss"),
    path("feeds/calls.ics", feeds.calls_ics, name="opendata_calls_ics"),
]
