from weft.apps import FeaturePackagesConfig


class CoalitionsConfig(FeaturePackagesConfig):
    """The tenant (the coalition, its roles, audit log and privacy policy) and its workflow."""

    default = True
    name = "coalitions"
    feature_packages = (
        "stewardship",
        "connect",
        "align",
        "produce",
        "reports",
        "activity",
        "home",
        "surveys",
        "notifications",
    )

    def ready(self):
        super().ready()
        # The Celery app, configured from settings before any task is queued (shared tasks
        # bind to the current app when they are first called). Not in weft/__init__.py: see
        # there why.
        #
        # A session's "last seen" is noted at sign-in: the receiver is connected here, not
        # only when the middleware is first built (at the first request), so a sign-in before
        # any request (a test client's force_login, a shell) is noted too.
        import coalitions.stewardship.middleware  # noqa: F401
        import weft.celery  # noqa: F401
