from brandkit.models.audit import AuditEvent
from brandkit.models.brands import Brand, BrandColor, BrandFont, BrandLogo, Membership
from brandkit.models.model_mappings import ModelMapping
from brandkit.models.poster_templates import PosterTemplate, TemplateTextSlot
from brandkit.models.provider_credentials import BrandProviderCredential
from brandkit.models.reference_packs import MAX_IMAGES_PER_PACK, ReferenceImage, ReferencePack

__all__ = [
    "MAX_IMAGES_PER_PACK",
    "AuditEvent",
    "Brand",
    "BrandColor",
    "BrandFont",
    "BrandLogo",
    "BrandProviderCredential",
    "Membership",
    "ModelMapping",
    "PosterTemplate",
    "ReferenceImage",
    "ReferencePack",
    "TemplateTextSlot",
]
