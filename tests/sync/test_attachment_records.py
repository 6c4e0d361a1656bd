"""Photo consent and attachment records sync like the others; a withdrawal's tombstones too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from otvisit.models import Attachment, Child, PhotoConsent
from otvisit.models.vocabulary import ConsentUse
from otvisit.services import attachment_blobs, photo_consent
from otvisit.services.attachments import AttachmentDetails, attach_file, child_attachments
from otvisit.sync.client.attachments import transfer_attachments
from tests.services.pictures import camera_photo
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team


def test_a_photo_record_reaches_a_colleague_and_so_does_its_withdrawal(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server, therapists=2)
    mine = sign_in(laptops, tmp_path, name="mine", url=server.base_url, team=team, number=0)
    theirs = sign_in(laptops, tmp_path, name="theirs", url=server.base_url, team=team, number=1)
    with mine.store.transaction() as session:
        child = Child(
            team_id=team.team_id, given_name="Sam", family_name="Okafor",
            date_of_birth=date(2019, 3, 1), nhs_number="9434765919",
        )  # fmt: skip
        session.add(child)
        session.flush()
        consent_id = photo_consent.record_consent(
            session,
            details=photo_consent.check_consent_details(
                {
                    "child_id": child.id,
                    "given_by": "Grace Okafor",
                    "relationship": "mother",
                    "given_on": date(2026, 11, 20),
                    "use": ConsentUse.RECORD_AND_LETTERS,
                }
            ),
            actor_id=None,
        )
        photo_id = attach_file(
            session,
            details=AttachmentDetails(child_id=child.id, caption="Chair", taken_on=date.today()),
            data=camera_photo(),
            actor_id=None,
        )
        child_id = child.id
        sha = attachment_blobs.unsent_blobs(session)[0]
    assert mine.sync().exit_code == 0
    assert theirs.sync().exit_code == 0
    with theirs.store.read_session() as session:
        arrived = session.get(Attachment, photo_id)
        assert arrived is not None and not arrived.deleted and arrived.sha256 == sha
        assert arrived.consent_id == consent_id and arrived.caption == "Chair"
        # The record came; the bytes come by the blob transfer, wanted newest first.
        assert attachment_blobs.wanted_blobs(session) == [sha]
        assert [a.here for a in child_attachments(session, child_id=child_id)] == [False]
    # The bytes: sent by the laptop that took the photo, fetched by the colleague's, as the
    # sync bar does after the records (otvisit.sync.client.attachments).
    sent = transfer_attachments(mine.store)
    assert sent.uploaded == [sha] and not sent.error and not sent.failed
    fetched = transfer_attachments(theirs.store)
    assert fetched.downloaded == [sha] and not fetched.error
    with mine.store.read_session() as session:
        photo = attachment_blobs.blob_bytes(session, sha)
        assert attachment_blobs.unsent_blobs(session) == []
    with theirs.store.read_session() as session:
        assert photo is not None and attachment_blobs.blob_bytes(session, sha) == photo
        assert attachment_blobs.wanted_blobs(session) == []
        assert attachment_blobs.unsent_blobs(session) == []  # fetched bytes are not sent back
        assert [a.here for a in child_attachments(session, child_id=child_id)] == [True]
    assert transfer_attachments(theirs.store).uploaded == []

    with mine.store.transaction() as session:
        photo_consent.withdraw_consent(session, consent_id=consent_id, actor_id=None)
    assert mine.sync().exit_code == 0
    assert theirs.sync().exit_code == 0
    with theirs.store.read_session() as session:
        gone = session.get(Attachment, photo_id)
        assert gone is not None and gone.deleted
        consent = session.scalars(select(PhotoConsent)).one()
        assert consent.withdrawn_on is not None
        assert attachment_blobs.wanted_blobs(session) == []
        assert child_attachments(session, child_id=child_id) == []
