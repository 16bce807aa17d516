from projects.models.campaigns import Campaign

__all__ = ["Campaign"]
