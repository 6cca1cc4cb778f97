"""How the app is served, checked without a browser: local address, local fonts, the upload
limit and the optional password from the settings."""

from __future__ import annotations

import gradio as gr

import app_gradio
from waishi.settings import Settings


def test_defaults_bind_locally_with_system_fonts_and_no_password() -> None:
    options = app_gradio.launch_options(Settings())
    assert options["server_name"] == "127.0.0.1" and options["server_port"] == 7860
    assert options["auth"] is None and options["ssr_mode"] is False
    assert options["max_file_size"] == Settings().max_upload_bytes
    theme = options["theme"]
    fonts = [*theme._font, *theme._font_mono]
    assert fonts and not [f for f in fonts if isinstance(f, gr.themes.GoogleFont)]
    assert "@import" not in theme._get_theme_css()
    assert "fonts.googleapis" not in theme._get_theme_css()


def test_a_password_from_the_settings_turns_on_login() -> None:
    settings = Settings(host="0.0.0.0", port=9000, password="s3cret", max_upload_bytes=1024)
    options = app_gradio.launch_options(settings)
    check = options["auth"]
    assert check("analyst", "s3cret") and not check("analyst", "wrong") and not check("", "")
    assert (options["server_name"], options["server_port"], options["max_file_size"]) == (
        "0.0.0.0", 9000, 1024)
