"""aligner.cache: files built once into the user cache, and bounded in-memory caches."""
from __future__ import annotations

import tempfile

from aligner.cache import BoundedCache, cached_file


def test_cached_file_is_built_once(tmp_path):
    calls = []

    def build() -> str:
        calls.append(1)
        return "table"

    first = cached_file("t.json", build, tmp_path)
    second = cached_file("t.json", build, tmp_path)
    assert first == second == tmp_path / "t.json"
    assert first.read_text(encoding="utf-8") == "table"
    assert len(calls) == 1
    assert not list(tmp_path.glob("*.tmp"))  # written through a temporary file, then renamed


def test_cached_file_falls_back_to_the_temp_folder_when_the_cache_cannot_be_written(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")  # no cache folder can be made under it
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = cached_file("t.json", lambda: "x", blocked / "cache")
    assert path == tmp_path / "tmp" / "aligner-cache" / "t.json"
    assert path.read_text(encoding="utf-8") == "x"


def test_bounded_cache_forgets_the_least_recently_used():
    cache = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)
    assert len(cache) == 2


def test_a_damaged_camel_table_is_rebuilt(tmp_path, monkeypatch):
    """A cache file cut short (a full disk) must not break the aligner: the table is asked of camel-tools again."""
    from aligner import camel

    monkeypatch.setenv("ALIGNER_CACHE", str(tmp_path))
    camel._tables.cache_clear()
    try:
        table = tmp_path / f"camel_tools_{camel._installed_version()}.json"
        table.write_text('{"map": {', encoding="utf-8")
        assert camel.normalise("إلى مدرسةٍ") == "الي مدرسه"
        assert camel._read_table(table) is not None  # and the file is whole again
    finally:
        camel._tables.cache_clear()
