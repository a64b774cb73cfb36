"""Forms of the steward's pages and of accepting an invitation. They only read input; the
rules are the services'."""

from django import forms

from coalitions.models import AuditAction, RoleName
from coalitions.stewardship.services import INVITATION_DAYS


class ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, actor):
        return actor.name


class _LinkedActors(forms.Form):
    organisation = ActorChoiceField(
        queryset=None, required=False, empty_label="—", help_text="For members: who they speak for."
    )
    person = ActorChoiceField(
        queryset=None, required=False, empty_label="—", help_text="Who they are on the map."
    )

    def __init__(self, *args, organisations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["person"].queryset = people


class InvitationForm(_LinkedActors):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=RoleName.choices, initial=RoleName.ORGANIZER)
    days = forms.IntegerField(
        label="Open for (days)",
        min_value=INVITATION_DAYS[0],
        max_value=INVITATION_DAYS[1],
        initial=14,
    )
    field_order = ["email", "role", "organisation", "person", "days"]


class RoleForm(_LinkedActors):
    role = forms.ChoiceField(choices=RoleName.choices)
    field_order = ["role", "organisation", "person"]


class PrivacyForm(forms.Form):
    reports_small_count_threshold = forms.IntegerField(
        label="Smallest count shown",
        min_value=1,
        max_value=100,
        help_text='Counts below this are shown as "fewer than N" in funder reports.',
    )
    reports_show_organisation_names = forms.BooleanField(
        label="Funder reports name member organisations", required=False
    )
    require_two_factor = forms.BooleanField(
        label="Stewards and organizers must sign in with two factors",
        required=False,
        help_text="They see activists' personal data. Each is led through setting up an "
        "authenticator app at their next page.",
    )
    retain_contacts_days = forms.IntegerField(
        label="Contact details of people with no interaction, kept (days)",
        min_value=1,
        max_value=36500,
        required=False,
        help_text="Empty: kept for ever.",
    )
    retain_interaction_notes_days = forms.IntegerField(
        label="Interaction notes kept (days)",
        min_value=1,
        max_value=36500,
        required=False,
        help_text="Empty: kept for ever.",
    )
    retain_signatures_days = forms.IntegerField(
        label="Withdrawn or unconfirmed signatures kept (days)",
        min_value=1,
        max_value=36500,
        required=False,
        help_text="Empty: kept for ever.",
    )
    retain_invitations_days = forms.IntegerField(
        label="Closed invitations kept (days)",
        min_value=1,
        max_value=36500,
        required=False,
        help_text="Empty: kept for ever.",
    )
    retain_audit_days = forms.IntegerField(
        label="Audit log entries kept (days)",
        min_value=1,
        max_value=36500,
        required=False,
        help_text="Empty: kept for ever.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


RETENTION_FIELDS = (
    "retain_contacts_days",
    "retain_interaction_notes_days",
    "retain_signatures_days",
    "retain_invitations_days",
    "retain_audit_days",
)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="What", choices=[("", "Everything"), *AuditAction.choices], required=False
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class InvitedAccountForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What you sign in with.")
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="The password again", widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned


class ErasureForm(forms.Form):
    mode = forms.ChoiceField(
        label="What becomes of the actor on the map",
        choices=[
            ("pseudonymise", "Keep it under a pseudonym, with its ties"),
            ("remove", "Remove it and its ties"),
        ],
        initial="pseudonymise",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log (without the person's name): e.g. 'asked to be "
        "forgotten on 3 May'.",
    )
    confirmation = forms.CharField(
        label="Type the person's name to confirm",
        max_length=200,
        help_text="This cannot be undone: no restore brings any of it back.",
    )


class CoalitionDeletionForm(forms.Form):
    confirmation = forms.CharField(
        label="Type the coalition's name to confirm",
        max_length=200,
        help_text="This cannot be undone: no restore brings any of it back.",
    )
