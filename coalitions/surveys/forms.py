from django import forms

from coalitions.surveys.models import QuestionKind
from coalitions.surveys.templates import TEMPLATE_CHOICES


class RoundForm(forms.Form):
    title = forms.CharField(max_length=200)
    opens_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    message = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to respondents above the questions and in the email.",
    )
    reminder_every_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=60,
        initial=3,
        label="Remind every (days)",
        help_text="Respondents who have not answered get a reminder; 0: never.",
    )
    template = forms.ChoiceField(choices=TEMPLATE_CHOICES, required=False, initial="classic")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(choices=QuestionKind.choices)
    text = forms.CharField(max_length=500)
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For choice questions: one choice a line.",
    )
    required = forms.BooleanField(required=False)


class RespondentForm(forms.Form):
    organisation = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    person = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    email = forms.EmailField(
        required=False, help_text="Leave empty to use the email on the map (the designee's)."
    )

    def __init__(self, *args, organisations=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "—")] + [(a.pk, a.name) for a in organisations]
        self.fields["person"].choices = [("", "—")] + [(a.pk, a.name) for a in people]
