from tests.ownerspace.conftest import media, mine, theirs  # noqa: F401  (shared fixtures)
