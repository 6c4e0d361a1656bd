"""Server test fixtures: real server processes on SQLite and PostgreSQL (see tests/support)."""

from tests.support.blob_servers import blob_server  # noqa: F401  (fixture)
from tests.support.server_fixtures import (  # noqa: F401  (fixtures)
    devices,
    live_server,
    running_server,
    server_database_url,
    team,
)
