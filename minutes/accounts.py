"""Log in, log out, and password reset by mail, which is offered only when mail can be sent.

django-axes locks a username on one client after repeated wrong passwords; the login view
adds a limit per client across usernames (settings.LOGIN_RATE_LIMIT), so one address cannot
try many usernames a few times each.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.decorators import method_decorator

from minutes.limits import usage

LOGIN_FAILURES = "login-failures"


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "password_reset": settings.EMAIL_ENABLED}

    def post(self, request, *args, **kwargs):
        rate = settings.LOGIN_RATE_LIMIT
        failures = usage(request, LOGIN_FAILURES, rate, increment=False)
        if failures and failures["count"] >= failures["limit"]:
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            usage(request, LOGIN_FAILURES, rate, increment=True)
        return response


def mail_required(view):
    """404 while no mail can be sent: a reset link that never arrives helps no one."""

    def wrapper(request, *args, **kwargs):
        if not settings.EMAIL_ENABLED:
            raise Http404("Nulstilling af adgangskode kræver, at der er sat mail op.")
        return view(request, *args, **kwargs)

    return wrapper


@method_decorator(mail_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """The link in the mail points at SITE_URL, never at the Host header a client sent."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc, use_https=site.scheme == "https", token_generator=self.token_generator,
            from_email=self.from_email, email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name, request=self.request,
            html_email_template_name=self.html_email_template_name, extra_email_context=self.extra_email_context,
        )
        return super(auth_views.PasswordResetView, self).form_valid(form)


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", mail_required(auth_views.PasswordResetDoneView.as_view()),
         name="password_reset_done"),
    path("reset/<uidb64>/<token>/", mail_required(auth_views.PasswordResetConfirmView.as_view()),
         name="password_reset_confirm"),
    path("reset/done/", mail_required(auth_views.PasswordResetCompleteView.as_view()),
         name="password_reset_complete"),
]
