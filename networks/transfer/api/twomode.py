"""API for two-mode (affiliation) files: ``…/imports/affiliations/`` (networks/transfer/twomode.py).
Organizers, weavers and stewards; 201 with what was created, 400 naming the row otherwise."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coalitions import roles
from coalitions.roles import Permission
from networks.transfer.api.serializers import ImportUploadSerializer
from networks.transfer.services import max_file_bytes
from networks.transfer.twomode import affiliations_import
from weft.errors import ApplicationError

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
        uploaded = upload.validated_data["file"]
        if uploaded.size > max_file_bytes():
            raise ApplicationError(
                f"The file is over the limit of {max_file_bytes() // 1048576} MB.",
                field="file",
                status=413,
                code="too_large",
            )
        created = affiliations_import(access=access, data=uploaded.read())
        return Response(created, status=status.HTTP_201_CREATED)
