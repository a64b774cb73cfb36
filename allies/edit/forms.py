"""The actor form: it only validates (the rules are actor_update's) and carries the version it
was opened on, so a stale save is refused."""

from django import forms

from weft.vocabulary import ActorKind


class ActorForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in ActorKind])
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    tags = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Separated by commas; a new name becomes a new tag of the coalition.",
        widget=forms.TextInput(attrs={"list": "coalition-tags", "autocomplete": "off"}),
    )
    is_sensitive = forms.BooleanField(
        required=False, label="Sensitive (only organizers and stewards see it)"
    )
    is_directly_affected = forms.BooleanField(
        required=False, label="Directly affected by the issue"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sees_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_sensitive:
            # A role that may not see sensitive actors cannot mark one either.
            del self.fields["is_sensitive"]

    def clean_tags(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["tags"].split(",")]
        too_long = [name for name in names if len(name) > 80]
        if too_long:
            raise forms.ValidationError(f"A tag is at most 80 characters: “{too_long[0][:80]}…”.")
        return [name for name in names if name]
