"""Asset pages: a version large with its request, review actions, iterate, reproduce, compare."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from brandkit.selectors import brand_role
from projects.choices import GenerationMode, ReviewStatus
from projects.exceptions import ProjectsError, ReplacesApproved
from projects.forms import DecisionForm, EditFromVersionForm, SubmitForm
from projects.models import Asset, AssetVersion
from projects.payloads import payload_diff
from projects.selectors import (
    asset_get_for_user,
    asset_reviews,
    version_poster,
    version_references,
)
from projects.selectors.campaigns import asset_live_state
from projects.services.approvals import (
    REVIEWER_ROLES,
    SUBMITTER_ROLES,
    approval_decide,
    approval_submit,
)
from projects.services.generation_requests import GenerationInput, generation_request
from projects.services.reproductions import reproduction_request


def _version(asset: Asset, number: str | int | None) -> AssetVersion | None:
    versions = {str(version.number): version for version in asset.versions.all()}
    if number is None:
        return asset.versions.all()[len(versions) - 1] if versions else None
    return versions.get(str(number))


@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The asset with one version large (?v=<number>, default the latest), its request, the
    review history, and the actions this user may take."""
    asset = asset_get_for_user(pk=pk, user=request.user)
    versions = list(asset.versions.all())
    current = _version(asset, request.GET.get("v")) if versions else None
    if versions and current is None:
        raise Http404("No such version.")
    role = brand_role(user=request.user, brand=asset.campaign.brand)
    is_own = request.user.pk in (asset.created_by_id, asset.submitted_by_id) or (
        asset.submitted_version is not None
        and asset.submitted_version.generation.requested_by_id == request.user.pk
    )
    can_decide = (
        role in REVIEWER_ROLES
        and not is_own
        and asset.review_status == ReviewStatus.IN_REVIEW
        and current is not None
        and current.pk == asset.submitted_version_id
    )
    can_work = role in SUBMITTER_ROLES
    poster = version_poster(version=current) if current else None
    kept_decision = decision_error_for(request, asset.pk) if can_decide else None
    context = {
        "poster": poster,
        "show_raw": request.GET.get("raw") == "1" or poster is None or not poster.image,
        "asset": asset,
        "versions": versions,
        "current": current,
        "role": role,
        "reviews": asset_reviews(asset=asset),
        "references": version_references(version=current) if current else [],
        "reproductions": list(current.reproductions.select_related("generation"))
        if current
        else [],
        "can_decide": can_decide,
        "can_work": can_work,
        # Nothing to offer once the only version is the approved one.
        "can_submit": can_work
        and asset.review_status != ReviewStatus.IN_REVIEW
        and any(version.pk != asset.approved_version_id for version in versions),
        "submit_form": SubmitForm(asset=asset) if can_work and versions else None,
        "decision_form": DecisionForm(
            initial={"version": current.pk, **_kept_decision(kept_decision)}
        )
        if can_decide
        else None,
        "decision_error": kept_decision["message"] if kept_decision else "",
        "edit_form": EditFromVersionForm(initial={"version": current.pk})
        if can_work and current
        else None,
        "is_own": is_own,
        "live": asset_live_state(asset=asset),
    }
    return render(request, "projects/asset_detail.html", context)


def _kept_decision(kept: dict | None) -> dict[str, str]:
    return {"decision": kept["decision"], "comment": kept["comment"]} if kept else {}


def _back(asset: Asset, version: AssetVersion | None = None) -> HttpResponse:
    suffix = f"?v={version.number}" if version else ""
    return redirect(asset.get_absolute_url() + suffix)


@login_required
@require_POST
def asset_submit(request: HttpRequest, pk: int) -> HttpResponse:
    asset = asset_get_for_user(pk=pk, user=request.user)
    form = SubmitForm(request.POST, asset=asset)
    if not form.is_valid():
        messages.error(request, "Pick a version of this asset to submit.")
        return _back(asset)
    version = form.cleaned_data["version"]
    try:
        approval_submit(
            asset=asset,
            version=version,
            user=request.user,
            replace_approved=request.POST.get("replace_approved") == "yes",
        )
    except ReplacesApproved as exc:
        context = {"asset": asset, "version": version, "message": exc.message}
        return render(request, "projects/asset_submit_confirm.html", context)
    except ProjectsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Version {form.cleaned_data['version'].number} is in review.")
    return _back(asset, form.cleaned_data["version"])


@login_required
@require_POST
def asset_decide(request: HttpRequest, pk: int) -> HttpResponse:
    asset = asset_get_for_user(pk=pk, user=request.user)
    form = DecisionForm(request.POST)
    version = None
    if form.is_valid():
        version = asset.versions.filter(pk=form.cleaned_data["version"]).first()
    if version is None:
        messages.error(request, "Choose a decision for the version shown.")
        return _back(asset)
    try:
        review = approval_decide(
            asset=asset,
            version=version,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            user=request.user,
        )
    except ProjectsError as exc:
        # Back to where the decision was made, with the choice and comment kept and the error
        # shown next to that form (not a bare message at the top of another page).
        request.session[DECISION_ERROR_SESSION_KEY] = {
            "asset": asset.pk,
            "decision": form.cleaned_data["decision"],
            "comment": form.cleaned_data["comment"],
            "message": exc.message,
        }
        if request.POST.get("next") == "inbox":
            return redirect(reverse("projects:review_inbox") + f"#inbox-{asset.pk}")
    else:
        messages.success(request, f"{review.get_decision_display()}: version {version.number}.")
        next_url = request.POST.get("next")
        if next_url == "inbox":
            return redirect("projects:review_inbox")
    return _back(asset, version)


DECISION_ERROR_SESSION_KEY = "decision-error"


def decision_error_for(request: HttpRequest, asset_id: int | None = None) -> dict | None:
    """The refused decision kept for the page it returns to (once), for one asset or any."""
    kept = request.session.get(DECISION_ERROR_SESSION_KEY)
    if kept and (asset_id is None or kept.get("asset") == asset_id):
        return request.session.pop(DECISION_ERROR_SESSION_KEY)
    return None


@login_required
@require_POST
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit from a version: a new edit-mode generation whose first reference is that version."""
    asset = asset_get_for_user(pk=pk, user=request.user)
    form = EditFromVersionForm(request.POST)
    version = asset.versions.filter(pk=form.data.get("version") or 0).first()
    if not form.is_valid() or version is None:
        messages.error(request, "Write an instruction for the edit.")
        return _back(asset)
    original = version.generation
    try:
        generation_request(
            generation_input=GenerationInput(
                campaign_id=asset.campaign_id,
                mode=GenerationMode.EDIT,
                prompt=form.cleaned_data["instruction"],
                source_version_id=version.pk,
                size=f"{version.width}x{version.height}",
                provider=original.provider,
                watermark=bool(original.parameters.get("watermark", True)),
            ),
            user=request.user,
        )
    except ProjectsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Edit queued: the result becomes the next version of this asset.")
    return _back(asset, version)


@login_required
@require_POST
def version_reproduce(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    asset = asset_get_for_user(pk=pk, user=request.user)
    version = _version(asset, number)
    if version is None:
        raise Http404("No such version.")
    try:
        reproduction_request(version=version, user=request.user)
    except ProjectsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Reproducing version {version.number} from its stored payload.")
    return _back(asset, version)


@login_required
def asset_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side (and overlaid with a slider), and what changed in the request."""
    asset = asset_get_for_user(pk=pk, user=request.user)
    versions = list(asset.versions.all())
    if len(versions) < 2:
        return _back(asset)
    first = (request.GET.get("a") and _version(asset, request.GET["a"])) or versions[-2]
    second = (request.GET.get("b") and _version(asset, request.GET["b"])) or versions[-1]
    changes = payload_diff(
        first.generation.payload,
        second.generation.payload,
        providers=(first.generation.provider, second.generation.provider),
    )
    return render(
        request,
        "projects/asset_compare.html",
        {
            "asset": asset,
            "versions": versions,
            "first": first,
            "second": second,
            "changes": changes,
        },
    )


@login_required
def asset_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The asset page's live state (static/js/asset_live.js polls it and reloads on change)."""
    asset = asset_get_for_user(pk=pk, user=request.user)
    return JsonResponse(asset_live_state(asset=asset))
