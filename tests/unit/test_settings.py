"""Settings: contract names, defaults, and errors that name the variable."""

import pytest

from config.settings import PostAction, Security, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("INTAKE_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    s = load_settings()
    assert s.imap_host is None and s.imap_folder == "INBOX" and s.poll_seconds == 60
    assert s.effective_database_url.startswith("sqlite:///") and s.effective_database_url.endswith("intake.db")
    assert s.imap_post_action is PostAction.NONE


def test_environment_names_are_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "INTAKE_IMAP_HOST": "imap.example.org",
        "INTAKE_IMAP_PORT": "1993",
        "INTAKE_IMAP_USER": "u",
        "INTAKE_IMAP_PASSWORD": "s3cr3t-value",
        "INTAKE_IMAP_SECURITY": "starttls",
        "INTAKE_IMAP_FOLDER": "Submissions",
        "INTAKE_DATABASE_URL": "postgresql+psycopg://u@db/intake",
        "INTAKE_DATA_DIR": "/srv/intake",
        "INTAKE_POLL_SECONDS": "30",
        "INTAKE_CONFIG": "/etc/intake/events.toml",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    s = load_settings()
    assert (s.imap_host, s.effective_imap_port, s.imap_user, s.imap_security) == (
        "imap.example.org",
        1993,
        "u",
        Security.STARTTLS,
    )
    assert s.imap_password is not None and s.imap_password.get_secret_value() == "s3cr3t-value"
    assert (s.imap_folder, s.effective_database_url, str(s.data_dir), s.poll_seconds, str(s.config)) == (
        "Submissions",
        "postgresql+psycopg://u@db/intake",
        "/srv/intake",
        30,
        "/etc/intake/events.toml",
    )


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"INTAKE_POLL_SECONDS": "soon"}, "INTAKE_POLL_SECONDS"),
        ({"INTAKE_IMAP_PORT": "70000"}, "INTAKE_IMAP_PORT"),
        ({"INTAKE_IMAP_SECURITY": "maybe"}, "INTAKE_IMAP_SECURITY"),
        (
            {
                "INTAKE_IMAP_HOST": "imap.example.org",
                "INTAKE_IMAP_USER": "u",
                "INTAKE_IMAP_PASSWORD": "pw-123",
                "INTAKE_IMAP_SECURITY": "none",
            },
            "INTAKE_IMAP_SECURITY",
        ),
        ({"INTAKE_IMAP_HOST": "imap.example.org", "INTAKE_IMAP_PASSWORD": "pw-123"}, "INTAKE_IMAP_USER"),
        ({"INTAKE_IMAP_HOST": "imap.example.org", "INTAKE_IMAP_USER": "u"}, "INTAKE_IMAP_PASSWORD"),
        (
            {"INTAKE_IMAP_HOST": "h", "INTAKE_IMAP_USER": "u", "INTAKE_IMAP_PASSWORD": "changeme"},
            "placeholder",
        ),
        ({"INTAKE_ACK_LEASE_SECONDS": "299", "INTAKE_SMTP_TIMEOUT_SECONDS": "30"}, "INTAKE_ACK_LEASE_SECONDS"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], needle: str) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError, match=needle):
        load_settings()


def test_security_none_is_allowed_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in {
        "INTAKE_IMAP_HOST": "127.0.0.1",
        "INTAKE_IMAP_USER": "u",
        "INTAKE_IMAP_PASSWORD": "pw-123",
        "INTAKE_IMAP_SECURITY": "none",
    }.items():
        monkeypatch.setenv(k, v)
    assert load_settings().effective_imap_port == 143


def test_a_bad_secret_is_named_but_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_WEB_SECRET", "hunter2-but-short")
    with pytest.raises(SettingsError, match="INTAKE_WEB_SECRET") as error:
        load_settings()
    assert "hunter2" not in str(error.value)


def test_secrets_can_come_from_files_and_a_missing_file_is_named(monkeypatch, tmp_path) -> None:
    secret = tmp_path / "imap_password"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("INTAKE_IMAP_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("INTAKE_DATABASE_URL_FILE", str(secret))
    settings = load_settings()
    assert settings.imap_password.get_secret_value() == "from-a-file"
    monkeypatch.setenv("INTAKE_IMAP_PASSWORD", "direct")  # the variable itself wins
    assert load_settings().imap_password.get_secret_value() == "direct"
    monkeypatch.setenv("INTAKE_SMTP_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match="INTAKE_SMTP_PASSWORD_FILE: cannot read"):
        load_settings()
