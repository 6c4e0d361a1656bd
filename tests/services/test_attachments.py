"""Attaching photos, scans and PDFs: cleaned, consented, stored once, audited, refused clearly."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import (
    Attachment,
    AttachmentBlob,
    AuditEvent,
    Child,
    OutboxOp,
    PhotoConsent,
)
from otvisit.models.encryption import new_database_key
from otvisit.models.store import Store
from otvisit.models.vocabulary import (
    AttachmentKind,
    AttachmentMediaType,
    AttachmentSubject,
    AuditAction,
    ConsentUse,
)
from otvisit.services import attachment_blobs as blobs
from otvisit.services import attachment_prints, photo_consent
from otvisit.services.attachment_files import MAX_FILE_BYTES, read_chosen_file
from otvisit.services.attachments import (
    AttachmentDetails,
    attach_file,
    child_attachments,
    delete_attachment,
    open_attachment,
    record_attachments_printed,
)
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.sync.client.access import remove_children, wipe_synced_data
from tests.factories import TODAY, make_child, make_equipment, make_goal
from tests.services.conftest import Refusal
from tests.services.pictures import (
    CAMERA_MAKER,
    camera_photo,
    heic_file,
    heic_photo,
    one_page_pdf,
    scan_png,
)


def _consent(
    session: Session, child: Child, use: ConsentUse = ConsentUse.RECORD_AND_LETTERS
) -> str:
    details = photo_consent.check_consent_details(
        {
            "child_id": child.id,
            "given_by": "Grace Okafor",
            "relationship": "mother",
            "given_on": TODAY,
            "use": use,
        }
    )
    return photo_consent.record_consent(session, details=details, actor_id="t-1")


def _details(child: Child, **overrides: object) -> AttachmentDetails:
    values: dict[str, object] = {
        "child_id": child.id,
        "kind": AttachmentKind.PHOTO,
        "caption": "Chair set at the table",
        "taken_on": TODAY,
    }
    return AttachmentDetails.model_validate({**values, **overrides})


def _stored(session: Session, attachment_id: str) -> bytes:
    attachment = session.get(Attachment, attachment_id)
    assert attachment is not None
    data = blobs.blob_bytes(session, attachment.sha256)
    assert data is not None
    return data


def test_a_photo_keeps_no_exif_or_gps_stands_upright_and_is_at_most_2048_px(
    session: Session,
) -> None:
    child = make_child(session)
    _consent(session, child)
    original = camera_photo(4000, 3000, orientation=6)  # a phone held upright
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825), "the test photo must carry GPS"
    attachment_id = attach_file(session, details=_details(child), data=original, actor_id="t-1")
    data = _stored(session, attachment_id)
    with Image.open(io.BytesIO(data)) as kept:
        assert kept.format == "JPEG"
        assert not kept.getexif(), "EXIF (maker, GPS, orientation) must be gone"
        assert "exif" not in kept.info and "comment" not in kept.info
        assert "icc_profile" not in kept.info
        assert max(kept.size) <= 2048 and max(kept.size) >= 1800
        width, height = kept.size
        assert height > width, "turned upright from the EXIF orientation"
        # Orientation 6 turns the picture a quarter clockwise: the marked corner goes top right.
        red, green, blue = kept.convert("RGB").getpixel((width - 10, 10))  # type: ignore[misc]
        assert red > 200 and 100 < green < 200 and blue < 80
    assert CAMERA_MAKER.encode() not in data and b"Elm Road" not in data
    attachment = session.get(Attachment, attachment_id)
    assert attachment is not None
    assert attachment.media_type is AttachmentMediaType.JPEG
    assert attachment.byte_size == len(data)
    assert attachment.consent_id == photo_consent.current_consent(session, child_id=child.id).id  # type: ignore[union-attr]


def test_an_iphone_heic_photo_is_kept_as_an_upright_jpeg_without_exif_gps_or_xmp(
    session: Session,
) -> None:
    child = make_child(session)
    _consent(session, child)
    original = heic_photo(megapixels=12)
    assert CAMERA_MAKER.encode() in original and b"Elm Road" in original
    details = _details(child, file_name="IMG_0412.HEIC")
    attachment_id = attach_file(session, details=details, data=original, actor_id="t-1")
    data = _stored(session, attachment_id)
    with Image.open(io.BytesIO(data)) as kept:
        assert kept.format == "JPEG"
        assert not kept.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(kept.info)
        assert kept.size == (1536, 2048), "upright (portrait) and 2048 px on the long side"
        red, green, blue = kept.convert("RGB").getpixel((kept.width - 10, 10))  # type: ignore[misc]
        assert red > 200 and 100 < green < 200 and blue < 80, "the marked corner is top right"
    assert CAMERA_MAKER.encode() not in data and b"Elm Road" not in data
    attachment = session.get(Attachment, attachment_id)
    assert attachment is not None and attachment.media_type is AttachmentMediaType.JPEG


def test_a_heic_scan_keeps_its_full_size_as_png(session: Session) -> None:
    child = make_child(session)
    details = _details(child, kind=AttachmentKind.SCAN, file_name="handwriting.heic")
    attachment_id = attach_file(session, details=details, data=heic_photo(), actor_id="t-1")
    with Image.open(io.BytesIO(_stored(session, attachment_id))) as kept:
        assert (kept.format, kept.size) == ("PNG", (480, 640))
        assert not kept.getexif() and not kept.info


@pytest.mark.parametrize(
    ("name", "kind", "media", "colour"),
    [
        ("ten-bit", AttachmentKind.PHOTO, AttachmentMediaType.JPEG, (255, 128, 0)),
        ("ten-bit", AttachmentKind.SCAN, AttachmentMediaType.PNG, (255, 128, 0)),
        ("transparent", AttachmentKind.PHOTO, AttachmentMediaType.JPEG, (255, 128, 128)),
        ("transparent", AttachmentKind.SCAN, AttachmentMediaType.PNG, (255, 128, 128)),
    ],
)
def test_an_hdr_or_transparent_heic_is_kept_as_8_bit_colour_on_white(
    session: Session,
    name: str,
    kind: AttachmentKind,
    media: AttachmentMediaType,
    colour: tuple[int, int, int],
) -> None:
    child = make_child(session)
    _consent(session, child)
    details = _details(child, kind=kind, file_name=f"{name}.heic")
    attachment_id = attach_file(session, details=details, data=heic_file(name), actor_id="t-1")
    attachment = session.get(Attachment, attachment_id)
    assert attachment is not None and attachment.media_type is media
    with Image.open(io.BytesIO(_stored(session, attachment_id))) as kept:
        assert kept.mode == "RGB"
        shown = kept.getpixel((5, 5))
        assert isinstance(shown, tuple)
        assert all(abs(a - b) <= 4 for a, b in zip(shown, colour, strict=True)), shown


def test_a_laptop_without_the_heic_decoder_says_how_to_get_a_jpeg(
    store: Store, refused: Refusal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otvisit.services import attachment_files

    monkeypatch.setattr(attachment_files, "heic_readable", lambda: False)
    with store.transaction() as session:
        child = make_child(session)
        _consent(session, child)
    details = _details(child, file_name="IMG_0412.HEIC")
    refused(lambda s: attach_file(s, details=details, data=heic_photo(), actor_id="t-1"),
            ValidationError, "IMG_0412.HEIC is a HEIC photo.*Most Compatible")  # fmt: skip


def test_a_scan_keeps_full_size_without_metadata_and_a_pdf_is_kept_as_it_came(
    session: Session,
) -> None:
    child = make_child(session)
    scan_id = attach_file(
        session, details=_details(child, kind=AttachmentKind.SCAN), data=scan_png(),
        actor_id="t-1",
    )  # fmt: skip
    scan = _stored(session, scan_id)
    with Image.open(io.BytesIO(scan)) as kept:
        assert kept.format == "PNG" and kept.size == (900, 600)
        assert "Author" not in kept.info and b"Elm Road" not in scan
    pdf = one_page_pdf()
    pdf_id = attach_file(
        session, details=_details(child, kind=AttachmentKind.DOCUMENT), data=pdf, actor_id="t-1"
    )
    assert _stored(session, pdf_id) == pdf
    attachment = session.get(Attachment, pdf_id)
    assert attachment is not None and attachment.consent_id is None


def test_a_photo_without_consent_is_refused_then_withdrawing_consent_deletes_its_photos(
    store: Store, refused: Refusal
) -> None:
    with store.transaction() as session:
        child = make_child(session)
        item = make_equipment(session, child=child)
        child_id, item_id = child.id, item.id
    photo = camera_photo()
    details = _details(child, subject_kind=AttachmentSubject.EQUIPMENT, subject_id=item_id)
    error = refused(
        lambda s: attach_file(s, details=details, data=photo, actor_id="t-1"),
        RuleRefused,
        "consent",
    )
    assert "needs recorded consent" in str(error)
    with store.transaction() as session:
        consent_id = _consent(session, session.get(Child, child_id))  # type: ignore[arg-type]
        photo_id = attach_file(session, details=details, data=photo, actor_id="t-1")
    with store.read_session() as session:
        pictures = attachment_prints.equipment_photos(session, recommendation_id=item_id)
        assert [p.attachment_id for p in pictures] == [photo_id]
    with store.transaction() as session:
        assert photo_consent.withdraw_consent(session, consent_id=consent_id, actor_id="t-1") == 1
    with store.read_session() as session:
        consent = session.get(PhotoConsent, consent_id)
        assert consent is not None and consent.withdrawn_on is not None
        assert consent.withdrawn_by == "t-1"
        gone = session.get(Attachment, photo_id)
        assert gone is not None and gone.deleted  # a tombstone, so the delete syncs
        ops = session.scalars(
            select(OutboxOp.kind).where(OutboxOp.record_id == photo_id).order_by(OutboxOp.seq)
        ).all()
        assert list(ops) == ["upsert", "delete"]
        assert child_attachments(session, child_id=child_id) == []
        assert attachment_prints.equipment_photos(session, recommendation_id=item_id) == ()
    error = refused(
        lambda s: attach_file(s, details=details, data=photo, actor_id="t-1"),
        RuleRefused,
        "consent",
    )
    assert "consent" in str(error)
    with store.transaction() as session, pytest.raises(RuleRefused, match="already withdrawn"):
        photo_consent.withdraw_consent(session, consent_id=consent_id, actor_id="t-1")


def test_consent_for_the_record_only_keeps_photos_out_of_letters(session: Session) -> None:
    child = make_child(session)
    item = make_equipment(session, child=child)
    _consent(session, child, ConsentUse.RECORD)
    attach_file(
        session,
        details=_details(child, subject_kind=AttachmentSubject.EQUIPMENT, subject_id=item.id),
        data=camera_photo(),
        actor_id="t-1",
    )
    assert len(child_attachments(session, child_id=child.id)) == 1
    assert attachment_prints.equipment_photos(session, recommendation_id=item.id) == ()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"given_by": ""}, "name of the person"),
        ({"relationship": " "}, "who they are to the child"),
        ({"given_on": date(2099, 1, 1)}, "future"),
        ({"use": "posters"}, "what the photos may be used for"),
    ],
)
def test_consent_needs_who_when_and_what_for(values: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "child_id": "c",
        "given_by": "Grace Okafor",
        "relationship": "mother",
        "given_on": TODAY,
    }
    with pytest.raises(ValidationError, match=message):
        photo_consent.check_consent_details({**base, **values})


def _heic() -> bytes:
    """A HEIC header over nothing: what a cut-off download from a phone looks like."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (AttachmentKind.PHOTO, b"x" * (MAX_FILE_BYTES + 1), "at most 20 MB"),
        (AttachmentKind.PHOTO, b"Dear parent, this is a text file", "JPEG, PNG or HEIC"),
        (AttachmentKind.PHOTO, _heic(), "not a photo or scan this laptop can read"),
        (AttachmentKind.PHOTO, heic_photo()[:700], "not a photo or scan this laptop can read"),
        (AttachmentKind.DOCUMENT, heic_photo(), "must be a PDF"),
        (AttachmentKind.SCAN, heic_photo(megapixels=64), "too many pixels"),
        (AttachmentKind.PHOTO, one_page_pdf(), "is a PDF, not a photo"),
        (AttachmentKind.DOCUMENT, camera_photo(), "must be a PDF"),
        (
            AttachmentKind.DOCUMENT,
            b"%PDF-1.7\n garbage with no pages",
            "cannot|can be opened|no pages",
        ),
        (AttachmentKind.PHOTO, camera_photo()[:2000], "could not be read|damaged"),
        (AttachmentKind.SCAN, b"", "empty"),
    ],
)
def test_oversized_and_wrong_files_are_refused_and_nothing_is_written(
    store: Store, refused: Refusal, kind: AttachmentKind, data: bytes, message: str
) -> None:
    with store.transaction() as session:
        child = make_child(session)
        _consent(session, child)
    details = _details(child, kind=kind, file_name="chosen.file")
    refused(lambda s: attach_file(s, details=details, data=data, actor_id="t-1"),
            ValidationError, message)  # fmt: skip


def test_a_gif_is_refused_by_name(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        child = make_child(session)
        _consent(session, child)
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(out, format="GIF")
    gif = out.getvalue()
    details = _details(child, file_name="wave.gif")
    refused(lambda s: attach_file(s, details=details, data=gif, actor_id="t-1"),
            ValidationError, "wave.gif is a GIF image")  # fmt: skip


def test_a_chosen_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.jpg"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ValidationError, match=r"huge.jpg is 20.0 MB; a file can be at most 20 MB"):
        read_chosen_file(big)
    small = tmp_path / "photo.jpg"
    small.write_bytes(camera_photo(100, 80))
    assert read_chosen_file(small) == small.read_bytes()


def test_the_same_picture_attached_twice_is_stored_once(session: Session) -> None:
    child = make_child(session)
    goal = make_goal(session, child=child)
    _consent(session, child)
    photo = camera_photo()
    first = attach_file(session, details=_details(child), data=photo, actor_id="t-1")
    second = attach_file(
        session,
        details=_details(child, subject_kind=AttachmentSubject.GOAL, subject_id=goal.id),
        data=photo,
        actor_id="t-1",
    )
    one, two = session.get(Attachment, first), session.get(Attachment, second)
    assert one is not None and two is not None and one.sha256 == two.sha256
    assert session.scalar(select(func.count()).select_from(AttachmentBlob)) == 1
    assert blobs.unsent_blobs(session) == [one.sha256]
    blobs.mark_blob_sent(session, one.sha256)
    assert blobs.unsent_blobs(session) == []


def test_blobs_wanted_are_those_of_live_attachments_missing_here_newest_first(
    session: Session,
) -> None:
    child = make_child(session)
    older = Attachment(
        child_id=child.id, subject_id=child.id, sha256="a" * 64, media_type="image/jpeg",
        byte_size=10, kind="photo", taken_on=date(2026, 1, 1),
    )  # fmt: skip
    session.add(older)
    session.flush()
    newer = Attachment(
        child_id=child.id, subject_id=child.id, sha256="b" * 64, media_type="image/jpeg",
        byte_size=10, kind="photo", taken_on=date(2026, 2, 1),
    )  # fmt: skip
    deleted = Attachment(
        child_id=child.id, subject_id=child.id, sha256="c" * 64, media_type="image/jpeg",
        byte_size=10, kind="photo", taken_on=date(2026, 3, 1), deleted=True,
    )  # fmt: skip
    session.add_all([newer, deleted])
    session.flush()
    held = blobs.store_blob(session, b"bytes already here")
    session.add(
        Attachment(
            child_id=child.id, subject_id=child.id, sha256=held, media_type="image/jpeg",
            byte_size=18, kind="photo", taken_on=date(2026, 4, 1),
        )
    )  # fmt: skip
    session.flush()
    newer.server_seq = 5
    same_day_later = Attachment(
        child_id=child.id, subject_id=child.id, sha256="d" * 64, media_type="image/jpeg",
        byte_size=10, kind="photo", taken_on=date(2026, 2, 1), server_seq=9,
    )  # fmt: skip
    session.add(same_day_later)
    session.flush()
    assert blobs.wanted_blobs(session) == ["d" * 64, "b" * 64, "a" * 64]
    assert blobs.has_blob(session, held) and not blobs.has_blob(session, "a" * 64)
    assert blobs.blob_bytes(session, held) == b"bytes already here"
    assert blobs.blob_bytes(session, "a" * 64) is None


def test_viewing_adding_printing_and_deleting_are_audited(session: Session) -> None:
    child = make_child(session)
    _consent(session, child)
    photo_id = attach_file(session, details=_details(child), data=camera_photo(), actor_id="t-1")
    summary, data = open_attachment(session, attachment_id=photo_id, actor_id="t-2")
    assert summary.is_image and data[:3] == b"\xff\xd8\xff"
    record_attachments_printed(
        session, attachment_ids=(photo_id,), child_id=child.id, actor_id="t-1",
        document="equipment letter",
    )  # fmt: skip
    delete_attachment(session, attachment_id=photo_id, actor_id="t-3")
    session.flush()
    events = session.execute(
        select(AuditEvent.action, AuditEvent.actor_id).where(
            AuditEvent.entity == "attachment", AuditEvent.record_id == photo_id
        )
    ).all()
    assert sorted((e.action, e.actor_id) for e in events) == sorted(
        [
            (AuditAction.CREATE, "t-1"),
            (AuditAction.VIEW, "t-2"),
            (AuditAction.PRINT, "t-1"),
            (AuditAction.DELETE, "t-3"),
        ]
    )


def test_the_photo_is_encrypted_at_rest_and_no_temporary_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    path = tmp_path / "profile" / "otvisit.db"
    store = Store.open(path, key=new_database_key())
    try:
        with store.transaction() as session:
            child = make_child(session)
            _consent(session, child)
            photo_id = attach_file(
                session, details=_details(child, caption="Zebra-striped wedge cushion"),
                data=camera_photo(), actor_id="t-1",
            )  # fmt: skip
        with store.read_session() as session:
            kept = _stored(session, photo_id)
            _summary, viewed = open_attachment(session, attachment_id=photo_id, actor_id="t-1")
            assert viewed == kept
    finally:
        store.close()
    files = [f for f in path.parent.rglob("*") if f.is_file()]
    on_disk = b"".join(f.read_bytes() for f in files)
    assert len(kept) > 10_000
    for start in range(0, len(kept) - 64, len(kept) // 8):
        assert kept[start : start + 64] not in on_disk, "photo bytes found in the clear"
    assert b"Zebra-striped" not in on_disk and b"\xff\xd8\xff\xe0" not in on_disk
    attachment_files = [f for f in files if f.parent.parent.name == "otvisit-attachments"]
    assert len(attachment_files) == 1, "the photo is kept in one sealed file beside the store"
    assert blobs.sha256_of(kept) not in attachment_files[0].name, (
        "the file's name does not tell the photo"
    )
    leftovers = {str(f.relative_to(path.parent)) for f in files} - {
        "otvisit.db", "otvisit.db-shm", "otvisit.db-wal",
    } - {str(f.relative_to(path.parent)) for f in attachment_files}  # fmt: skip
    assert leftovers == set()
    assert list(scratch.iterdir()) == []


def test_a_child_leaving_and_a_revoked_laptop_take_the_photos_with_them(
    session: Session,
) -> None:
    leaving, staying = make_child(session), make_child(session)
    for child, colour in ((leaving, "red"), (staying, "blue")):
        _consent(session, child)
        attach_file(
            session, details=_details(child), data=camera_photo(colour=colour), actor_id="t-1"
        )
    assert session.scalar(select(func.count()).select_from(AttachmentBlob)) == 2
    remove_children(session, [leaving.id])
    assert session.scalar(select(func.count()).select_from(AttachmentBlob)) == 1
    wipe_synced_data(session, reason="revoked")
    assert session.scalar(select(func.count()).select_from(AttachmentBlob)) == 0
