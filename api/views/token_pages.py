"""/account/tokens/: people make, see and revoke their personal API tokens (web pages)."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.selectors import api_tokens
from api.services.tokens import token_create, token_revoke


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens; on a valid POST a new one, whose secret is shown on this answer only."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = (
            timezone.make_aware(datetime.combine(expires_on, time.max)) if expires_on else None
        )
        _token, secret = token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=expires_at,
        )
        form = TokenForm()
    context = {"tokens": api_tokens(user=request.user), "form": form, "secret": secret}
    response = render(
        request,
        "api/token_list.html",
        context,
        status=400 if request.method == "POST" and secret is None else 200,
    )
    # The secret must not linger in any cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_tokens(user=request.user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    token_revoke(token=token)
    messages.success(request, f"Revoked “{token.name}”. Scripts using it now get 401.")
    return redirect("api_tokens:token_list")
