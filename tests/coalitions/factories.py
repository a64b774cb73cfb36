"""factory_boy factories for the coalitions app: the tenant and its workflow. Each makes a
valid row with the fewest arguments; a row that points at actors takes them from the same
coalition (the database refuses anything else)."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from coalitions.align.models import (
    Endorsement,
    FeedbackComment,
    FeedbackRound,
    HealthCheckAnswer,
    HealthCheckRound,
    Pillar,
    PillarProximity,
    Principle,
    Proposal,
    Signature,
    StatementVersion,
    Target,
    UnityStatement,
    Vote,
)
from coalitions.connect.models import Commitment, Introduction, Membership, PhaseMove
from coalitions.models import Coalition, Role, RoleName
from coalitions.produce.models import Action, ClimateShift, GroupMember, Win, WorkingGroup
from coalitions.reports.models import Report, ShareLink
from tests.allies.factories import ActorFactory, OrganisationFactory, PersonFactory
from weft.vocabulary import MemberPhase

SAME_COALITION = factory.SelfAttribute("..coalition")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")


class CoalitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coalition

    name = factory.Sequence(lambda n: f"Coalition {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    coalition = factory.SubFactory(CoalitionFactory)
    user = factory.SubFactory(UserFactory)
    role = RoleName.ORGANIZER
    granted_at = factory.LazyFunction(timezone.now)


# -- Connect


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    coalition = factory.SubFactory(CoalitionFactory)
    organisation = factory.SubFactory(OrganisationFactory, coalition=SAME_COALITION)
    phase = MemberPhase.CONNECT


class PhaseMoveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseMove

    membership = factory.SubFactory(MembershipFactory)
    to_phase = MemberPhase.CONNECT
    moved_at = factory.LazyFunction(timezone.now)


class IntroductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Introduction

    coalition = factory.SubFactory(CoalitionFactory)
    introduced = factory.SubFactory(ActorFactory, coalition=SAME_COALITION)
    introduced_to = factory.SubFactory(ActorFactory, coalition=SAME_COALITION)
    reason = "They work on the same street."
    introduced_on = factory.LazyFunction(timezone.localdate)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    membership = factory.SubFactory(MembershipFactory)
    kind = "hours"
    amount = 10


# -- Align


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    coalition = factory.SubFactory(CoalitionFactory)
    actor = factory.SubFactory(ActorFactory, coalition=SAME_COALITION, kind="official")


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    target = factory.SubFactory(TargetFactory)
    name = factory.Sequence(lambda n: f"Pillar {n}")
    sector = "business"


class PillarProximityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PillarProximity

    pillar = factory.SubFactory(PillarFactory)
    actor = factory.SubFactory(
        ActorFactory, coalition=factory.SelfAttribute("..pillar.target.coalition")
    )
    proximity = 3


class UnityStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnityStatement

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Unity statement {n}")


class StatementVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatementVersion

    statement = factory.SubFactory(UnityStatementFactory)
    number = 1
    body = "Homes for all.\n\nTogether."


class FeedbackRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackRound

    version = factory.SubFactory(StatementVersionFactory)
    opened_at = factory.LazyFunction(timezone.now)
    closes_at = factory.LazyAttribute(lambda r: r.opened_at + datetime.timedelta(days=7))


class FeedbackCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackComment

    round = factory.SubFactory(FeedbackRoundFactory)
    paragraph = 1
    body = "Agreed."


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    version = factory.SubFactory(StatementVersionFactory)
    organisation_name = factory.Sequence(lambda n: f"Signing organisation {n}")
    signer_name = "Amos Ndlovu"
    signer_email = "amos@example.org"


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Principle {n}")


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    principle = factory.SubFactory(PrincipleFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, coalition=factory.SelfAttribute("..principle.coalition")
    )
    endorsed_at = factory.LazyFunction(timezone.now)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    rule = "majority"
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    proposal = factory.SubFactory(ProposalFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, coalition=factory.SelfAttribute("..proposal.coalition")
    )
    designee = factory.SubFactory(
        PersonFactory, coalition=factory.SelfAttribute("..proposal.coalition")
    )
    choice = "agree"
    cast_at = factory.LazyFunction(timezone.now)


class HealthCheckRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthCheckRound

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Health check {n}")
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyAttribute(lambda r: r.opens_on + datetime.timedelta(days=7))


class HealthCheckAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthCheckAnswer

    round = factory.SubFactory(HealthCheckRoundFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, coalition=factory.SelfAttribute("..round.coalition")
    )
    purpose = participation = relationships = structures = coordination = 3
    answered_at = factory.LazyFunction(timezone.now)


# -- Produce


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    coalition = factory.SubFactory(CoalitionFactory)
    name = factory.Sequence(lambda n: f"Working group {n}")


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(WorkingGroupFactory)
    actor = factory.SubFactory(PersonFactory, coalition=factory.SelfAttribute("..group.coalition"))


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    starts_on = factory.LazyFunction(timezone.localdate)


class WinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Win

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Win {n}")
    won_on = factory.LazyFunction(timezone.localdate)


class ClimateShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClimateShift

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Climate shift {n}")
    recorded_on = factory.LazyFunction(timezone.localdate)


# -- Reports


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    coalition = factory.SubFactory(CoalitionFactory)
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 3, 31)


class ShareLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShareLink

    report = factory.SubFactory(ReportFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
