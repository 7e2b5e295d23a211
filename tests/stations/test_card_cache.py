"""The station card cache: trusted only while keys match, bounded, and adaptive."""

from app.stations.cards import CardCache


def test_values_are_trusted_only_while_the_key_matches():
    cache = CardCache(10)
    cache.put([(1, 111, b"one"), (2, 222, b"two")])
    found, missing = cache.take({1: 111, 2: 999, 3: 333})
    assert found == {1: b"one"} and missing == [2, 3]


def test_least_recently_used_goes_first():
    cache = CardCache(2)
    cache.put([(1, 1, b"a"), (2, 2, b"b")])
    cache.take({1: 1})  # 1 is now the most recent
    cache.put([(3, 3, b"c")])
    assert list(cache.items) == [1, 3]


def test_keys_only_once_the_cache_would_answer_most_lookups():
    cache = CardCache(100)
    assert not cache.prefers_keys()  # nothing known yet: read inline
    rows = [(n, n, b"x") for n in range(10)]
    cache.observe(rows)  # first sight: no would-be hits
    assert not cache.prefers_keys()
    for _ in range(3):
        cache.observe(rows)  # the same stations again: 30 of 40 would have been answered
    assert cache.prefers_keys()
    cache.take({n: n for n in range(100, 200)})  # a run of strangers: back to inline
    assert not cache.prefers_keys()
    assert (cache.hits, cache.misses) == (30, 110)
