"""API for two-mode (affiliation) files: ``…/imports/affiliations/`` (networks/transfer/twomode.py).
Organizers, weavers and stewards; 201 with what was created, 400 naming the rows otherwise.
The import page's second upload calls the same service (networks/transfer/views.py)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coalitions import roles
from coalitions.roles import Permission
from networks.transfer.api.serializers import ImportUploadSerializer
from networks.transfer.twomode import affiliations_import_upload

Created = inline_serializer(
    "AffiliationImport",
    {
        "people": serializers.IntegerField(),
        "groups": serializers.IntegerField(),
        "affiliations": serializers.IntegerField(),
    },
)


class AffiliationImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: Created},
        summary="Bring a two-mode file in: people, the groups they share, their affiliations",
    )
    def post(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        created = affiliations_import_upload(access=access, uploaded=upload.validated_data["file"])
        return Response(created, status=status.HTTP_201_CREATED)
