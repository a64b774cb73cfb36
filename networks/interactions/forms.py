"""The interaction form: it only validates (the rules are the service's, networks/services.py)
and carries the version it was opened on, so a stale save is refused."""

from django import forms

from networks.models import PARTICIPANT_ELSEWHERE
from weft.vocabulary import InteractionKind


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in InteractionKind if k != InteractionKind.SURVEY_REPORT]
    )
    occurred_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Who took part",
        help_text="Two or more actors of the coalition (Ctrl or ⌘ to choose several).",
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={"invalid_choice": PARTICIPANT_ELSEWHERE},
    )
    summary = forms.CharField(
        label="Notes",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up = forms.CharField(
        label="Follow-up",
        required=False,
        max_length=300,
        help_text="What to do next.",
    )
    follow_up_on = forms.DateField(
        label="Follow-up by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = actors
        # An interaction already logged keeps its kind, even one only surveys record.
        kind = self.initial.get("kind")
        if kind and kind not in dict(self.fields["kind"].choices):
            self.fields["kind"].choices = [*self.fields["kind"].choices, (kind, kind)]
