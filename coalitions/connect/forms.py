"""Forms of the Connect pages."""

from django import forms


class IntroductionForm(forms.Form):
    introduced = forms.TypedChoiceField(label="Introduce", coerce=int)
    introduced_to = forms.TypedChoiceField(label="to", coerce=int)
    reason = forms.CharField(label="because", widget=forms.Textarea(attrs={"rows": 2}))
    introduced_on = forms.DateField(label="On", widget=forms.DateInput(attrs={"type": "date"}))
    follow_up_on = forms.DateField(
        label="Follow up on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actors=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(actor.pk, actor.name) for actor in actors]
        self.fields["introduced"].choices = choices
        self.fields["introduced_to"].choices = choices


# -- Memberships: the forms validate input only; the rules are the services' (an organisation
# of this coalition, not yet a member; a designee who is a person of it), so a tampered choice
# is refused by the service next to its field, as the API refuses it.
class ProspectForm(forms.Form):
    organisation = forms.IntegerField(
        label="Organisation",
        widget=forms.Select,
        help_text="An organisation, group or institution on the map that is not on the pipeline.",
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.choices = [("", "Choose an organisation")] + [
            (actor.pk, actor.name) for actor in organisations
        ]


class MembershipForm(forms.Form):
    designee = forms.IntegerField(
        label="Designee",
        required=False,
        widget=forms.Select,
        help_text="The person who speaks and votes for the organisation in the coalition.",
    )
    brings = forms.CharField(
        label="What it brings", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    gets = forms.CharField(
        label="What it gets", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phase_notes = forms.CharField(
        label="Notes on its phase",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is next for it, what holds it back.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designee"].widget.choices = [("", "No designee")] + [
            (person.pk, person.name) for person in people
        ]


class CommitmentForm(forms.Form):
    """One commitment: a new one (no version) or a change of one (with the version shown)."""

    KEPT_CHOICES = [("", "Not known yet"), ("yes", "Kept"), ("no", "Not kept")]

    kind = forms.ChoiceField(label="Kind")
    amount = forms.DecimalField(label="Amount", max_digits=12, decimal_places=2)
    description = forms.CharField(label="What", max_length=300, required=False)
    due_on = forms.DateField(
        label="Due on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kept = forms.TypedChoiceField(
        label="Kept?",
        choices=KEPT_CHOICES,
        required=False,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
