from weft.apps import FeaturePackagesConfig


class NetworksConfig(FeaturePackagesConfig):
    """The relationships (ties, interactions) and what is computed and drawn from them."""

    default = True
    name = "networks"
    feature_packages = ("graph", "metrics", "map", "dashboard", "transfer", "comments")
