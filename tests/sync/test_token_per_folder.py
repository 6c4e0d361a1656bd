"""Two data folders under one OS account keep their own device tokens (real server, real stores,
the in-memory keyring); a token kept by an older version moves to its folder's entry."""

from __future__ import annotations

from pathlib import Path

from otvisit.sync.client.credentials import KEYRING_SERVICE, keyring_key
from tests.support.server_process import ServerProcess, seed_team
from tests.sync.laptop import Laptop


def _folder(laptop: Laptop) -> str:
    return str(laptop.store.path.resolve().parent)


def test_two_data_folders_of_one_account_keep_their_own_tokens(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path, memory_keyring
) -> None:
    account = seed_team(server.database_url, therapists=1).therapists[0]
    one_dir, two_dir = tmp_path / "one", tmp_path / "two"
    one_dir.mkdir()
    two_dir.mkdir()
    one = Laptop.sign_in(one_dir, name="otvisit", url=server.base_url,
                         username=account.username, password=account.password)  # fmt: skip
    laptops.append(one)
    two = Laptop.sign_in(two_dir, name="otvisit", url=server.base_url,
                         username=account.username, password=account.password)  # fmt: skip
    laptops.append(two)
    tokens = {
        folder: memory_keyring.secrets[
            (KEYRING_SERVICE, keyring_key(server.base_url, account.username, folder))
        ]
        for folder in (_folder(one), _folder(two))
    }
    assert len(set(tokens.values())) == 2  # the second sign-in did not overwrite the first
    assert one.sync().exit_code == 0 and two.sync().exit_code == 0


def test_a_token_kept_by_an_older_version_moves_to_the_folders_entry(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path, memory_keyring
) -> None:
    account = seed_team(server.database_url, therapists=1).therapists[0]
    laptop = Laptop.sign_in(tmp_path, name="otvisit", url=server.base_url,
                            username=account.username, password=account.password)  # fmt: skip
    laptops.append(laptop)
    new_key = (KEYRING_SERVICE, keyring_key(server.base_url, account.username, _folder(laptop)))
    old_key = (KEYRING_SERVICE, keyring_key(server.base_url, account.username))
    memory_keyring.secrets[old_key] = memory_keyring.secrets.pop(new_key)  # as before issue 11
    assert laptop.sync().exit_code == 0
    assert new_key in memory_keyring.secrets and old_key not in memory_keyring.secrets
