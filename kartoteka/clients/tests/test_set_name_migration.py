"""Migration 0007 gives colliding group and label names distinct ones, even where an appended
name was already taken, so its unique index can always be built."""

import importlib

migration = importlib.import_module("kartoteka.clients.migrations.0007_coloured_set_name_key")


def _rename_all(names: list[tuple[int, str]]) -> list[str]:
    seen: set[str] = set()
    result = []
    for pk, name in names:
        renamed = migration.unique_name(name, pk, seen)
        seen.add(migration.key_of(renamed))
        result.append(renamed)
    return result


def test_an_appended_name_already_taken_gets_a_counter():
    renamed = _rename_all([(1, "A (3)"), (2, "A"), (3, "a")])
    assert renamed == ["A (3)", "A", "a (3-2)"]
    assert len({migration.key_of(name) for name in renamed}) == 3


def test_names_that_do_not_collide_stay_as_they_are():
    assert _rename_all([(1, "Żółw"), (2, "Kot"), (3, "ŻÓŁW")]) == ["Żółw", "Kot", "ŻÓŁW (3)"]


def test_a_long_name_keeps_within_the_column_when_its_id_is_appended():
    renamed = _rename_all([(1, "x" * 100), (2, "X" * 100), (3, "x" * 100)])
    assert all(len(name) <= 100 for name in renamed)
    assert len({migration.key_of(name) for name in renamed}) == 3
