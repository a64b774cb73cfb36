"""How a proposal is decided under its rule: a plain function of the votes cast."""

from coalitions.align.models import DecisionRule, ProposalOutcome


def decision_outcome(rule: str, counts: dict[str, int]) -> str:
    """The outcome of a proposal under its rule, from the votes cast (one per organisation).

    Consensus: adopted when at least one organisation agrees and none disagrees or blocks
    (abstaining is standing aside). Consent: adopted unless someone blocks (a paramount
    objection); disagreements are heard but do not stop it. Majority: adopted when more
    organisations agree than disagree or block; abstentions are not counted. With no vote
    cast, nothing is adopted."""

    agree = counts.get("agree", 0)
    disagree = counts.get("disagree", 0)
    block = counts.get("block", 0)
    if agree == 0 and rule != DecisionRule.CONSENT:
        return ProposalOutcome.REJECTED
    if rule == DecisionRule.CONSENSUS:
        adopted = disagree == 0 and block == 0
    elif rule == DecisionRule.CONSENT:
        adopted = block == 0 and sum(counts.values()) > 0
    else:
        adopted = agree > disagree + block
    return ProposalOutcome.ADOPTED if adopted else ProposalOutcome.REJECTED
