"""Forms of the coalition's pages. The public sign-on form carries a honeypot field that a
person never sees and a bot fills in."""

from django import forms


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


class VoteForm(forms.Form):
    """A designee's vote for their organisation on an open proposal."""

    choice = forms.ChoiceField(label="Your organisation's vote", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        from .models import VoteChoice

        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = VoteChoice.choices


SCORES = [(n, str(n)) for n in range(1, 6)]


class HealthAnswerForm(forms.Form):
    """One organisation's scores in a health-check round: 1 (poor) to 5 (strong) on each of
    the five areas, and an optional comment."""

    purpose = forms.TypedChoiceField(
        label="Purpose and principles", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    participation = forms.TypedChoiceField(
        label="Participation", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    relationships = forms.TypedChoiceField(
        label="Relationships and trust", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    structures = forms.TypedChoiceField(
        label="Structures and agreements", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    coordination = forms.TypedChoiceField(
        label="Coordination", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Comment (optional)", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
