from projects.models.campaigns import Campaign
from projects.models.generations import Generation, GenerationAttempt, GenerationBatch
from projects.models.outputs import Asset, AssetVersion

__all__ = [
    "Asset",
    "AssetVersion",
    "Campaign",
    "Generation",
    "GenerationAttempt",
    "GenerationBatch",
]
