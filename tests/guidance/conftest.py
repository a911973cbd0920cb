import pytest

from bot.guidance.catalogue import Catalogue
from bot.guidance.matcher import GuidanceMatcher


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load()


@pytest.fixture(scope="session")
def matcher(catalogue: Catalogue) -> GuidanceMatcher:
    return GuidanceMatcher(catalogue.entries)


@pytest.fixture(scope="session")
def entry_ids(matcher: GuidanceMatcher):
    def find_ids(message: str) -> list[str]:
        return [match.entry_id for match in matcher.find(message)]
    return find_ids
