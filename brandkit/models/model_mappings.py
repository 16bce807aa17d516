"""A brand's mapping of a model id the model table does not hold to one it does."""

from __future__ import annotations

from django.db import models

from brandkit.models.base import TimeStampedModel


def table_model_choices() -> list[tuple[str, str]]:
    """The model table's entries, read when the form is built (no migration per new model)."""
    from projects.providers.catalog import all_models

    return [(model.id, f"{model.label} ({model.id})") for model in all_models()]


class ModelMapping(TimeStampedModel):
    """`model_id` (a ModelArk endpoint id `ep-...`, a build newer than the table) is sent as
    is, with the rules, prices and timeouts of the table's `maps_to`. Set by a brand admin; the
    setting BRANDKIT_MODEL_MAP does the same for every brand."""

    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.CASCADE, related_name="model_mappings"
    )
    model_id = models.CharField(
        max_length=120, help_text="The id sent to the provider, e.g. ep-20261201-abcd."
    )
    maps_to = models.CharField(
        max_length=120,
        choices=table_model_choices,
        help_text="The model of the table whose limits, prices and timeouts it gets.",
    )

    class Meta:
        ordering = ["model_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "model_id"], name="brandkit_model_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_id} → {self.maps_to}"
