"""The actor form: it only validates (the rules are actor_update's) and carries the version it
was opened on, so a stale save is refused."""

import hashlib

from django import forms

from weft.vocabulary import ActorKind, ContactKind


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


# ---------------------------------------------------------------------------------------------
# Custom fields: the names the coalition's actors carry (imported from Kumu and the like, or
# added here), one text field each. A field's form name is a digest of its name, so a name
# another actor gains between opening the form and saving it moves no value to another name.

CUSTOM_PREFIX = "custom_"


def custom_field_name(name: str) -> str:
    return CUSTOM_PREFIX + hashlib.sha256(name.encode()).hexdigest()[:12]


def editable_value(value) -> bool:
    """Texts, numbers and yes/no are typed in a box; lists and objects an import brought are
    kept as they are."""
    return value is None or isinstance(value, str | int | float | bool)


class CustomFieldsForm(forms.Form):
    new_name = forms.CharField(
        required=False, max_length=80, label="New field", help_text="A name of your own."
    )
    new_value = forms.CharField(required=False, max_length=2000, label="Its value")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, names: list[str], values: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = [n for n in names if editable_value(values.get(n))]
        self.values = values
        custom = {}
        for name in self.names:
            value = values.get(name)
            custom[custom_field_name(name)] = forms.CharField(
                required=False,
                max_length=2000,
                label=name,
                initial="" if value is None else str(value),
            )
        # The named fields first, then the new one, then the version.
        self.fields = {**custom, **self.fields}

    def clean_new_name(self) -> str:
        name = self.cleaned_data["new_name"].strip()
        if name and name in self.values:
            raise forms.ValidationError("This actor has a field of this name: change it above.")
        return name

    def clean(self):
        data = super().clean()
        if data.get("new_value", "").strip() and not data.get("new_name"):
            self.add_error("new_name", "Name the field this value is for.")
        return data

    def custom_fields(self) -> dict:
        """The actor's custom fields after this form: a blank value removes the field from
        this actor; values the form does not show are kept."""
        result = dict(self.values)
        for name in self.names:
            value = self.cleaned_data[custom_field_name(name)].strip()
            if value:
                result[name] = value if value != str(self.values.get(name)) else self.values[name]
            else:
                result.pop(name, None)
        if self.cleaned_data.get("new_name") and self.cleaned_data["new_value"].strip():
            result[self.cleaned_data["new_name"]] = self.cleaned_data["new_value"].strip()
        return result


# ---------------------------------------------------------------------------------------------
# Contact details, skills and affiliations: one form per row, each carrying its version.
# They only validate: the rules are the services' (allies/services/).

LEVEL_WORDS = {1: " (beginner)", 5: " (can teach it)"}
DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ContactForm(forms.Form):
    kind = forms.ChoiceField(choices=ContactKind.choices)
    value = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    label = forms.CharField(max_length=80, required=False, help_text="e.g. work, mobile")
    is_primary = forms.BooleanField(required=False, label="Primary")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SkillLevelForm(forms.Form):
    skill = forms.CharField(
        max_length=120,
        help_text="A skill of the coalition; a new name becomes a new skill.",
        widget=forms.TextInput(attrs={"list": "coalition-skills", "autocomplete": "off"}),
    )
    level = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, f"{n}{LEVEL_WORDS.get(n, '')}") for n in range(1, 6)],
        initial=3,
    )
    assessed_on = forms.DateField(label="Seen on", **DATE)
    note = forms.CharField(max_length=300, required=False)


class AffiliationForm(forms.Form):
    other = forms.ModelChoiceField(queryset=None)
    role_title = forms.CharField(max_length=120, required=False, label="Role")
    is_lead = forms.BooleanField(required=False, label="A lead role")
    started_on = forms.DateField(required=False, label="Started", **DATE)
    ended_on = forms.DateField(required=False, label="Ended", **DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, others, person_side: bool, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["other"]
        field.queryset = others
        if choices is not None:
            # The choices another form of the page already read: one query for the page's
            # selects, not one per affiliation (validation still looks in ``others``).
            field.choices = choices
        # The actor is a person: the other end is an organisation; else a person.
        field.label = "Organisation" if person_side else "Person"
        field.error_messages["invalid_choice"] = (
            f"Choose {'an organisation, group or institution' if person_side else 'a person'} "
            "of this coalition's map."
        )


class SkillForm(forms.Form):
    """A skill of the coalition's list: its name and what it covers. ``seen`` is the latest
    change of the skill the form was opened on (skill_update refuses a stale one)."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    seen = forms.IntegerField(required=False, widget=forms.HiddenInput)
