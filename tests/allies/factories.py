"""factory_boy factories for the allies app: actors and what is recorded about them."""

import factory
from django.utils import timezone

from allies.models import (
    Actor,
    Affiliation,
    AllyAssessment,
    ContactDetail,
    EngagementPlan,
    Skill,
    SkillLevel,
    Tag,
)
from weft.vocabulary import ActorKind, AllyKind, ContactKind, Stance


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    coalition = factory.SubFactory("tests.coalitions.factories.CoalitionFactory")
    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = ActorKind.ORGANISATION


class OrganisationFactory(ActorFactory):
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = ActorKind.ORGANISATION


class PersonFactory(ActorFactory):
    name = factory.Sequence(lambda n: f"Person {n}")
    kind = ActorKind.PERSON


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    coalition = factory.SubFactory("tests.coalitions.factories.CoalitionFactory")
    name = factory.Sequence(lambda n: f"tag {n}")


class ContactDetailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactDetail

    actor = factory.SubFactory(PersonFactory)
    kind = ContactKind.EMAIL
    value = factory.Sequence(lambda n: f"person{n}@example.org")


class AllyAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllyAssessment

    actor = factory.SubFactory(ActorFactory)
    stance = Stance.NEUTRAL
    ally_kind = AllyKind.NATURAL
    influence = proximity = commitment = 3
    assessed_on = factory.LazyFunction(timezone.localdate)


class EngagementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementPlan

    actor = factory.SubFactory(ActorFactory)


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, coalition=factory.SelfAttribute("..person.coalition")
    )


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    coalition = factory.SubFactory("tests.coalitions.factories.CoalitionFactory")
    name = factory.Sequence(lambda n: f"Skill {n}")


class SkillLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillLevel

    actor = factory.SubFactory(PersonFactory)
    skill = factory.SubFactory(SkillFactory, coalition=factory.SelfAttribute("..actor.coalition"))
    level = 3
    assessed_on = factory.LazyFunction(timezone.localdate)
