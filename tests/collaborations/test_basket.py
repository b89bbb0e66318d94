"""The request basket: collect resources from lists and match pages, send one request with a protocol,
each provider sees and is mailed only their part; the timeline shows every step to those involved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaborations import workflow
from collaborations.basket import SESSION_KEY
from collaborations.models import CollaborationRequest, RequestItem
from ion_portal.models import MEMBERS_GROUP, Person, Unit
from tests.factories import PASSWORD, make_collection, make_user

pytestmark = pytest.mark.django_db
BASKET = reverse("collaborations:basket")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def biobank(db):
    return Unit.objects.create(
        name="Hospital Biobank", slug="biobank", kind=Unit.Kind.BIOBANK, institution="Hospital"
    )


@pytest.fixture
def two_collections(clinic, clinic_contact, clinic_provider, biobank):
    derm = make_collection(
        clinic, slug="derm-blood", name="Dermatology PBMC", contact=clinic_contact
    )
    contact = Person.objects.create(
        first_name="Bea", last_name="Biobank", unit=biobank, email="bea@biobank.example"
    )
    bank_user = make_user("bea.account@biobank.example", groups=(MEMBERS_GROUP,))
    contact.user = bank_user
    contact.save()
    bank = make_collection(
        biobank,
        slug="bank-ffpe",
        name="Biobank FFPE",
        sample_types=["ffpe-tissue"],
        contact=contact,
    )
    return derm, bank, clinic_provider, bank_user


def _login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def _add(client, kind, slug, next_url=""):
    return client.post(BASKET, {"kind": kind, "slug": slug, "next": next_url})


def test_basket_adds_from_lists_and_match_pages_and_refuses_unknown_or_duplicates(
    member_client, two_collections, lab
):
    derm, bank, *_ = two_collections
    listing = member_client.get(reverse("collaborations:collection_list")).content.decode()
    assert listing.count("Add to request basket") == 2
    response = _add(
        member_client, "collection", derm.slug, reverse("collaborations:collection_list")
    )
    assert response.status_code == 302 and response.url == reverse("collaborations:collection_list")
    _add(member_client, "collection", derm.slug)  # a second time: still once
    _add(member_client, "collection", "no-such-thing")
    _add(member_client, "collection", bank.slug, "https://evil.example/")
    assert member_client.session[SESSION_KEY]["collection"] == [derm.slug, bank.slug]
    page = member_client.get(BASKET).content.decode()
    assert "Dermatology PBMC" in page and "Biobank FFPE" in page and "?basket=1" in page
    member_client.post(BASKET, {"kind": "collection", "slug": bank.slug, "remove": "1"})
    assert member_client.session[SESSION_KEY]["collection"] == [derm.slug]


def test_two_collections_of_two_units_one_request_each_provider_only_their_part(
    client, member, curator, two_collections, mailoutbox, settings, tmp_path
):
    settings.COLLABORATIONS_PROTOCOL_ROOT = tmp_path
    derm, bank, derm_user, bank_user = two_collections
    _login(client, member)
    _add(client, "collection", derm.slug)
    _add(client, "collection", bank.slug)
    form = client.get(reverse("collaborations:request_new") + "?basket=1").content.decode()
    assert form.count("checked") >= 2 and 'enctype="multipart/form-data"' in form
    response = client.post(
        reverse("collaborations:request_new") + "?basket=1",
        {
            "collections": [derm.slug, bank.slug],
            "title": "Spatial immune atlas",
            "project_summary": "Tumour and blood immune cells before and on anti-PD-1.",
            "intended_use": "20 PBMC and 20 FFPE blocks.",
            "ethics_status": "submitted",
            "protocol": SimpleUploadedFile("protocol.pdf", PDF, "application/pdf"),
            "acknowledge_network": "on",
            "discuss_coauthorship": "on",
            "report_back": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    collab = CollaborationRequest.objects.get()
    assert {item.collection for item in collab.items.all()} == {derm, bank}
    assert SESSION_KEY not in client.session  # sent: the basket is emptied
    assert (tmp_path / collab.protocol.name).read_bytes() == PDF

    mailoutbox.clear()
    workflow.request_forward(request=collab, by=curator)
    to_derm = [m for m in mailoutbox if "carl.clinician@hospital.example" in m.to]
    to_bank = [m for m in mailoutbox if "bea@biobank.example" in m.to]
    assert len(to_derm) == 1 and len(to_bank) == 1
    assert "Dermatology PBMC" in to_derm[0].body and "Biobank FFPE" not in to_derm[0].body
    assert "Biobank FFPE" in to_bank[0].body and "Dermatology PBMC" not in to_bank[0].body
    assert "Dermatology PBMC" not in to_bank[0].subject

    # Each provider's page shows only their resource, and the timeline only their steps.
    derm_item = collab.items.get(collection=derm)
    workflow.item_answer(item=derm_item, by=derm_user, answer="accepted")
    client.logout()
    _login(client, bank_user)
    page = client.get(collab.get_absolute_url()).content.decode()
    assert "Biobank FFPE" in page and "Dermatology PBMC" not in page
    assert "Screened and forwarded to the providers." in page
    assert "accepted" not in page.split('id="timeline-heading"', 1)[1]
    protocol = client.get(reverse("collaborations:request_protocol", args=[collab.pk]))
    assert protocol.status_code == 200 and b"".join(protocol.streaming_content) == PDF
    client.logout()
    _login(client, derm_user)
    page = client.get(collab.get_absolute_url()).content.decode()
    assert "Dermatology PBMC" in page and "Biobank FFPE" not in page

    # The requester sees both parts and every step, each with date and actor role.
    client.logout()
    _login(client, member)
    page = client.get(collab.get_absolute_url()).content.decode()
    timeline = page.split('id="timeline-heading"', 1)[1]
    for text in (
        "Request sent to the network office for screening.",
        "Screened and forwarded to the providers.",
        "Dermatology PBMC: accepted.",
        "Requester",
        "Network office",
        "Provider",
        "<time datetime=",
    ):
        assert text in timeline, text
    assert "Biobank FFPE" in page
    assert RequestItem.objects.filter(request=collab, answer="pending").count() == 1


def test_outsiders_cannot_download_a_protocol(client, member, two_collections, settings, tmp_path):
    settings.COLLABORATIONS_PROTOCOL_ROOT = tmp_path
    derm, *_ = two_collections
    collab = workflow.request_create(
        requester=member,
        collections=[derm],
        title="T",
        project_summary="S",
        intended_use="U",
        ethics_status="approved",
        acknowledge_network=True,
        discuss_coauthorship=True,
        report_back=True,
        protocol=SimpleUploadedFile("p.pdf", PDF),
    )
    other = make_user("other@member.example", groups=(MEMBERS_GROUP,))
    _login(client, other)
    assert (
        client.get(reverse("collaborations:request_protocol", args=[collab.pk])).status_code == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("protocol.exe", PDF, "Only PDF files"),
        ("protocol.pdf", b"MZ\x90\x00 not a pdf", "not a PDF"),
        ("protocol.pdf", PDF + b"x" * 2048, "the limit is"),
    ],
)
def test_protocol_upload_is_validated_by_bytes_name_and_size(
    member_client, two_collections, settings, tmp_path, name, content, message
):
    settings.COLLABORATIONS_PROTOCOL_ROOT = tmp_path
    settings.COLLABORATIONS_PROTOCOL_MAX_BYTES = 1024
    derm, *_ = two_collections
    response = member_client.post(
        reverse("collaborations:request_new"),
        {
            "collections": [derm.slug],
            "title": "T",
            "project_summary": "S",
            "intended_use": "U",
            "ethics_status": "approved",
            "protocol": SimpleUploadedFile(name, content),
            "acknowledge_network": "on",
            "discuss_coauthorship": "on",
            "report_back": "on",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CollaborationRequest.objects.exists()
    assert not list(tmp_path.iterdir())
