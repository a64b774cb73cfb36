"""QuerySets for coalitions and roles."""

from django.db import models
from django.db.models import OuterRef, Subquery


class CoalitionQuerySet(models.QuerySet):
    def for_user(self, user) -> "CoalitionQuerySet":
        """The coalitions where ``user`` holds a current role (annotated as ``user_role``):
        the only coalitions that exist for them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        roles = self.model._meta.get_field("roles").related_model
        current = roles.objects.filter(coalition=OuterRef("pk"), user=user, revoked_at__isnull=True)
        return self.annotate(user_role=Subquery(current.values("role")[:1])).filter(
            user_role__isnull=False
        )


class RoleQuerySet(models.QuerySet):
    def current(self) -> "RoleQuerySet":
        return self.filter(revoked_at__isnull=True)
