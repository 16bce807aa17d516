"""Values every page shows: the number of reviews waiting for the user."""

from __future__ import annotations

from django.http import HttpRequest

from projects.selectors import pending_review_count


def pending_reviews(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: counted only on pages whose template shows it.
    return {"pending_review_count": lambda: pending_review_count(user=user)}
