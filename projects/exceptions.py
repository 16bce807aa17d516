"""Domain errors of the campaign app. Pages turn them into form errors or messages."""

from __future__ import annotations


class ProjectsError(Exception):
    """Base class; `message` is fit to show a user, `field` names the form field when one fits."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class GenerationRefused(ProjectsError):
    """A generation request that breaks a rule (brand, pack, template, limits, budget)."""


class BudgetExceeded(GenerationRefused):
    """The request would take the campaign's spend past its budget."""


class InvalidTransition(ProjectsError):
    """A state change the transition table does not allow."""

    def __init__(self, current: str, target: str, *, what: str = "generation") -> None:
        article = "An" if what[:1].lower() in "aeiou" else "A"
        super().__init__(f"{article} {what} that is {current} cannot become {target}.")
        self.current = current
        self.target = target


class ReplacesApproved(ProjectsError):
    """Submitting an older version than the approved one: approving it would replace the approved
    version, so the submitter must confirm (and the audit log records that they did)."""
