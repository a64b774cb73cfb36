"""What services share: a change applied to a row the service has locked at the version the
change was made on, saved with who made it (the row's history keeps it), and a deletion that
history records the same way."""

from weft.versions import require_version


def locked(instance):
    """``instance``'s row again, locked for the rest of the transaction: two writers queue
    here, and the second sees the first's change."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def locked_at(instance, expected_version, *, what: str):
    """``instance``'s row again, locked, if it is still at ``expected_version``
    (weft/versions.py): a stale change is refused, never applied over a newer one."""
    row = locked(instance)
    if hasattr(row, "version"):
        require_version(row, expected_version, what=what)
    return row


def apply_changes(instance, changes: dict, *, user, reason: str | None = None):
    """Set ``changes`` (model fields; many-to-many fields as lists) and save, recording
    ``user`` (and ``reason``) in the row's history. Editable rows move to their next version."""
    many = {
        name: changes.pop(name)
        for name in list(changes)
        if instance._meta.get_field(name).many_to_many
    }
    for name, value in changes.items():
        setattr(instance, name, value)
    save_as(instance, user=user, reason=reason)
    for name, values in many.items():
        getattr(instance, name).set(values)
    return instance


def _for_history(instance, user, reason: str | None) -> None:
    """Who makes the change (and why), as django-simple-history reads them off the row."""
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    if reason:
        instance._change_reason = reason


def save_as(instance, *, user, reason: str | None = None, **kwargs):
    """Save, with who made the change (and why) in the row's history."""
    _for_history(instance, user, reason)
    instance.save(**kwargs)
    return instance


def delete_as(instance, *, user, reason: str | None = None) -> None:
    """Delete, with who deleted it (and why) in the row's history."""
    _for_history(instance, user, reason)
    instance.delete()
