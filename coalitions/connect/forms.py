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
