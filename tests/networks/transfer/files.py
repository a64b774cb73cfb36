"""Files for the import and export tests, made the way a person (or Kumu) would make them."""

import io
import zipfile

from openpyxl import Workbook

KUMU_ELEMENTS = [
    ["Label", "Type", "Description", "Tags", "ID", "Stance", "Website"],
    [
        "Tenants Union of Riverside",
        "Org",
        "Renters organising",
        "housing|renters",
        "k1",
        "Active ally",
        "tu.example",
    ],
    ["Maria Lopez", "Individual", "", "", "k2", "", ""],
    [
        "Housing Department",
        "Agency",
        "The city's housing office",
        "city",
        "k3",
        "passive opposition",
        "",
    ],
    ["Faith Leaders Network", "Group", "", "faith", "", "", ""],
]
KUMU_CONNECTIONS = [
    ["From", "To", "Type", "Direction", "Strength", "Description", "Tags"],
    ["Maria Lopez", "Tenants Union of Riverside", "Member of", "directed", 4, "", ""],
    [
        "Tenants Union of Riverside",
        "Housing Department",
        "Conflict",
        "",
        "",
        "Rent freeze fight",
        "",
    ],
    ["k2", "Faith Leaders Network", "", "mutual", 2, "", ""],
]


def xlsx(
    elements=KUMU_ELEMENTS, connections=KUMU_CONNECTIONS, *, names=("Elements", "Connections")
):
    workbook = Workbook()
    first = workbook.active
    first.title = names[0]
    for row in elements:
        first.append(row)
    if connections is not None:
        second = workbook.create_sheet(names[1])
        for row in connections:
            second.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    lines = [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def zip_bomb() -> bytes:
    """An XLSX-looking zip whose one member unpacks to 20 MB of zeros.."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(20):
                member.write(chunk)
    return buffer.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<graph edgedefault="undirected"><node id="a"><data key="label">&lol3;</data></node></graph>
</graphml>"""


class Multipart:
    """A multipart body for the permission matrix (which otherwise sends JSON)."""

    BOUNDARY = "weft-boundary"

    def __init__(self, **files: tuple[str, bytes]):
        self.files = files

    def encode(self) -> tuple[bytes, str]:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test.client import encode_multipart

        fields = {key: SimpleUploadedFile(name, data) for key, (name, data) in self.files.items()}
        return (
            encode_multipart(self.BOUNDARY, fields),
            f"multipart/form-data; boundary={self.BOUNDARY}",
        )


TRANSFER_ROUTES = (
    "api-imports",
    "api-import",
    "api-import-problems",
    "api-import-confirm",
    "api-import-columns",
    "api-export",
    "api-duplicates",
    "api-merges",
    "api-merge-preview",
    "api-merge-undo",
)


def transfer_request(route: str, coalition, user):
    """URL and body of a valid request to an import/export route, for the permission matrix."""
    from django.urls import reverse

    from networks.transfer.models import ImportJob, ImportStatus
    from networks.transfer.services import empty_summary

    kwargs = {"coalition_id": coalition.pk}
    if route == "api-import-columns":
        job, _ = ImportJob.objects.get_or_create(
            coalition=coalition,
            filename="matrix.csv",
            defaults={
                "created_by": user,
                "file_format": "csv",
                "content": csv_bytes([["Organisation", "Kind"], ["Alpha", "Org"]]),
                "status": ImportStatus.PREVIEWED,
                "summary": empty_summary([]),
            },
        )
        kwargs["import_id"] = job.pk
        return reverse(route, kwargs=kwargs), {"columns": {"Organisation": "Label"}}
    if route in ("api-import", "api-import-problems", "api-import-confirm"):
        job, _ = ImportJob.objects.get_or_create(
            coalition=coalition,
            filename="matrix.xlsx",
            defaults={
                "created_by": user,
                "file_format": "xlsx",
                "content": xlsx(),
                "status": ImportStatus.PREVIEWED,
                "summary": empty_summary([]),
            },
        )
        kwargs["import_id"] = job.pk
    if route in ("api-merges", "api-merge-preview", "api-merge-undo"):
        from allies.models import Actor

        keep, merge = (
            Actor.objects.get_or_create(coalition=coalition, name=name, kind="group")[0].pk
            for name in ((route, route + " again"))
        )
        if route != "api-merge-undo":
            return reverse(route, kwargs=kwargs), {"keep": keep, "merge": merge}
        from coalitions import roles
        from networks.transfer.merge import actor_merge

        merged = actor_merge(
            access=roles.access_for(user, coalition.pk), kept_id=keep, merged_id=merge
        )
        kwargs["merge_id"] = merged.pk
        return reverse(route, kwargs=kwargs), {}
    if route == "api-imports":
        return reverse(route, kwargs=kwargs), Multipart(file=("map.xlsx", xlsx()))
    return reverse(route, kwargs=kwargs), {}
