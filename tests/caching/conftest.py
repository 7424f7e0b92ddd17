from tests.plan.conftest import plan  # noqa: F401 - the same printable plan
