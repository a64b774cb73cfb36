from django.urls import path

from allies.edit.skills import coalition_skill_change, coalition_skill_undo, coalition_skills
from allies.edit.views import (
    actor_affiliation_add,
    actor_affiliation_change,
    actor_contact_add,
    actor_contact_change,
    actor_custom_fields,
    actor_edit,
    actor_record_undo,
    actor_skill_add,
)

ACTOR = "coalitions/<int:coalition_id>/actors/<int:actor_id>/"
SKILLS = "coalitions/<int:coalition_id>/skills/"

urlpatterns = [
    path(ACTOR + "edit/", actor_edit, name="actor-edit"),
    path(ACTOR + "edit/fields/", actor_custom_fields, name="actor-custom-fields"),
    path(ACTOR + "edit/contacts/", actor_contact_add, name="actor-contact-add"),
    path(
        ACTOR + "edit/contacts/<int:detail_id>/",
        actor_contact_change,
        name="actor-contact-change",
    ),
    path(ACTOR + "edit/skills/", actor_skill_add, name="actor-skill-add"),
    path(ACTOR + "edit/affiliations/", actor_affiliation_add, name="actor-affiliation-add"),
    path(
        ACTOR + "edit/affiliations/<int:affiliation_id>/",
        actor_affiliation_change,
        name="actor-affiliation-change",
    ),
    path(ACTOR + "edit/undo/", actor_record_undo, name="actor-record-undo"),
    path(SKILLS, coalition_skills, name="coalition-skills"),
    path(SKILLS + "<int:skill_id>/", coalition_skill_change, name="coalition-skill-change"),
    path(SKILLS + "undo/", coalition_skill_undo, name="coalition-skill-undo"),
]
