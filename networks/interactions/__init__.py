"""Interactions logged in the browser: the form (kind, date, participants from the map,
notes), an actor's list, edit and delete. The evidence relationship strength is computed from
at the next metric run."""
