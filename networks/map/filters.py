"""The map's filters: one parser for the API, the pages and saved views; a wrong value is a
ValidationError naming the parameter."""

import datetime
from dataclasses import dataclass

from rest_framework import serializers

from networks.map.models import MapLayout
from weft.vocabulary import ActorKind, AllyKind, Stance


@dataclass(frozen=True)
class MapFilters:
    stances: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    ally_kind: str | None = None
    tag: str | None = None
    working_group: int | None = None
    min_strength: int | None = None
    as_of: datetime.date | None = None
    layout: str = "force"
    inferred: bool = False  # draw inferred relationships (interactions, no declared tie)

    @property
    def narrows_actors(self) -> bool:
        return bool(self.stances or self.kinds or self.ally_kind or self.tag or self.working_group)


class MapQuerySerializer(serializers.Serializer):
    """The map's filters; a wrong value is a 400 naming the parameter."""

    stance = serializers.ListField(
        child=serializers.ChoiceField(choices=Stance.choices), required=False
    )
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=ActorKind.choices), required=False
    )
    ally_kind = serializers.ChoiceField(choices=AllyKind.choices, required=False)
    tag = serializers.CharField(required=False, max_length=80)
    working_group = serializers.IntegerField(required=False, min_value=1)
    min_strength = serializers.IntegerField(required=False, min_value=1, max_value=5)
    as_of = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    layout = serializers.ChoiceField(
        choices=MapLayout.choices,
        required=False,
        help_text="force: the stored force-directed positions; power: stance across, influence up.",
    )
    inferred = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Include inferred relationships: actors who interacted but have no declared "
        "tie (off by default; the payload's inferred_count says how many there are).",
    )


def filters_query(filters: dict):
    """A saved view's filters (a JSON object: a value or a list of values per parameter) as
    the query string the map takes."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, given in filters.items():
        for item in given if isinstance(given, list) else [given]:
            query.appendlist(key, str(item))
    return query


def map_filters_from(query_params) -> MapFilters:
    """The map's filters from a query string (the API's and the pages'); a wrong value raises
    a ValidationError naming the parameter."""
    query = MapQuerySerializer(
        data={
            **{k: v for k, v in query_params.items() if k not in ("stance", "kind") and v != ""},
            **{k: query_params.getlist(k) for k in ("stance", "kind") if k in query_params},
        }
    )
    query.is_valid(raise_exception=True)
    params = query.validated_data
    return MapFilters(
        stances=tuple(params.get("stance", ())),
        kinds=tuple(params.get("kind", ())),
        ally_kind=params.get("ally_kind"),
        tag=params.get("tag"),
        working_group=params.get("working_group"),
        min_strength=params.get("min_strength"),
        as_of=params.get("as_of"),
        layout=params.get("layout", MapLayout.FORCE),
        inferred=params.get("inferred", False),
    )
