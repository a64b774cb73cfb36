"""The strength settings form (stewards): it only reads input; the rules are the service's
(networks/metrics/services.py, strength_settings_update) and networks/graph/strength.py's."""

from django import forms

from networks.graph.strength import (
    DEFAULT_CO_AFFILIATION_WEIGHT,
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_WEIGHTS,
    MAX_HALF_LIFE_DAYS,
    MAX_WEIGHT,
    StrengthSettings,
)
from weft.vocabulary import InteractionKind


def _weight_field(label: str, default: float) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=MAX_WEIGHT,
        help_text=f"0 to {MAX_WEIGHT:g}; 0: not evidence at all. Default {default:g}.",
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )


class StrengthSettingsForm(forms.Form):
    half_life_days = forms.FloatField(
        label="Half-life of an interaction's weight (days)",
        min_value=1,
        max_value=MAX_HALF_LIFE_DAYS,
        help_text=f"After this many days an interaction counts half as much. Default "
        f"{DEFAULT_HALF_LIFE_DAYS:g}.",
    )
    co_affiliation_weight = _weight_field(
        "A shared organisation, board or group", DEFAULT_CO_AFFILIATION_WEIGHT
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in InteractionKind:
            self.fields[f"weight_{kind.value}"] = _weight_field(
                kind.label, DEFAULT_WEIGHTS[kind.value]
            )
        self.order_fields(["half_life_days", *(f"weight_{kind.value}" for kind in InteractionKind)])

    @staticmethod
    def initial_from(overrides: dict, version: int) -> dict:
        """The form's values for a coalition's ``strength_settings`` (defaults filled in)."""
        current = StrengthSettings.from_overrides(overrides)
        half_life = current.half_life_days
        return {
            "half_life_days": int(half_life) if half_life.is_integer() else half_life,
            "co_affiliation_weight": current.co_affiliation_weight,
            **{f"weight_{kind}": weight for kind, weight in current.weights.items()},
            "version": version,
        }

    def settings(self) -> dict:
        """The cleaned values as ``Coalition.strength_settings``."""
        data = self.cleaned_data
        return {
            "half_life_days": data["half_life_days"],
            "co_affiliation_weight": data["co_affiliation_weight"],
            "weights": {kind.value: data[f"weight_{kind.value}"] for kind in InteractionKind},
        }
