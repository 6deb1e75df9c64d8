from django.urls import path, re_path

from cms import views

urlpatterns = [
    path("consultations/mine/", views.my_contributions, name="my_contributions"),
    # The site's own stylesheet; the version is a hash of its content (cms/branding.py).
    re_path(r"^theme/(?P<version>[0-9a-f]{12})\.css$", views.theme_stylesheet, name="theme_stylesheet"),
]
