"""Forms of the Align pages (the public sign-on form, votes, health-check answers)."""

from django import forms

from coalitions.align.models import DecisionRule, VoteChoice
from weft.vocabulary import HealthArea, PillarSector


class SignOnForm(forms.Form):
    organisation_name = forms.CharField(label="Organisation", max_length=200)
    signer_name = forms.CharField(label="Your name", max_length=200)
    signer_title = forms.CharField(label="Your title or role", max_length=200, required=False)
    signer_email = forms.EmailField(
        label="Your email", help_text="We send the confirmation link here; it is never shown."
    )
    show_publicly = forms.BooleanField(
        label="List our organisation's name among the signatories", required=False, initial=True
    )
    authorised = forms.BooleanField(
        label="I am authorised to sign for this organisation", required=True
    )
    # The honeypot: hidden from people (CSS and aria-hidden), left empty by them.
    website = forms.CharField(label="Leave this empty", required=False)


class VoteForm(forms.Form):
    """A designee's vote for their organisation on an open proposal."""

    choice = forms.ChoiceField(label="Your organisation's vote", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = VoteChoice.choices


SCORES = [(n, str(n)) for n in range(1, 6)]


class HealthAnswerForm(forms.Form):
    """One organisation's scores in a health-check round: 1 (poor) to 5 (strong) on each of
    the five areas, and an optional comment."""

    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {
            area: forms.TypedChoiceField(
                label=label, choices=SCORES, coerce=int, widget=forms.RadioSelect
            )
            for area, label in HealthArea.choices
        }
        self.fields = {**scores, **self.fields}  # the five areas first, then the comment


class ProposalForm(forms.Form):
    """The weaver's edit of an undecided proposal, at the version it was opened on (a stale
    save is refused with who changed it)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="Title", max_length=200)
    text = forms.CharField(label="Text", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    rule = forms.ChoiceField(label="Decision rule", help_text="Only before anyone voted.")
    closes_at = forms.DateTimeField(
        label="Closes at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    review_by = forms.DateField(
        label="Review by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = DecisionRule.choices


# -- Targets and their pillars of support
class _ActorChoice(forms.ChoiceField):
    """An actor of the map, chosen from a list read once per page (``actors``: id → actor), so
    a page with a form per pillar reads the actors once, not once per form."""

    def __init__(self, *, actors: dict, **kwargs):
        self.actors = actors
        blank = [("", "—")] if not kwargs.get("required", True) else [("", "Choose an actor")]
        super().__init__(
            choices=blank + [(pk, actor.name) for pk, actor in actors.items()], **kwargs
        )

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        return self.actors[int(value)]

    def valid_value(self, value):
        return str(value).isdigit() and int(value) in self.actors


class _VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TargetForm(_VersionedForm):
    """A target: who (when it is added), the demand, whether it is the primary target."""

    actor = forms.Field()  # replaced in __init__
    demand = forms.CharField(
        label="Demand",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the coalition wants them to do.",
    )
    is_primary = forms.BooleanField(label="Primary target", required=False)

    def __init__(self, *args, actors: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if actors is None:  # editing: the target's actor stays
            del self.fields["actor"]
        else:
            self.fields["actor"] = _ActorChoice(actors=actors, label="Decision-maker")
            self.order_fields(["actor", "demand", "is_primary"])


class PillarForm(_VersionedForm):
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="The institution or group; left empty, the actor's name.",
    )
    actor = forms.Field()  # replaced in __init__
    sector = forms.ChoiceField(label="Sector", choices=PillarSector.choices)
    note = forms.CharField(
        label="Note", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, actors: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"] = _ActorChoice(
            actors=actors, required=False, label="Actor on the map (optional)"
        )
        self.order_fields(["name", "actor", "sector", "note"])


PROXIMITIES = [
    (1, "1 — far from it"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 — inside it"),
]


class ProximityForm(_VersionedForm):
    actor = forms.Field()  # replaced in __init__ (absent when editing: it stays)
    proximity = forms.TypedChoiceField(label="Proximity", choices=PROXIMITIES, coerce=int)
    note = forms.CharField(label="Note", required=False, max_length=2000)

    def __init__(self, *args, actors: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if actors is None:
            del self.fields["actor"]
        else:
            self.fields["actor"] = _ActorChoice(actors=actors, label="Actor")
            self.order_fields(["actor", "proximity", "note"])
