"""API for bringing a map in and taking it out: imports (preview, then confirm), exports,
and the likely duplicates already in a coalition."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coalitions import roles
from coalitions.roles import Permission
from networks.transfer.api.serializers import (
    ActorMergeSerializer,
    CoalitionDuplicateSerializer,
    ExportQuerySerializer,
    ImportColumnsSerializer,
    ImportConfirmSerializer,
    ImportJobSerializer,
    ImportProblemSerializer,
    ImportUploadSerializer,
    MergePreviewSerializer,
    MergeRequestSerializer,
)
from networks.transfer.duplicates import coalition_duplicates
from networks.transfer.merge import actor_merge, actor_merge_preview, actor_merge_undo
from networks.transfer.models import ImportStatus
from networks.transfer.services import (
    EXPORT_FORMATS,
    coalition_export,
    import_columns,
    import_confirm,
    import_job_for,
    import_preview,
    max_file_bytes,
    require_importer,
)
from weft.drf import PageNumberPagination
from weft.errors import ApplicationError
from weft.parsers import JSONParser
from weft.streaming import attachment

ERRORS_413 = OpenApiResponse(description="The file is over the size limit")


class ImportListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer, 202: ImportJobSerializer, 413: ERRORS_413},
        summary="Upload a map file: previewed (nothing written) or, if large, queued",
    )
    def post(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        require_importer(access)
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
        job = import_preview(
            access=access,
            filename=uploaded.name or "upload",
            content=uploaded.read(),
            pin_positions=upload.validated_data["pin_positions"],
        )
        queued = job.status == ImportStatus.QUEUED
        return Response(
            ImportJobSerializer(job).data,
            status=status.HTTP_202_ACCEPTED if queued else status.HTTP_201_CREATED,
        )


class ImportDetailView(APIView):
    @extend_schema(responses={200: ImportJobSerializer}, summary="An import: status and preview")
    def get(self, request, coalition_id, import_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        require_importer(access)
        return Response(ImportJobSerializer(import_job_for(access, import_id)).data)


class ImportProblemsView(APIView):
    @extend_schema(
        responses={200: ImportProblemSerializer(many=True)},
        summary="An import's problems, a page at a time (errors first, then warnings)",
    )
    def get(self, request, coalition_id, import_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        require_importer(access)
        summary = import_job_for(access, import_id).summary or {}
        problems = [{**p, "kind": "error"} for p in summary.get("errors", [])] + [
            {**p, "kind": "warning"} for p in summary.get("warnings", [])
        ]
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(problems, request, view=self)
        return paginator.get_paginated_response(ImportProblemSerializer(page, many=True).data)


class ImportConfirmView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=ImportConfirmSerializer,
        responses={200: ImportJobSerializer, 202: ImportJobSerializer},
        summary="Apply a clean preview in one transaction (a large one on a worker: 202)",
    )
    def post(self, request, coalition_id, import_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        require_importer(access)
        body = ImportConfirmSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        job = import_confirm(
            access=access, job_id=import_id, decisions=body.validated_data.get("decisions")
        )
        # A large import is applied by a worker: "applying" until then (poll the job).
        applying = job.status == ImportStatus.APPLYING
        return Response(
            ImportJobSerializer(job).data,
            status=status.HTTP_202_ACCEPTED if applying else status.HTTP_200_OK,
        )


class ImportColumnsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=ImportColumnsSerializer,
        responses={200: ImportJobSerializer},
        summary="Map a CSV's columns to Weft's fields and preview it again",
    )
    def post(self, request, coalition_id, import_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        require_importer(access)
        body = ImportColumnsSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        job = import_columns(
            access=access, job_id=import_id, columns=body.validated_data["columns"]
        )
        return Response(ImportJobSerializer(job).data)


class FileFormatNegotiation(DefaultContentNegotiation):
    """``?format=`` names the export's file format here, not DRF's response renderer (which
    would answer 404 for "gexf"): errors are still rendered as JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportView(APIView):
    content_negotiation_class = FileFormatNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=list(EXPORT_FORMATS),
                description="xlsx (Kumu's layout), csv (a zip of two CSVs), json (Weft's "
                "own, complete), graphml or gexf (with the latest metrics, for Gephi).",
            ),
            OpenApiParameter(
                "view",
                OpenApiTypes.INT,
                description="A saved view's id: only the actors and ties its filters show.",
            ),
        ],
        responses={
            (200, content_type): OpenApiResponse(
                response=OpenApiTypes.OBJECT if extension == "json" else OpenApiTypes.BINARY,
                description="The file",
            )
            for _, content_type, extension in EXPORT_FORMATS.values()
        },
        summary="Export the coalition's map, filtered by your role (and audited)",
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        file_format = query.validated_data["format"]
        view_id = query.validated_data.get("view")
        chunks, content_type, extension = coalition_export(
            access=access, file_format=file_format, view_id=view_id
        )
        part = f"-view-{view_id}" if view_id else ""
        name = f"coalition-{access.coalition.pk}{part}-{timezone.localdate():%Y-%m-%d}.{extension}"
        return attachment(chunks, content_type=content_type, filename=name)


class DuplicatesView(APIView):
    @extend_schema(
        responses={200: CoalitionDuplicateSerializer(many=True)},
        summary="Likely duplicate actors in the coalition, best matches first",
    )
    def get(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
        return Response(CoalitionDuplicateSerializer(coalition_duplicates(access), many=True).data)


class MergePreviewView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=MergeRequestSerializer,
        responses={200: MergePreviewSerializer},
        summary="What merging two actors would move and drop (nothing is written)",
    )
    def post(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        body = MergeRequestSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        preview = actor_merge_preview(
            access=access,
            kept_id=body.validated_data["keep"],
            merged_id=body.validated_data["merge"],
        )
        return Response(MergePreviewSerializer(preview).data)


class MergeListView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=MergeRequestSerializer,
        responses={201: ActorMergeSerializer},
        summary="Merge two actors in one transaction (it can be undone)",
    )
    def post(self, request, coalition_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        body = MergeRequestSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        merge = actor_merge(
            access=access,
            kept_id=body.validated_data["keep"],
            merged_id=body.validated_data["merge"],
        )
        return Response(ActorMergeSerializer(merge).data, status=status.HTTP_201_CREATED)


class MergeUndoView(APIView):
    @extend_schema(request=None, responses={200: ActorMergeSerializer}, summary="Undo a merge")
    def post(self, request, coalition_id, merge_id):
        access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
        merge = actor_merge_undo(access=access, merge_id=merge_id)
        return Response(ActorMergeSerializer(merge).data)
