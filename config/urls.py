from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    # Staff sign in through allauth (rate limits, two-factor step), not through Wagtail's own form.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("api/", include("api.urls")),
    path("profile/", include("accounts.urls")),
    path("", include("cms.urls")),
    path("consultations/", include("consultations.urls")),
    path("commons/", include("commons.urls")),
    path("calls/", include("calls.urls")),
    path("budgets/", include("budgets.urls")),
    path("open-data/", include("opendata.urls")),
    path("", include("search.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database connection error is a 503 asking to retry (core/errors.py); anything else the usual 500.
handler500 = "core.errors.server_error"

# Wagtail serves every other path from the page tree.
urlpatterns += [path("", include(wagtail_urls))]
