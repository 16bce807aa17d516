"""Webhook pages of a brand, for its admins: endpoints, their deliveries and attempts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from projects.forms import WebhookEndpointForm
from projects.selectors.webhooks import (
    webhook_admin_brand,
    webhook_endpoint_get,
    webhook_endpoints,
    webhook_recent_deliveries,
)
from projects.services.webhooks import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_send_test,
)


def _add_errors(form: WebhookEndpointForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@login_required
def webhook_list(request: HttpRequest, slug: str) -> HttpResponse:
    brand = webhook_admin_brand(slug=slug, user=request.user)
    form = WebhookEndpointForm(request.POST or None, initial={"is_active": True})
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = webhook_endpoint_create(
                brand=brand,
                user=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            form = WebhookEndpointForm(initial={"is_active": True})
    context = {
        "brand": brand,
        "endpoints": webhook_endpoints(brand=brand),
        "form": form,
        "secret": secret,
    }
    status = 400 if request.method == "POST" and secret is None else 200
    response = render(request, "projects/webhook_list.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def webhook_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    brand = webhook_admin_brand(slug=slug, user=request.user)
    endpoint = webhook_endpoint_get(brand=brand, pk=pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
    }
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_endpoint_update(endpoint=endpoint, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect(endpoint.get_absolute_url())
    context = {
        "brand": brand,
        "endpoint": endpoint,
        "form": form,
        "deliveries": webhook_recent_deliveries(endpoint=endpoint),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/webhook_detail.html", context, status=status)


@login_required
@require_POST
def webhook_test(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    brand = webhook_admin_brand(slug=slug, user=request.user)
    endpoint = webhook_endpoint_get(brand=brand, pk=pk)
    webhook_send_test(endpoint=endpoint, user=request.user)
    messages.success(request, "Test event queued; its attempts appear below.")
    return redirect(endpoint.get_absolute_url())


@login_required
@require_POST
def webhook_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    brand = webhook_admin_brand(slug=slug, user=request.user)
    endpoint = webhook_endpoint_get(brand=brand, pk=pk)
    webhook_endpoint_delete(endpoint=endpoint, user=request.user)
    messages.success(request, f"Deleted the webhook to {endpoint.url}.")
    return redirect("projects:webhook_list", slug=brand.slug)
