from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Campaigns, generations, versioned outputs and reviews, built on the brand library."""

    name = "projects"
    verbose_name = "Campaigns"
