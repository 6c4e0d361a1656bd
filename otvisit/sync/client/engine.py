"""One sync: push the outbox in batches, then pull in batches until the server has no more."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from otvisit.models import AuditEvent, OutboxOp, SyncSetting, UnreadableRecord
from otvisit.models.base import utcnow
from otvisit.models.outbox import APPLYING_REMOTE
from otvisit.models.store import Store
from otvisit.sync.client import settings
from otvisit.sync.client.access import remove_children, wipe_synced_data
from otvisit.sync.client.apply import reapply_pending, write_records_safely
from otvisit.sync.client.audit_upload import (
    mark_uploaded,
    next_audit_batch,
    pending_audit_events,
)
from otvisit.sync.client.credentials import Credentials, forget_token, load_credentials
from otvisit.sync.client.errors import (
    AuthError,
    NotSignedIn,
    OfflineError,
    RequestRefused,
    ServerError,
    SyncError,
    UpdateRequired,
)
from otvisit.sync.client.push import (
    HeldVersions,
    PushOutcome,
    has_pending,
    mark_rejected,
    next_batch,
    pending_count,
    record_results,
)
from otvisit.sync.client.recovery import (
    conflicts_to_resend,
    forget_stored,
    mark_reported,
    release_awaiting,
    renumber_outbox,
    resend_missing,
    set_aside,
    unreported,
)
from otvisit.sync.client.transport import HttpTransport, SyncTransport
from otvisit.sync.protocol import (
    MAX_PULL_LIMIT,
    OTHER_TEAM,
    SERVER_RESTORED,
    PulledRecord,
    PullResponse,
    PushRequest,
    SignedInUser,
)

log = logging.getLogger(__name__)
#: One sync at a time per store in this process (the window's worker and a menu click alike).
_RUNNING: dict[str, threading.Lock] = {}

#: Exit codes of ``otvisit sync``, also used by the UI to pick a message.
EXIT_OK, EXIT_PARTIAL, EXIT_AUTH, EXIT_OFFLINE = 0, 1, 2, 3
#: Server refusals of a whole push caused by one operation's content (found by sending singly).
WHOLE_PUSH_REFUSALS = frozenset(
    {"invalid_field", "unknown_entity", "record_entity_mismatch", "other_team"}
)
#: Refusals meaning this laptop's operation numbers were given out again (a store restored
#: from a copy): recovered by renumbering above the server's last one.
OP_SEQ_REFUSALS = frozenset({"op_seq_reused", "op_seq_out_of_order"})


@dataclass
class SyncReport:
    """What one sync did, in numbers a status line can show."""

    pushed: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: list[str] = field(default_factory=list)
    pulled: int = 0
    #: Pulled records not written again: this laptop's own pushes, held in that very version.
    held: int = 0
    pull_batches: int = 0
    removed_children: list[str] = field(default_factory=list)
    set_aside: int = 0
    #: Pulled records this laptop could not store: set aside, reported, the pull went on.
    unreadable: int = 0
    #: Operations renumbered after the store was restored from a copy.
    renumbered: int = 0
    #: Records sent again because the server was restored from a backup.
    resent: int = 0
    #: Audit events of this laptop now held by the server's log.
    audit_uploaded: int = 0
    #: When this sync started (device clock, ISO), written with its outcome.
    started_at: str = ""
    #: Why the audit upload was refused (it never stops the pull; the events are sent again).
    audit_problem: str = ""
    #: "", or why the sync stopped: "offline", "auth", "revoked", "update", "busy", "error".
    failure: str = ""
    error: str = ""

    @property
    def exit_code(self) -> int:
        if self.failure == "offline":
            return EXIT_OFFLINE
        if self.failure in ("auth", "revoked"):
            return EXIT_AUTH
        if self.failure or self.rejected or self.audit_problem:
            return EXIT_PARTIAL
        return EXIT_OK

    def _take(self, outcome: PushOutcome) -> None:
        self.pushed += outcome.applied + outcome.merged + outcome.conflicts
        self.merged += outcome.merged
        self.conflicts += outcome.conflicts
        self.rejected.extend(outcome.rejected)


def sync_once(
    store: Store,
    *,
    transport: SyncTransport | None = None,
    credentials: Credentials | None = None,
    pull_limit: int = MAX_PULL_LIMIT,
    clock: Callable[[], datetime] = utcnow,
) -> SyncReport:
    """Run one full sync and record its outcome in the sync status; never raises SyncError."""
    report = SyncReport()
    guard = _RUNNING.setdefault(str(store.path), threading.Lock())
    if not guard.acquire(blocking=False):
        report.failure, report.error = "busy", "A sync of this laptop is already running."
        return report
    try:
        try:
            # One read for who this laptop is and what this sync has to do.
            with store.read_session() as session:
                if credentials is None:
                    credentials = load_credentials(session)
                facts = _SyncFacts.read(session)
        except NotSignedIn as error:
            report.failure, report.error = "auth", str(error)
            return report
        except SyncError as error:  # the password store could not be read
            report.failure, report.error = "error", str(error)
            return report
        return _sync_locked(store, report, transport, credentials, facts, pull_limit, clock)
    finally:
        guard.release()


#: Built once (building statements costs more than running them): whether there is anything
#: to send, audit events to upload, set-aside records to report; the cursor and generation.
_FACTS = select(
    exists().where(OutboxOp.state == "pending"),
    exists().where(AuditEvent.uploaded_at.is_(None)),
    exists().where(UnreadableRecord.reported_at.is_(None)),
    select(SyncSetting.value).where(SyncSetting.key == settings.PULL_CURSOR).scalar_subquery(),
    select(SyncSetting.value)
    .where(SyncSetting.key == settings.SERVER_GENERATION)
    .scalar_subquery(),
    exists().where(SyncSetting.key == settings.CONFLICTS_TO_RESEND),
)


@dataclass(frozen=True, slots=True)
class _SyncFacts:
    """What a sync has to do, read in one statement before it starts."""

    pending: bool
    audit: bool
    unreported: bool
    cursor: int
    generation: str
    #: The laptop's conflicts are still to be sent to a server restored from a backup.
    conflicts_to_resend: bool

    @classmethod
    def read(cls, session: Session) -> _SyncFacts:
        pending, audit, unreported, cursor, generation, conflicts = session.execute(_FACTS).one()
        return cls(bool(pending), bool(audit), bool(unreported), int(cursor or 0),
                   generation or "", bool(conflicts))  # fmt: skip


def _sync_locked(
    store: Store,
    report: SyncReport,
    transport: SyncTransport | None,
    credentials: Credentials,
    facts: _SyncFacts,
    pull_limit: int,
    clock: Callable[[], datetime],
) -> SyncReport:
    own_transport = transport is None
    active = transport or HttpTransport(credentials.server_url)
    report.started_at = clock().isoformat()
    pending, audit, unreported = facts.pending, facts.audit, facts.unreported
    held = HeldVersions(cursor=facts.cursor)
    if pending:
        _mark_started(store, report)
    # A sync with nothing to send writes nothing before its pull's answer (one round trip,
    # one commit); the start is written as soon as there is work that takes time.
    finished = False
    try:
        if pending:
            _push_all(store, active, credentials, report, held)
        if audit:
            _upload_audit_apart(store, active, credentials, report)
        # Nothing was pushed: the pull starts from what that one read found (no second read).
        _pull_all(store, active, credentials, report, held, pull_limit=pull_limit, clock=clock,
                  start=None if pending else (facts.cursor, facts.generation, 0))  # fmt: skip
        finished = True  # the status was written with the last batch
        if unreported or report.unreadable:
            _report_unreadable(store, active, credentials, clock)
        if facts.conflicts_to_resend or report.resent:
            _resend_conflicts(store, active, credentials)
    except AuthError as error:
        report.failure, report.error = "auth", str(error)
        if error.code == "device_revoked":
            report.failure = "revoked"
            _wipe(store, credentials, str(error))
    except UpdateRequired as error:
        report.failure, report.error = "update", str(error)
    except (OfflineError, ServerError) as error:
        report.failure, report.error = "offline", str(error)
    except SyncError as error:
        report.failure, report.error = "error", str(error)
        log.warning("sync stopped: %s", error)
    finally:
        if own_transport:
            active.close()
        if not finished:
            _finish(store, report, clock)
    return report


def _push_all(
    store: Store,
    transport: SyncTransport,
    credentials: Credentials,
    report: SyncReport,
    held: HeldVersions,
) -> None:
    after = 0
    renumbered = False
    with store.read_session() as session:
        if not has_pending(session):
            return  # the common case: no write transaction needed to find that out
        cursor, generation = _pull_start(session)
    known = (cursor, int(generation) if generation else None)
    while True:
        with store.transaction() as session:
            request = next_batch(
                session, device_id=credentials.device_id, after_seq=after, known=known
            )
        if request is None:
            return
        try:
            response = transport.push(credentials.token, request)
        except RequestRefused as error:
            if error.code == SERVER_RESTORED:
                return  # the pull finds the restore, sends again what was lost, then pushes
            if error.code in OP_SEQ_REFUSALS and error.last_op_seq is not None and not renumbered:
                renumbered = True
                _renumber(
                    store, transport, credentials, report, held, last=error.last_op_seq,
                    known=known,
                )  # fmt: skip
                after = 0
                continue
            if error.code not in WHOLE_PUSH_REFUSALS or len(request.operations) == 1:
                raise
            _push_one_by_one(store, transport, credentials, request, report, held)
        else:
            with store.transaction() as session:
                report._take(record_results(session, request, response, held))
        after = request.operations[-1].op_seq


def _renumber(
    store: Store,
    transport: SyncTransport,
    credentials: Credentials,
    report: SyncReport,
    held: HeldVersions,
    *,
    last: int,
    known: tuple[int, int | None],
) -> None:
    """The store was restored from a copy: its operation numbers up to ``last`` were used again.

    Operations the server already processed with the same content are answered one by one
    (so they never apply twice); the others are renumbered above ``last`` and sent again.
    """
    with store.read_session() as session:
        seqs = list(
            session.scalars(
                select(OutboxOp.seq)
                .where(OutboxOp.state == "pending", OutboxOp.seq <= last)
                .order_by(OutboxOp.seq)
            )
        )
    for seq in seqs:
        with store.transaction() as session:
            request = next_batch(
                session, device_id=credentials.device_id, after_seq=seq - 1, known=known
            )
        if request is None or request.operations[0].op_seq != seq:
            continue
        single = request.model_copy(update={"operations": request.operations[:1]})
        try:
            response = transport.push(credentials.token, single)
        except RequestRefused as error:
            if error.code not in OP_SEQ_REFUSALS:
                raise
            continue  # a number used for other content: renumbered below
        with store.transaction() as session:
            report._take(record_results(session, single, response, held))
    with store.transaction() as session:
        report.renumbered += renumber_outbox(session, above=last)


def _report_unreadable(
    store: Store, transport: SyncTransport, credentials: Credentials, clock: Callable[[], datetime]
) -> None:
    """Tell the server which pulled records this laptop set aside; tried again next time."""
    with store.read_session() as session:
        request = unreported(session, device_id=credentials.device_id)
    if request is None:
        return
    try:
        transport.report_unreadable(credentials.token, request)
    except SyncError as error:
        log.warning("could not report unreadable records: %s", error)
        return
    with store.transaction() as session:
        mark_reported(session, request, clock())


def _resend_conflicts(store: Store, transport: SyncTransport, credentials: Credentials) -> None:
    """A restored server gets back every conflict this laptop holds; tried again until it has."""
    with store.read_session() as session:
        requests = conflicts_to_resend(session, device_id=credentials.device_id)
    try:
        for request in requests:
            transport.resend_conflicts(credentials.token, request)
    except RequestRefused as error:  # refused for good: never asked again, never a wedge
        log.warning("the server refused this laptop's conflicts: %s", error)
    except SyncError as error:
        log.warning("could not send the conflicts again (next sync tries again): %s", error)
        return
    with store.transaction() as session:
        session.execute(delete(SyncSetting).where(SyncSetting.key == settings.CONFLICTS_TO_RESEND))


def _upload_audit_apart(
    store: Store, transport: SyncTransport, credentials: Credentials, report: SyncReport
) -> None:
    """The audit upload is a step of its own: a refusal is reported, and the pull still runs."""
    try:
        _upload_audit(store, transport, credentials, report)
    except (RequestRefused, AuthError) as error:
        if isinstance(error, AuthError) and error.code != OTHER_TEAM:
            raise  # the device's sign-in itself: the sync stops for every step
        report.audit_problem = str(error)
        log.warning("audit upload refused (%s): %s", error.code, error)


def _upload_audit(
    store: Store, transport: SyncTransport, credentials: Credentials, report: SyncReport
) -> None:
    """The laptop's audit trail to the server, oldest first; acknowledged events are stamped."""
    if not pending_audit_events(store):
        return
    while True:
        with store.read_session() as session:
            request = next_audit_batch(session, device_id=credentials.device_id)
        if request is None:
            return
        receipt = transport.upload_audit(credentials.token, request)
        with store.transaction() as session:
            stamped = mark_uploaded(session, receipt)
        report.audit_uploaded += stamped
        if stamped == 0:
            # The server accepted none of these: stop rather than send them again forever.
            report.audit_problem = "The team's server did not take this laptop's audit trail."
            return


def _push_one_by_one(
    store: Store,
    transport: SyncTransport,
    credentials: Credentials,
    request: PushRequest,
    report: SyncReport,
    held: HeldVersions,
) -> None:
    """Find the operation that made the server refuse a whole push; reject only that one."""
    for op in request.operations:
        single = request.model_copy(update={"operations": [op]})
        try:
            response = transport.push(credentials.token, single)
        except RequestRefused as error:
            if error.code not in WHOLE_PUSH_REFUSALS:
                raise
            with store.transaction() as session:
                mark_rejected(session, op_seq=op.op_seq, reason=str(error))
            report.rejected.append(str(error))
            held.follow(op, None)
            continue
        with store.transaction() as session:
            report._take(record_results(session, single, response, held))


def _pull_all(
    store: Store,
    transport: SyncTransport,
    credentials: Credentials,
    report: SyncReport,
    held: HeldVersions,
    *,
    pull_limit: int,
    clock: Callable[[], datetime],
    start: tuple[int, str, int] | None = None,
) -> None:
    """Pull until the server has no more; ``start``: (cursor, generation, unsent) when known."""
    for _attempt in range(2):
        if start is not None:
            (cursor, known, unsent), start = start, None
        else:
            with store.read_session() as session:
                cursor, known = _pull_start(session)
                unsent = pending_count(session)  # told to the server on the first page
        first = transport.pull(
            credentials.token, cursor=cursor, limit=pull_limit, unsent=unsent,
            generation=int(known) if known else None,
        )  # fmt: skip
        above = _restored_below(first, cursor=cursor, known=known)
        if above is not None and not first.generation_known:
            # The server has lost the generation this laptop knows (restored from a backup
            # older than it): what this laptop holds above where that one began goes again too.
            with store.read_session() as session:
                began = settings.get_setting(session, settings.GENERATION_BEGAN)
            above = min(above, int(began or 0))
        if first.has_more or len(first.records) > 200:
            _mark_started(store, report)  # a long pull: the status bar says it is running
        if above is None:
            _pull_from(store, transport, credentials, report, held, first, cursor, pull_limit,
                       clock)  # fmt: skip
            return
        # Sequences of the lost changes are given out again: no push answer this sync is trusted.
        held.seqs.clear()
        held.cursor = -1
        # The server was restored from a backup: send again what it lacks, then pull again.
        with store.transaction() as session:
            report.resent += resend_missing(session, above=above, user_id=_user_id(session))
            settings.set_settings(
                session,
                {
                    settings.PULL_CURSOR: str(min(cursor, above)),
                    settings.SERVER_GENERATION: str(first.generation),
                    settings.GENERATION_BEGAN: str(above),
                    settings.CONFLICTS_TO_RESEND: "1",
                },
            )
        _push_all(store, transport, credentials, report, held)
    raise SyncError("The team's server was restored again during this sync; sync again.")


def _pull_start(session: Session) -> tuple[int, str]:
    """The pull cursor and the server generation this laptop last saw, in one query."""
    found = settings.get_settings(session, settings.PULL_CURSOR, settings.SERVER_GENERATION)
    return int(found[settings.PULL_CURSOR] or 0), found[settings.SERVER_GENERATION]


def _user_id(session: Session) -> str | None:
    """The therapist signed in on this laptop (the author of the notes it may send)."""
    user = settings.get_setting(session, settings.USER)
    return SignedInUser.model_validate_json(user).therapist_id if user else None


def _restored_below(page: PullResponse, *, cursor: int, known: str) -> int | None:
    """The sequence the server was restored to, when this laptop knows changes beyond it."""
    if known and page.generation and int(known) != page.generation:
        return page.restore_point
    if cursor > page.high:
        return page.high  # restored without ``after-restore``: the cursor gives it away
    return None


def _pull_from(
    store: Store,
    transport: SyncTransport,
    credentials: Credentials,
    report: SyncReport,
    held: HeldVersions,
    first: PullResponse,
    cursor: int,
    pull_limit: int,
    clock: Callable[[], datetime],
) -> None:
    def fetch(after: int) -> PullResponse:
        return transport.pull(credentials.token, cursor=after, limit=pull_limit)

    if not first.has_more:  # the usual case: one page, no thread needed
        _apply_batch(store, first, report, held, now=clock(), status=_status_values(report, clock))
        return
    # The next batch is fetched while this one is written: pulling is read-only, so a
    # batch fetched ahead and never applied (an error in between) costs nothing but time.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="otvisit-pull") as ahead:
        response = first
        while True:
            if response.has_more and response.next_cursor <= cursor:
                raise SyncError("The server's changes did not move forward; sync stopped.")
            coming: Future[PullResponse] | None = None
            if response.has_more:
                coming = ahead.submit(fetch, response.next_cursor)
            done = {} if response.has_more else _status_values(report, clock)
            _apply_batch(store, response, report, held, now=clock(), status=done)
            cursor = response.next_cursor
            if coming is None:
                return
            response = coming.result()


def _apply_batch(
    store: Store,
    response: PullResponse,
    report: SyncReport,
    held: HeldVersions | None = None,
    *,
    now: datetime,
    status: dict[str, str],
) -> None:
    """One pulled batch and its cursor in one transaction: all of it lands, or none.

    A record that cannot be stored is set aside (and reported later): the batch lands without it.
    """
    removed = set(response.removed_children)
    records = [r for r in response.records if r.child_id not in removed or r.child_id is None]
    kept: list[PulledRecord] = []
    if held is not None and held.seqs:
        # This laptop's own pushes, answered in exactly the version now pulled: it holds
        # them, its unsent edits on top included, so they are neither written nor re-applied.
        kept = [r for r in records if held.holds(r.record_id, r.seq)]
        records = [r for r in records if not held.holds(r.record_id, r.seq)]
        report.held += len(kept)
    # A batch that brings nothing to write leaves only the cursor and the sync's status: losing
    # them in a power cut is harmless (the next sync pulls the same range again and records its
    # own time), so that commit is not forced to the disk (see Store.unforced_transaction).
    quiet = not (records or removed or response.unreadable)
    with store.unforced_transaction() if quiet else store.transaction() as session:
        session.info[APPLYING_REMOTE] = True
        if removed:
            report.set_aside += remove_children(session, sorted(removed))
            report.removed_children.extend(sorted(removed))
        written, failed = write_records_safely(session, records, now)
        report.pulled += written
        failed = [*response.unreadable, *failed]
        if failed:
            report.unreadable += set_aside(session, failed)
            bad = {r.record_id for r, _ in failed}
            records = [r for r in records if r.record_id not in bad]
        forget_stored(session, [*records, *kept])
        release_awaiting(session, [r.record_id for r in [*records, *kept]])
        reapply_pending(session, [r.record_id for r in records])
        # The last batch also records the sync's success: one commit fewer per sync.
        values = {settings.PULL_CURSOR: str(response.next_cursor), **status}
        if response.generation:
            values[settings.SERVER_GENERATION] = str(response.generation)
            values[settings.GENERATION_BEGAN] = str(response.restore_point)
        settings.set_settings(session, values)
    report.pull_batches += 1


def _wipe(store: Store, credentials: Credentials, reason: str) -> None:
    with store.transaction() as session:
        wipe_synced_data(session, reason=reason)
    forget_token(
        server_url=credentials.server_url,
        username=credentials.username,
        folder=credentials.folder,
    )


def _mark_started(store: Store, report: SyncReport) -> None:
    with store.transaction() as session:
        settings.set_settings(
            session, {settings.LAST_ATTEMPT_AT: report.started_at, settings.IN_PROGRESS: "1"}
        )


def _status_values(report: SyncReport, clock: Callable[[], datetime]) -> dict[str, str]:
    values = {settings.IN_PROGRESS: "", settings.LAST_ERROR: report.error}
    if report.started_at:
        values[settings.LAST_ATTEMPT_AT] = report.started_at
    if not report.failure:
        values[settings.LAST_SUCCESS_AT] = clock().isoformat()
    return values


def _finish(store: Store, report: SyncReport, clock: Callable[[], datetime]) -> None:
    with store.transaction() as session:
        settings.set_settings(session, _status_values(report, clock))
