"""CSV batches: upload one CSV of slot values, see every row's problems before anything is
queued, and download the CSV template of a poster template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from brandkit.choices import MembershipRole, VersionStatus
from brandkit.models import PosterTemplate
from brandkit.selectors import brand_role
from projects.exceptions import GenerationRefused
from projects.models import Campaign
from projects.selectors import campaign_get_for_user
from projects.services.csv_batches import (
    MAX_CSV_BYTES,
    OPTIONAL_COLUMNS,
    csv_batch_check,
    csv_batch_queue,
    csv_template,
)

GENERATOR_ROLES = {MembershipRole.ADMIN, MembershipRole.MARKETER}


def _campaign_for_generator(request: HttpRequest, pk: int) -> Campaign:
    try:
        campaign = campaign_get_for_user(pk=pk, user=request.user)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign.") from exc
    if brand_role(user=request.user, brand=campaign.brand) not in GENERATOR_ROLES:
        raise PermissionDenied("Only marketers and admins of this brand can queue batches.")
    return campaign


def _templates(campaign: Campaign) -> list[PosterTemplate]:
    return list(
        PosterTemplate.objects.filter(brand=campaign.brand, status=VersionStatus.PUBLISHED)
        .prefetch_related("text_slots")
        .order_by("name", "-version")
    )


@login_required
def csv_batch_upload(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_generator(request, pk)
    templates = _templates(campaign)
    context: dict[str, object] = {
        "campaign": campaign,
        "templates": templates,
        "optional_columns": OPTIONAL_COLUMNS,
        "max_mb": MAX_CSV_BYTES // 1_000_000,
    }
    if request.method == "POST":
        template = next(
            (t for t in templates if str(t.pk) == request.POST.get("template", "")), None
        )
        upload = request.FILES.get("file")
        if template is None or upload is None:
            context["form_error"] = "Pick a published poster template and a CSV file."
            return render(request, "projects/csv_batch.html", context, status=400)
        data = upload.read(MAX_CSV_BYTES + 1)
        plan = csv_batch_check(campaign=campaign, template=template, data=data, user=request.user)
        context.update({"plan": plan, "selected": template})
        if not plan.ok:
            return render(request, "projects/csv_batch.html", context, status=400)
        try:
            generations = csv_batch_queue(plan=plan, user=request.user)
        except GenerationRefused as exc:
            context["form_error"] = exc.message
            return render(request, "projects/csv_batch.html", context, status=400)
        messages.success(
            request, f"{len(plan.rows)} rows queued as {len(generations)} generation(s)."
        )
        return redirect(campaign.get_absolute_url())
    return render(request, "projects/csv_batch.html", context)


@login_required
def csv_batch_template(request: HttpRequest, pk: int, template_pk: int) -> HttpResponse:
    campaign = _campaign_for_generator(request, pk)
    template = next((t for t in _templates(campaign) if t.pk == template_pk), None)
    if template is None:
        raise Http404("No such published template of this brand.")
    response = HttpResponse(csv_template(template=template), content_type="text/csv")
    name = slugify(f"{template.name}-v{template.version}") or "template"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
