"""Forms of the Produce pages."""

from django import forms

from coalitions.produce.models import ClimateDirection, GroupKind


# -- Produce: the weaver's forms for groups, seats, actions, wins and climate shifts. Each
# edit form carries the version it was opened on (hidden): a stale save is refused.
def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class WorkingGroupForm(_Versioned):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind")
    parent = forms.ModelChoiceField(
        label="Sits inside", queryset=None, required=False, empty_label="(no other group)"
    )
    purpose = forms.CharField(
        label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = GroupKind.choices
        self.fields["parent"].queryset = groups


class SeatForm(forms.Form):
    actor = forms.ModelChoiceField(label="Member", queryset=None)
    is_lead = forms.BooleanField(label="Leads the group", required=False)
    joined_on = forms.DateField(label="Joined on", required=False, widget=_date_input())
    left_on = forms.DateField(label="Left on", required=False, widget=_date_input())

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors


class ActionForm(_Versioned):
    title = forms.CharField(label="Title", max_length=200)
    is_convergence = forms.BooleanField(
        label="A moment of convergence (the whole network acts together)", required=False
    )
    starts_on = forms.DateField(label="Date", widget=_date_input())
    place = forms.CharField(label="Place", max_length=200, required=False)
    working_group = forms.ModelChoiceField(
        label="Working group", queryset=None, required=False, empty_label="(none)"
    )
    leaders = forms.ModelMultipleChoiceField(
        label="Led by",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    planned_turnout = forms.IntegerField(label="Planned turnout", min_value=0, required=False)
    actual_turnout = forms.IntegerField(label="Actual turnout", min_value=0, required=False)
    outcome = forms.CharField(
        label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, groups, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = groups
        self.fields["leaders"].queryset = actors


class WinForm(_Versioned):
    title = forms.CharField(label="Title", max_length=200)
    won_on = forms.DateField(label="Won on", widget=_date_input())
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actions = forms.ModelMultipleChoiceField(
        label="The actions that led to it",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions


class ClimateShiftForm(WinForm):
    won_on = None
    recorded_on = forms.DateField(label="Recorded on", widget=_date_input())
    direction = forms.ChoiceField(label="Direction")
    field_order = ["title", "recorded_on", "direction", "description", "actions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = ClimateDirection.choices
