"""The import page's second upload: people and the groups they belong to (a two-mode file),
through the same service as ``POST …/imports/affiliations/``. Editors only; a refusal names
the rows (or what is wrong with the file) next to the upload, and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allies.models import Actor, Affiliation
from tests.allies.factories import ActorFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db

BOARDS = (
    b"Person,Board\nAna Silva,Riverside Trust\nBen Okafor,Riverside Trust\nAna Silva,Food Bank\n"
)


def url(coalition):
    return f"/coalitions/{coalition.pk}/import/affiliations/"


def upload(client, coalition, data: bytes, name="boards.csv", **kwargs):
    return client.post(url(coalition), {"file": SimpleUploadedFile(name, data)}, **kwargs)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("steward", 302),
        ("organizer", 302),
        ("weaver", 302),
        ("member", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_only_editors_import_people_and_groups(client_for, coalition, persona, status):
    assert upload(client_for(persona), coalition, BOARDS).status_code == status
    assert Affiliation.objects.filter(person__coalition=coalition).exists() == (status == 302)


def test_the_import_page_offers_the_second_kind_of_upload(client_for, coalition):
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/import/").content.decode()
    assert "People and the groups they belong to" in html and 'id="affiliations-form"' in html


def test_a_weaver_imports_a_list_and_sees_what_was_created(client_for, coalition):
    ActorFactory(coalition=coalition, name="Ana Silva", kind=ActorKind.PERSON)
    response = upload(client_for("weaver"), coalition, BOARDS, follow=True)
    assert (
        "Imported: 1 people and 2 groups created, 3 affiliations added."
        in response.content.decode()
    )
    pairs = set(
        Affiliation.objects.filter(person__coalition=coalition).values_list(
            "person__name", "organisation__name"
        )
    )
    assert pairs == {
        ("Ana Silva", "Riverside Trust"),
        ("Ben Okafor", "Riverside Trust"),
        ("Ana Silva", "Food Bank"),
    }
    assert Actor.objects.get(coalition=coalition, name="Food Bank").kind == ActorKind.GROUP
    # The same file again adds nothing twice.
    upload(client_for("weaver"), coalition, BOARDS)
    assert Affiliation.objects.filter(person__coalition=coalition).count() == 3


def test_a_matrix_is_read_too(client_for, coalition):
    matrix = b",Gala,Vigil\nAna Silva,1,0\nBen Okafor,1,1\n"
    upload(client_for("organizer"), coalition, matrix)
    assert Affiliation.objects.filter(person__coalition=coalition).count() == 3


def test_rows_naming_a_non_person_are_all_named_and_nothing_is_written(client_for, coalition):
    ActorFactory(coalition=coalition, name="Acme", kind=ActorKind.ORGANISATION)
    ActorFactory(coalition=coalition, name="City Hall", kind=ActorKind.INSTITUTION)
    data = b"Person,Board\nAna Silva,Riverside Trust\nAcme,Riverside Trust\nCity Hall,Gala\n"
    response = upload(client_for("weaver"), coalition, data)
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index('id="affiliations-error"') :]
    error = error[: error.index("</p>")]
    assert "row 3: &#x27;Acme&#x27; is an actor of kind organisation" in error
    assert "row 4: &#x27;City Hall&#x27; is an actor of kind institution" in error
    assert "Nothing was imported." in error
    assert not Actor.objects.filter(coalition=coalition, name="Ana Silva").exists()
    assert not Affiliation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xff\xfe\x00bad", "The file is not a UTF-8 text file."),
        (b"Person,Board\nAna Silva,\nBen Okafor,Gala\n", "row 2: a person and a group are needed."),
        (b"Person,Board\nAna Silva\n", "The file holds no membership."),
        (b",Gala,Vigil\nAna Silva,1,lots\n", "row 2: &#x27;lots&#x27; is not a number."),
    ],
)
def test_a_bad_file_is_refused_next_to_the_upload(client_for, coalition, data, message):
    response = upload(client_for("weaver"), coalition, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html[html.index('id="affiliations-error"') :]
    assert not Actor.objects.filter(coalition=coalition).exclude(name="Tenants Union").exists()


def test_an_upload_without_a_file_says_so(client_for, coalition):
    response = client_for("weaver").post(url(coalition), {})
    assert response.status_code == 400 and "Choose a file to upload." in response.content.decode()


def test_a_file_over_the_limit_is_refused(client_for, coalition, settings):
    settings.WEFT_IMPORT_MAX_BYTES = 10
    response = upload(client_for("weaver"), coalition, BOARDS)
    assert response.status_code == 413 and "over the limit" in response.content.decode()
    assert not Affiliation.objects.exists()
