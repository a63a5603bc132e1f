"""Every migration upgrades and downgrades a database that holds data, and the models match
the migrated schema (autogenerate finds nothing to add): on SQLite, and on PostgreSQL when
POISE_TEST_DATABASE_URL is set (scripts/test.sh runs both)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from interview.extensions import db

BEFORE_CLASSES = "b435d48ca72c"
NEW_TABLES = {"classroom", "class_membership", "question_set", "question_set_item", "mock_session",
              "session_item", "session_invite", "answer_comment", "rubric_criterion", "rubric_mark",
              "share", "share_item", "share_view", "password_reset", "notice"}


def _rows(tables) -> dict[str, int]:
    counts = {table: db.session.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one() for table in tables}
    # End the read's transaction: on PostgreSQL its locks would make the migration's DDL wait forever.
    db.session.commit()
    return counts


def test_models_match_the_migrated_schema(app):
    with app.app_context():
        differences = compare_metadata(MigrationContext.configure(db.engine.connect()), db.metadata)
        assert differences == []


def test_downgrade_and_upgrade_keep_the_data_of_earlier_tables(app, client, auth, fake_model):
    from tests.conftest import post_text_answer

    auth.signup_and_login()
    assert post_text_answer(client).status_code == 302
    with app.app_context():
        db.session.execute(text(
            "INSERT INTO classroom (instructor_id, name, join_code, created_at) VALUES (1, 'Class', 'ABCD2345', '2026-11-30')"))
        db.session.execute(text(
            "INSERT INTO notice (user_id, message, created_at) VALUES (1, 'Hello', '2026-11-30')"))
        db.session.execute(text('UPDATE "user" SET emotion_readings_enabled = :off'), {"off": False})
        db.session.commit()
        before = _rows(("user", "question", "attempt", "score", "score_total"))

        downgrade(revision=BEFORE_CLASSES)
        tables = set(inspect(db.engine).get_table_names())
        assert not (NEW_TABLES & tables)
        assert "emotion_readings_enabled" not in {c["name"] for c in inspect(db.engine).get_columns("user")}
        assert _rows(before) == before

        upgrade()
        assert NEW_TABLES <= set(inspect(db.engine).get_table_names())
        assert _rows(before) == before
        # New columns come back with their defaults on the old rows.
        assert db.session.execute(text('SELECT emotion_readings_enabled FROM "user"')).scalar_one() == 1
        assert db.session.execute(text("SELECT in_bank FROM question LIMIT 1")).scalar_one() == 1
        assert db.session.execute(text("SELECT keep_recording FROM attempt")).scalar_one() == 0


def test_every_migration_downgrades_to_an_empty_database_and_back(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        db.session.commit()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == tables
