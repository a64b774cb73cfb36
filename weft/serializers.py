"""Serializer building blocks. Serializers validate input and describe the schema; writes
are the services' (one per use case), which the views call with the validated data."""

from rest_framework import serializers

from weft.db import EDITABLE_FIELDS


class WeftModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer of an editable row: it shows the row's version, which a write sends
    back (If-Match, or ``version``) so that the service refuses a stale one."""

    version = serializers.IntegerField(
        read_only=True, help_text="Send it back as If-Match (or 'version') when you change this."
    )


# The fields an editable row's representation ends with (weft.db.EDITABLE_FIELDS).
EDITABLE_ROW_FIELDS = EDITABLE_FIELDS
