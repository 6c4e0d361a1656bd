"""Each sync tells the server how many changes the laptop has not sent (console: Devices page)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from otvisit.sync.client.credentials import load_credentials
from otvisit.sync.server.schema import Device
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team, server_database


def _reported(server: ServerProcess, device_id: str) -> tuple[int | None, object]:
    database = server_database(server)
    try:
        with database.read() as session:
            row = session.execute(
                select(Device.pending_changes, Device.pending_reported_at).where(
                    Device.id == device_id
                )
            ).one()
    finally:
        database.dispose()
    return row[0], row[1]


def test_a_sync_reports_the_unsent_count_and_the_transport_sends_it(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server, therapists=1)
    laptop = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    with laptop.store.read_session() as session:
        credentials = load_credentials(session)
    device_id = credentials.device_id
    assert _reported(server, device_id) == (None, None)  # signed in, never synced
    laptop.sync()
    count, at = _reported(server, device_id)
    assert count == 0 and at is not None  # everything was pushed before the pull
    transport = laptop.transport()
    try:
        transport.pull(credentials.token, cursor=0, limit=10, unsent=7)
    finally:
        transport.close()
    assert _reported(server, device_id)[0] == 7
