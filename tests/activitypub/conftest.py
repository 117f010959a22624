"""Key pairs are slow to generate: one pair per test session and role."""

from __future__ import annotations

import pytest

from gazouille.activitypub.keys import KeyPair, generate_key_pair


@pytest.fixture(scope="session")
def key_pair() -> KeyPair:
    return generate_key_pair()


@pytest.fixture(scope="session")
def other_key_pair() -> KeyPair:
    return generate_key_pair()
