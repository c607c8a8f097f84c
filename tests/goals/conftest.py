"""The API's client and tokens, for the goal tests that write through the API too."""

from tests.api.conftest import api, token_for

__all__ = ["api", "token_for"]
