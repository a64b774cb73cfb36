"""factory_boy factories for the networks app: ties, interactions, and what is computed and
kept about the map (positions, metric runs, suggestions, saved views, imports, merges)."""

import factory
from django.utils import timezone

from networks.map.models import SavedView, Story, StoryLink
from networks.metrics.models import ActorMetric, MetricRun
from networks.models import ActorPosition, Interaction, InteractionParticipant, Suggestion, Tie
from networks.transfer.models import ActorMerge, ImportJob
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import CoalitionFactory
from weft.vocabulary import InteractionKind

SAME_COALITION = factory.SelfAttribute("..coalition")


class TieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tie

    coalition = factory.SubFactory(CoalitionFactory)
    source = factory.SubFactory(ActorFactory, coalition=SAME_COALITION)
    target = factory.SubFactory(ActorFactory, coalition=SAME_COALITION)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    coalition = factory.SubFactory(CoalitionFactory)
    kind = InteractionKind.ONE_TO_ONE
    occurred_on = factory.LazyFunction(timezone.localdate)


class InteractionParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InteractionParticipant

    interaction = factory.SubFactory(InteractionFactory)
    actor = factory.SubFactory(
        ActorFactory, coalition=factory.SelfAttribute("..interaction.coalition")
    )


class ActorPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorPosition

    actor = factory.SubFactory(ActorFactory)
    x = 0.0
    y = 0.0


class MetricRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricRun

    coalition = factory.SubFactory(CoalitionFactory)
    input_hash = factory.Sequence(lambda n: f"{n:064x}")
    computed_for = factory.LazyFunction(timezone.localdate)


class ActorMetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorMetric

    run = factory.SubFactory(MetricRunFactory)
    actor = factory.SubFactory(ActorFactory, coalition=factory.SelfAttribute("..run.coalition"))


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    run = factory.SubFactory(MetricRunFactory)
    coalition = factory.SelfAttribute("run.coalition")
    kind = "introduction"
    actor = factory.SubFactory(ActorFactory, coalition=SAME_COALITION)
    score = 0.5
    reason = "They share a working group."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A pair is stored lower id first (networks_suggestion_pair_ordered).
        actor, other = kwargs.get("actor"), kwargs.get("other")
        if actor is not None and other is not None and other.pk < actor.pk:
            kwargs["actor"], kwargs["other"] = other, actor
        return super()._create(model_class, *args, **kwargs)


class SavedViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedView

    coalition = factory.SubFactory(CoalitionFactory)
    name = factory.Sequence(lambda n: f"View {n}")


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Story {n}")
    steps = factory.LazyFunction(
        lambda: [{"key": "a1b2c3d4e5f6", "caption": "Where we start", "camera": {}}]
    )


class StoryLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoryLink

    story = factory.SubFactory(StoryFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(
        lambda: (
            __import__("django.utils.timezone").utils.timezone.now()
            + __import__("datetime").timedelta(days=3)
        )
    )


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    coalition = factory.SubFactory(CoalitionFactory)
    filename = "map.xlsx"


class ActorMergeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorMerge

    coalition = factory.SubFactory(CoalitionFactory)
    kept = factory.SubFactory(ActorFactory, coalition=SAME_COALITION)
    merged_actor_id = factory.Sequence(lambda n: 10_000_000 + n)
    merged_name = "Merged actor"
