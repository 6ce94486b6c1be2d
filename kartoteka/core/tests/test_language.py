from django.urls import reverse


def test_web_ui_is_polish_even_when_the_browser_prefers_english(client):
    page = client.get(reverse("accounts:login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Zaloguj się" in page.content.decode()


def test_chosen_language_wins(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login"), headers={"Accept-Language": "pl"})
    assert "Log in" in page.content.decode()


def test_api_answers_in_the_language_the_client_asks_for(client):
    polish = client.get("/api/clients")
    english = client.get("/api/clients", headers={"Accept-Language": "en"})
    assert polish.status_code == english.status_code == 401
    assert english.headers["Content-Language"] == "en"
    assert polish.headers["Content-Language"] == "pl"
