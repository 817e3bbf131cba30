"""Which Redis the demo runs on: the one at REDIS_URL when it answers, else one of its own."""

from __future__ import annotations

import pytest

from standins.demo_redis import answers, demo_redis, free_loopback_port, installed_redis_server

pytestmark = pytest.mark.redis


def _nothing_listens() -> str:
    return f"redis://127.0.0.1:{free_loopback_port()}/0"


def test_the_redis_at_redis_url_is_used_when_it_answers(redis_url: str) -> None:
    with demo_redis(redis_url) as chosen:
        assert chosen.url == redis_url
        assert redis_url in chosen.label


def test_a_private_redis_server_is_started_when_redis_url_does_not_answer() -> None:
    if installed_redis_server() is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server")
    unreachable = _nothing_listens()

    with demo_redis(unreachable) as chosen:
        assert chosen.url != unreachable
        assert "redis-server" in chosen.label
        assert answers(chosen.url)
    assert not answers(chosen.url)


def test_without_any_other_redis_the_embedded_one_is_used_and_says_it_keeps_nothing() -> None:
    with demo_redis(_nothing_listens(), find_redis_server=lambda: None) as chosen:
        assert "embedded" in chosen.label
        assert "NOT persistent" in chosen.label
        assert answers(chosen.url)
    assert not answers(chosen.url)


def test_the_embedded_redis_can_be_asked_for_even_when_another_answers(redis_url: str) -> None:
    with demo_redis(redis_url, embedded=True) as chosen:
        assert chosen.url != redis_url
        assert "embedded" in chosen.label
