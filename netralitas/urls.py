from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pledges.web.forms import AdminLoginForm, LoginForm

admin.site.site_header = "Netralitas — Administrasi"
admin.site.site_title = "Netralitas"
admin.site.index_title = "Administrasi ikrar netralitas ASN"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("masuk/", auth_views.LoginView.as_view(form_class=LoginForm), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("pledges.web.urls")),
]

handler400 = "pledges.web.views.errors.bad_request"

# No route serves MEDIA_ROOT, in development either: stored PDFs hold personal
# data, and every download goes through staff:download_document, which checks
# who is asking.
