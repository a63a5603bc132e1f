from interview.auth import services as accounts


def test_seed_is_idempotent(runner):
    result = runner.invoke(args=["questions", "seed"])
    assert "Added 0 questions" in result.output  # the app fixture already seeded


def test_create_admin_from_the_command_line(runner, app):
    result = runner.invoke(args=["users", "create", "--email", "boss@example.com", "--name", "Boss",
                                 "--role", "admin", "--password", "a long password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = accounts.find_user_by_email("boss@example.com")
        assert user.role == "admin" and user.check_password("a long password")


def test_create_user_refuses_duplicates_and_short_passwords(runner):
    args = ["users", "create", "--email", "x@example.com", "--name", "X", "--password"]
    assert runner.invoke(args=args + ["short"]).exit_code != 0
    assert runner.invoke(args=args + ["long enough"]).exit_code == 0
    duplicate = runner.invoke(args=args + ["long enough"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
