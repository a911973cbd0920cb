from tests.translation.fixtures import *  # noqa: F401,F403
