from projects.models.approvals import ApprovalStep, Review, ReviewOutcome
from projects.models.campaigns import Campaign
from projects.models.generations import Generation, GenerationAttempt, GenerationBatch
from projects.models.outputs import Asset, AssetVersion, ImmutableVersionError
from projects.models.posters import VersionPoster
from projects.models.reproductions import Reproduction
from projects.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApprovalStep",
    "Asset",
    "AssetVersion",
    "Campaign",
    "Generation",
    "GenerationAttempt",
    "GenerationBatch",
    "ImmutableVersionError",
    "Reproduction",
    "Review",
    "ReviewOutcome",
    "VersionPoster",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
