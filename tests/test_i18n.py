"""Her language: every shipped language complete, the pages in it (left to right or right to
left), the switcher, and the choice saved on her profile."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
#: Every language but the source, as its folder under locale/ is named.
SHIPPED = [code.replace("-br", "_BR") for code, _ in settings.LANGUAGES if code != "en-gb"]
#: What each language's login page must say (a string of the page's frame).
SKIP_LINK = {
    "it": "Vai al contenuto",
    "es": "Ir al contenido",
    "fr": "Aller au contenu",
    "de": "Zum Inhalt springen",
    "pt-br": "Ir para o conteúdo",
    "ar": "انتقل إلى المحتوى",
}


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def keys(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


def test_seven_languages_ship_english_first():
    assert [code for code, _ in settings.LANGUAGES] == ["en-gb", "it", "es", "fr", "de", "pt-br", "ar"]
    assert sorted(path.name for path in (ROOT / "locale").iterdir() if path.is_dir()) == sorted(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    empty_plurals = [e.msgid for e in po if e.msgid_plural and not all(e.msgstr_plural.values())]
    assert (untranslated, fuzzy, empty_plurals) == ([], [], [])
    assert len(keys(po)) > 0 and po.metadata["Language"] == language


@pytest.mark.parametrize("language", SHIPPED)
def test_each_catalogue_compiles_with_gettext_s_checks(language):
    """Placeholders kept, every plural form of the language given, the header complete."""
    po_file = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    checked = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,  # noqa: S607
    )
    assert (checked.returncode, checked.stderr) == (0, "")


def test_the_catalogues_hold_exactly_the_messages_the_code_marks(tmp_path):
    """``makemessages`` run on a copy of the code, into an empty locale folder: a message the
    code marks that a catalogue lacks, or one it no longer marks, fails here."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: `make messages` installs it (Debian's gettext)")
    for part in ("accounts", "config", "templates", "tracker", "manage.py"):
        source = ROOT / part
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / part)
    (tmp_path / "locale").mkdir()
    command = [sys.executable, "manage.py", "makemessages", "-l", "it", "--no-location", "--verbosity", "0"]
    subprocess.run(command, cwd=tmp_path, check=True, env={"DEBUG": "1", "PATH": "/usr/bin:/bin"})  # noqa: S603
    marked = keys(polib.pofile(str(tmp_path / "locale" / "it" / "LC_MESSAGES" / "django.po")))
    for language in SHIPPED:
        held = keys(catalogue(language))
        assert sorted(marked - held, key=str) == [], f"{language} lacks these: run makemessages"
        assert sorted(held - marked, key=str) == [], f"{language} holds messages no longer marked"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction"), [(code, "rtl" if code == "ar" else "ltr") for code in SKIP_LINK]
)
def test_a_page_in_each_language_says_so_and_reads_its_way(client, language, direction):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/accounts/login/").content.decode()

    assert f'<html lang="{language}" dir="{direction}"' in page
    assert SKIP_LINK[language] in page
    stylesheet = "bootstrap.rtl.min.css" if direction == "rtl" else "bootstrap.min.css"
    assert f"vendor/bootstrap/{stylesheet}" in page


@pytest.mark.django_db
def test_the_first_visit_speaks_the_browser_s_language(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9,en;q=0.5").content.decode()
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()

    assert '<html lang="it"' in page and "Vai al contenuto" in page
    assert '<html lang="en-gb"' in english and "Skip to content" in english


@pytest.mark.django_db
def test_her_choice_is_saved_on_her_profile_and_follows_her_to_another_browser(mother, mother_client):
    response = mother_client.post("/accounts/language/", {"language": "de", "next": "/dashboard/"})

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert User.objects.get(pk=mother.pk).language == "de"
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="fr")  # her other phone, in French
    elsewhere.force_login(mother)
    page = elsewhere.get("/setup/").content.decode()
    assert '<html lang="de"' in page and ">Heute</a>" in page


@pytest.mark.django_db
def test_a_switch_signed_out_keeps_to_the_cookie_and_never_leaves_the_site(client):
    away = client.post("/accounts/language/", {"language": "es", "next": "https://evil.example/"})
    unknown = client.post("/accounts/language/", {"language": "xx", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()

    assert away.status_code == 302 and away["Location"] == "/"
    assert unknown.status_code == 302 and unknown["Location"] == "/"
    assert '<html lang="es"' in page and "Ir al contenido" in page


@pytest.mark.django_db
def test_the_switcher_offers_every_language_in_its_own_name_and_marks_the_current_one(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/accounts/login/").content.decode()

    for code, name in settings.LANGUAGES:
        selected = " selected" if code == "fr" else ""
        assert f'<option value="{code}" lang="{code}"{selected}>{name}</option>' in page
    assert "Changer" in page and "Langue" in page


@pytest.mark.django_db
def test_the_log_in_page_and_its_form_speak_italian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    page = client.get("/accounts/login/").content.decode()
    refused = client.post("/accounts/login/", {"username": "nobody@example.org", "password": "wrong"})

    assert '<h1 class="h4 mb-3">Accedi</h1>' in page
    assert 'Sei nuova? <a href="/accounts/signup/">Crea un account</a>' in page
    assert "Email e password non corrispondono." in refused.content.decode()
