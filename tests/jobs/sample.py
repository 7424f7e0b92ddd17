"""Job functions for the queue's tests."""

from tracker import jobs

ATTEMPTS: dict[str, int] = {}


def fails_always(tag: str) -> None:
    ATTEMPTS[tag] = ATTEMPTS.get(tag, 0) + 1
    raise RuntimeError(f"the printer is on fire ({tag})")


def fails_once(tag: str) -> str:
    ATTEMPTS[tag] = ATTEMPTS.get(tag, 0) + 1
    if ATTEMPTS[tag] == 1:
        raise ConnectionError("the database went away")
    return "done"


def halfway(tag: str) -> None:
    jobs.progress(1, 2, "half")
    ATTEMPTS[tag] = ATTEMPTS.get(tag, 0) + 1


def dies_once(key: str) -> None:
    """The work horse dies (as when the machine kills it) the first time."""
    import os

    import redis
    from flask import current_app

    if redis.Redis.from_url(current_app.config["REDIS_URL"]).incr(key) == 1:
        os._exit(9)
