"""Campaign pages: the board, the generation form, live progress, and generation controls."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from brandkit.choices import MembershipRole
from brandkit.models import PosterTemplate
from brandkit.selectors import brand_role
from projects.choices import GenerationStatus, ReviewStatus
from projects.exceptions import GenerationRefused, ProjectsError
from projects.filters import asset_filters, generation_filters, id_list
from projects.forms import GenerationForm
from projects.models import Campaign, Generation, GenerationBatch
from projects.presenters import generation_progress_rows
from projects.selectors import (
    batch_progress,
    campaign_asset_search,
    campaign_generations,
    campaign_generations_changed,
    campaign_get_for_user,
    campaign_list_for_user,
    campaign_spend,
    campaign_version_search,
)
from projects.services.generation_control import (
    batch_cancel_remaining,
    batch_retry_failed,
    generation_cancel,
    generation_retry,
)
from projects.services.generation_requests import generation_request

GENERATOR_ROLES = {MembershipRole.ADMIN, MembershipRole.MARKETER}
ASSETS_PER_PAGE = 48
GENERATIONS_PER_PAGE = 25
CAMPAIGNS_PER_PAGE = 50


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaign_list_for_user(user=request.user).order_by(
        "brand__name", "-created_at", "-pk"
    )
    page = Paginator(campaigns, CAMPAIGNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/campaign_list.html", {"page": page})


def _campaign_or_404(request: HttpRequest, pk: int) -> Campaign:
    try:
        return campaign_get_for_user(pk=pk, user=request.user)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign.") from exc


def _selected_template(request: HttpRequest, campaign: Campaign) -> PosterTemplate | None:
    template_id = (
        request.POST.get("poster_template")
        or request.GET.get("template")
        or request.GET.get("poster_template")  # the no-JavaScript "Use template" button
    )
    if not template_id or not str(template_id).isdigit():
        return None
    return (
        PosterTemplate.objects.filter(pk=template_id, brand=campaign.brand)
        .prefetch_related("text_slots")
        .first()
    )


KEPT_INPUT_SESSION_KEY = "campaign-form-{pk}"
# Fields a template pick does not carry over: the new template decides its pack.
TEMPLATE_DECIDES = {"poster_template", "reference_pack", "csrfmiddlewaretoken", "template_pick"}


def _kept_input(form: GenerationForm, values: Mapping[str, list[str]], *, skip: set[str]) -> None:
    """Show `values` (a submitted form's, as lists) in the unbound `form`: the user's input
    survives a template pick and a successful queue instead of resetting to the defaults."""
    for name, field in form.fields.items():
        if name in skip or name not in values:
            continue
        value = values[name]
        if getattr(field.widget, "allow_multiple_selected", False):
            form.initial[name] = value
        elif isinstance(field, forms.BooleanField):
            form.initial[name] = bool(value) and value[-1] not in ("", "false", "off")
        elif value:
            form.initial[name] = value[-1]


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    role = brand_role(user=request.user, brand=campaign.brand)
    can_generate = role in GENERATOR_ROLES
    form = None
    if can_generate:
        template = _selected_template(request, campaign)
        form = GenerationForm(request.POST or None, campaign=campaign, template=template)
        session_key = KEPT_INPUT_SESSION_KEY.format(pk=campaign.pk)
        if request.method == "GET":
            if "template_pick" in request.GET:  # the template select resubmits the form by GET
                # An unticked checkbox is absent from a submitted form: say so explicitly.
                kept = {"watermark": [], **dict(request.GET.lists())}
                _kept_input(form, kept, skip=TEMPLATE_DECIDES)
            elif kept := request.session.pop(session_key, None):
                _kept_input(form, {"watermark": [], **kept}, skip={"csrfmiddlewaretoken"})
        if request.method == "POST" and form.is_valid():
            try:
                generations = generation_request(
                    generation_input=form.to_input(), user=request.user
                )
            except GenerationRefused as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                count = len(generations)
                messages.success(request, f"Queued {count} generation{'s' * (count != 1)}.")
                request.session[session_key] = {
                    name: values
                    for name, values in request.POST.lists()
                    if name != "csrfmiddlewaretoken"
                }
                # Stay on the same template, so the next request starts from its slots.
                keep = f"?template={template.pk}" if template is not None else ""
                return redirect(campaign.get_absolute_url() + keep + "#progress")
    generation_filter = generation_filters(request.GET)
    generation_page = Paginator(
        campaign_generations(campaign=campaign, status=generation_filter.status),
        GENERATIONS_PER_PAGE,
    ).get_page(request.GET.get("gpage"))
    filters = asset_filters(request.GET)
    asset_page = Paginator(
        campaign_asset_search(campaign=campaign, filters=filters), ASSETS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "role": role,
        "can_generate": can_generate,
        "form": form,
        "spend": campaign_spend(campaign=campaign),
        "asset_page": asset_page,
        "filters": filters,
        "generation_page": generation_page,
        "generation_filter": generation_filter,
        "progress": generation_progress_rows(list(generation_page.object_list)),
        "batches": batch_progress(campaign=campaign),
        "review_statuses": ReviewStatus.choices,
        "generation_statuses": GenerationStatus.choices,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/campaign_detail.html", context, status=status)


@login_required
def campaign_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """Live progress, polled by the page: only what it asks about. `ids` names the generations
    the page shows as queued or running, `after` the newest one it shows (newer ones are
    returned too, so work queued elsewhere appears), `batches` the unfinished batches shown.
    Without parameters: the newest page of generations and the ten newest batches."""
    campaign = _campaign_or_404(request, pk)
    asked = {name: request.GET.get(name) for name in ("ids", "after", "batches")}
    if any(value is not None for value in asked.values()):
        after = id_list(asked["after"], limit=1)
        generations = campaign_generations_changed(
            campaign=campaign, ids=id_list(asked["ids"]), after=after[0] if after else None
        )
        batches = batch_progress(campaign=campaign, ids=id_list(asked["batches"], limit=10))
    else:
        generations = list(campaign_generations(campaign=campaign)[:GENERATIONS_PER_PAGE])
        batches = batch_progress(campaign=campaign)
    spend = campaign_spend(campaign=campaign)
    return JsonResponse(
        {
            "generations": generation_progress_rows(generations),
            "batches": batches,
            "spend": {
                "spent": str(spend.spent),
                "reserved": str(spend.reserved),
                "budget": str(spend.budget),
                "percent_used": spend.percent_used,
            },
        }
    )


@login_required
def campaign_versions(request: HttpRequest, pk: int) -> JsonResponse:
    """The source-version picker's suggestions: versions of this campaign only, by asset title
    words, "v<number>" or a version id."""
    campaign = _campaign_or_404(request, pk)
    query = (request.GET.get("q") or "").strip()[:200]
    return JsonResponse({"versions": campaign_version_search(campaign=campaign, query=query)})


def _control(request: HttpRequest, campaign: Campaign, action: object, done: str) -> HttpResponse:
    try:
        action()  # type: ignore[operator]
    except ProjectsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(campaign.get_absolute_url() + "#progress")


@login_required
@require_POST
def generation_control(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    generation = get_object_or_404(Generation.objects.select_related("campaign__brand"), pk=pk)
    campaign = _campaign_or_404(request, generation.campaign_id)
    actions = {
        "cancel": (
            lambda: generation_cancel(generation=generation, user=request.user),
            "Canceled.",
        ),
        "retry": (
            lambda: generation_retry(generation=generation, user=request.user),
            "Queued again.",
        ),
    }
    if action not in actions:
        raise Http404("No such action.")
    call, done = actions[action]
    return _control(request, campaign, call, done)


@login_required
@require_POST
def batch_control(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    batch = get_object_or_404(GenerationBatch, pk=pk)
    campaign = _campaign_or_404(request, batch.campaign_id)
    if action == "cancel":
        return _control(
            request,
            campaign,
            lambda: batch_cancel_remaining(batch=batch, user=request.user),
            "Canceled the rest of the batch.",
        )
    if action == "retry":
        return _control(
            request,
            campaign,
            lambda: batch_retry_failed(batch=batch, user=request.user),
            "Queued the failed generations again.",
        )
    raise Http404("No such action.")
