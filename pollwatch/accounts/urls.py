from django.contrib.auth import views as auth_views
from django.urls import path

from . import signin_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("code/", signin_views.code_sign_in, name="code_sign_in"),
    path("code/<str:token>/", signin_views.link_sign_in, name="link_sign_in"),
    path("two-factor/set-up/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes,
         name="two_factor_recovery_codes"),
]
