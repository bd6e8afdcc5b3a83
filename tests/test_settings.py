"""Settings: the environment over a `.env` file; secrets never in a repr."""

from __future__ import annotations

from datetime import date, time

import pytest

from evalaudit.settings import (
    SettingsError,
    apply_env_file,
    load_settings,
    masked_url,
    read_env_file,
    secret_values,
)

PG = "postgresql+psycopg://audit:Pa55-w0rd@db.example:5432/evalaudit"


def test_a_settings_file_reads_comments_quotes_and_export_lines(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "# the bureau's mail\n\nexport EVALAUDIT_SMTP_HOST=mail.example\n"
        "EVALAUDIT_MAIL_FROM='审核 <a@b.example>'\nEVALAUDIT_CRON=30 1 * * *  # weekdays too\n"
        'EVALAUDIT_SMTP_PASSWORD="p#ss word"\n',
        encoding="utf-8",
    )
    assert read_env_file(path) == {
        "EVALAUDIT_SMTP_HOST": "mail.example",
        "EVALAUDIT_MAIL_FROM": "审核 <a@b.example>",
        "EVALAUDIT_CRON": "30 1 * * *",
        "EVALAUDIT_SMTP_PASSWORD": "p#ss word",
    }


def test_a_malformed_line_is_named_by_its_number(tmp_path):
    path = tmp_path / ".env"
    path.write_text("EVALAUDIT_CRON=0 2 * * *\nthis is not a setting\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="第 2 行"):
        read_env_file(path)


def test_the_environment_wins_over_the_file_and_empty_lines_leave_a_setting_unset(tmp_path):
    path = tmp_path / "evalaudit.env"
    path.write_text("EVALAUDIT_STORE_URL=sqlite:///from-file.db\nEVALAUDIT_SMTP_HOST=\nEVALAUDIT_DUE_BY=06:30\n")
    environ = {"EVALAUDIT_ENV_FILE": str(path), "EVALAUDIT_STORE_URL": "sqlite:///from-env.db"}
    assert apply_env_file(environ) == path
    assert environ["EVALAUDIT_STORE_URL"] == "sqlite:///from-env.db"
    assert "EVALAUDIT_SMTP_HOST" not in environ
    settings = load_settings(environ)
    assert (settings.store_url, settings.due_by, settings.smtp) == ("sqlite:///from-env.db", time(6, 30), None)


def test_a_named_settings_file_that_is_missing_is_an_error_but_no_dotenv_is_fine(tmp_path, monkeypatch):
    with pytest.raises(SettingsError, match="找不到设置文件"):
        apply_env_file({"EVALAUDIT_ENV_FILE": str(tmp_path / "missing.env")})
    monkeypatch.chdir(tmp_path)
    assert apply_env_file({}) is None


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("EVALAUDIT_DUE_BY", "7点", "时:分"),
        ("EVALAUDIT_LEASE_WAIT", "-5", "秒数"),
        ("EVALAUDIT_SMTP_SECURITY", "tls", "starttls"),
        ("EVALAUDIT_RESUBMIT_DAYS", "十天", "天数"),
        ("EVALAUDIT_RESUBMIT_BY", "12月31日", "2026-12-31"),
        ("EVALAUDIT_MAIL_FROM", "", "发件人地址"),
    ],
)
def test_a_malformed_value_names_the_setting(name, value, says):
    environ = {"EVALAUDIT_SMTP_HOST": "mail.example", "EVALAUDIT_MAIL_FROM": "a@b.example", name: value}
    with pytest.raises(SettingsError, match=says):
        load_settings(environ)


def test_secrets_are_in_no_repr_and_the_store_is_shown_with_its_password_masked():
    settings = load_settings(
        {
            "EVALAUDIT_STORE_URL": PG,
            "EVALAUDIT_SMTP_HOST": "m",
            "EVALAUDIT_SMTP_PASSWORD": "smtp-Pw9",
            "EVALAUDIT_MAIL_FROM": "a@b.example",
        }
    )
    shown = repr(settings)
    assert "Pa55-w0rd" not in shown and "smtp-Pw9" not in shown and "audit:" not in shown
    assert "Pa55-w0rd" not in settings.store_label and "db.example" in settings.store_label
    assert masked_url(None) == "sqlite:///data/evalaudit.db"
    assert set(secret_values({"EVALAUDIT_STORE_URL": PG, "EVALAUDIT_SMTP_PASSWORD": "smtp-Pw9"})) == {
        PG,
        "smtp-Pw9",
        "Pa55-w0rd",
    }


def test_what_a_units_email_says_of_deadline_channel_and_contact_comes_from_the_settings():
    settings = load_settings(
        {
            "EVALAUDIT_RESUBMIT_DAYS": "10",
            "EVALAUDIT_BUREAU_CONTACT": "绩效科 王芳 0935-1234567",
            "EVALAUDIT_RESUBMIT_CHANNEL": "https://upload.example/jx",
            "EVALAUDIT_REPORTS_SHARE": r"\\czj-fs\审核报告",
        }
    )
    terms = settings.terms
    assert (terms.contact, terms.channel, settings.reports_share) == (
        "绩效科 王芳 0935-1234567",
        "https://upload.example/jx",
        r"\\czj-fs\审核报告",
    )
    assert terms.deadline(date(2026, 12, 1)) == date(2026, 12, 11)
    fixed = load_settings({"EVALAUDIT_RESUBMIT_DAYS": "10", "EVALAUDIT_RESUBMIT_BY": "2026-12-20"}).terms
    assert fixed.deadline(date(2026, 12, 1)) == date(2026, 12, 20)  # the date wins
    assert load_settings({}).terms.deadline(date(2026, 12, 1)) is None
