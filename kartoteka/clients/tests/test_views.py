import pytest
from django.urls import reverse
from django.utils import timezone

from kartoteka.clients.models import Client, ClientGroup
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory, NoteFactory

FORM = {"first_name": "Anna", "last_name": "Nowak", "email": "anna@example.pl", "nip": "5250005834",
        "city": "Łódź", "country": "PL"}  # fmt: skip


def _html(response):
    return response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_user_without_a_role_is_refused(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("clients:list")).status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_list_runs_a_fixed_number_of_queries(employee_client, django_assert_max_num_queries, rows):
    groups, labels = [ClientGroupFactory() for _ in range(3)], [LabelFactory() for _ in range(2)]
    for _ in range(rows):
        ClientFactory(groups=groups, labels=labels)
    # 11: the custom attributes of the filter bar, and one per registered Integracje mark (not per row).
    with django_assert_max_num_queries(11):
        response = employee_client.get(reverse("clients:list"))
    assert _html(response).count("row-check") == rows


def test_list_shows_the_columns_and_status(employee_client):
    ClientFactory(first_name="Ewa", last_name="Zielińska", email="ewa@example.pl", phone="+48600123456")
    html = _html(employee_client.get(reverse("clients:list")))
    for text in ("Ewa Zielińska", "ewa@example.pl", "600 123 456", "Aktywny"):
        assert text in html


def test_htmx_request_gets_only_the_results(employee_client):
    ClientFactory(city="Łódź", email="lodz@example.pl")
    response = employee_client.get(reverse("clients:list") + "?q=lodz", headers={"HX-Request": "true"})
    html = _html(response)
    assert "lodz@example.pl" in html
    assert "<html" not in html


def test_htmx_filtering_puts_only_the_chosen_filters_in_the_address(employee_client):
    group = ClientGroupFactory()
    url = reverse("clients:list") + f"?q=lodz&status=active&group={group.id}&label=&created_from=&created_to="
    response = employee_client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == reverse("clients:list") + f"?q=lodz&group={group.id}"


def test_next_page_link_leads_to_the_rest(employee_client, settings):
    settings.KARTOTEKA_PAGE_SIZE = 2
    clients = [ClientFactory() for _ in range(3)]
    first = employee_client.get(reverse("clients:list"))
    next_url = first.context["next_url"]
    second = employee_client.get(reverse("clients:list") + next_url)
    assert [c.id for c in second.context["clients"]] == [clients[0].id]
    assert second.context["next_url"] is None


def test_hand_edited_cursor_falls_back_to_the_first_page(employee_client):
    ClientFactory()
    response = employee_client.get(reverse("clients:list") + "?cursor=garbage")
    assert response.status_code == 200
    assert len(response.context["clients"]) == 1


@pytest.mark.parametrize(
    "query",
    ["created_to=9999-12-31", "created_from=0001-01-01", "group=99999999999999999999", "label=0", "q=kowal%00",
     "grup=3"],
)  # fmt: skip
def test_filter_values_that_used_to_fail_show_a_message_per_field(employee_client, query):
    ClientFactory()
    response = employee_client.get(reverse("clients:list") + "?" + query)
    assert response.status_code == 200
    assert list(response.context["filter_errors"]) == [query.split("=")[0]]
    assert len(response.context["clients"]) == 1


def test_a_cursor_of_another_sort_order_starts_from_the_first_page(employee_client, settings):
    settings.KARTOTEKA_PAGE_SIZE = 1
    clients = [ClientFactory(email=f"{n}@example.pl") for n in "abc"]
    by_email = employee_client.get(reverse("clients:list") + "?sort=email")
    cursor = by_email.context["page"].next_cursor
    response = employee_client.get(reverse("clients:list") + f"?sort=phone&cursor={cursor}")
    assert response.status_code == 200
    assert response.context["first_url"] is None
    assert [c.id for c in response.context["clients"]] == [clients[0].id]


def test_the_list_loads_its_count_once(employee_client):
    html = _html(employee_client.get(reverse("clients:list")))
    assert html.count(reverse("clients:count")) == 1


def test_page_size_parameter_is_kept_in_the_next_page_link(employee_client):
    for _ in range(4):
        ClientFactory()
    response = employee_client.get(reverse("clients:list") + "?limit=3")
    assert len(response.context["clients"]) == 3
    assert "limit=3" in response.context["next_url"]


def test_bad_filter_shows_a_message_instead_of_failing(employee_client):
    response = employee_client.get(reverse("clients:list") + "?created_from=yesterday")
    assert response.status_code == 200
    assert "created_from" in response.context["filter_errors"]


def test_each_active_filter_has_its_own_remove_link(employee_client):
    group = ClientGroupFactory(name="VIP")
    response = employee_client.get(reverse("clients:list") + f"?group={group.id}&q=anna")
    chips = {chip["name"]: chip for chip in response.context["chips"]}
    assert chips["Grupa"]["value"] == "VIP"
    assert chips["Grupa"]["remove_url"] == "?q=anna"


def test_count_of_matching_clients(employee_client):
    group = ClientGroupFactory()
    ClientFactory(groups=[group])
    ClientFactory()
    response = employee_client.get(reverse("clients:count") + f"?group={group.id}")
    assert _html(response).strip() == "1"


def test_bad_nip_is_shown_on_its_field_and_nothing_is_saved(employee_client):
    response = employee_client.post(reverse("clients:create"), {**FORM, "nip": "1234567890"})
    assert response.status_code == 200
    assert "nip" in response.context["form"].errors
    assert not Client.objects.exists()


def test_valid_form_creates_the_client_and_opens_it(employee_client):
    group = ClientGroupFactory()
    response = employee_client.post(reverse("clients:create"), {**FORM, "groups": [group.id]})
    client = Client.objects.get()
    assert response.url == reverse("clients:detail", args=[client.id])
    assert list(client.groups.all()) == [group]


def test_duplicate_warning_then_save_anyway(employee_client):
    ClientFactory(email="anna@example.pl")
    warned = employee_client.post(reverse("clients:create"), FORM)
    assert "duplicate-warning" in _html(warned)
    assert Client.objects.count() == 1
    employee_client.post(reverse("clients:create"), {**FORM, "allow_duplicates": "1"})
    assert Client.objects.count() == 2


def test_edit_form_shows_phone_formatted_and_saves_changes(employee_client):
    client = ClientFactory(phone="+48600123456")
    page = employee_client.get(reverse("clients:edit", args=[client.id]))
    assert 'value="600 123 456"' in _html(page)
    data = {**FORM, "email": client.email, "nip": "", "phone": "600 123 456", "city": "Sopot"}
    employee_client.post(reverse("clients:edit", args=[client.id]), data)
    client.refresh_from_db()
    assert client.city == "Sopot"


def test_an_archived_client_gets_no_edit_form_only_a_message(employee_client, settings):
    settings.LANGUAGE_CODE = "en"
    client = ClientFactory(city="Gdynia", status="inactive", archived_at=timezone.now())
    page = employee_client.get(reverse("clients:edit", args=[client.id]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("clients:detail", args=[client.id])
    assert 'name="city"' not in _html(page)
    assert "Restore it before changing it" in _html(page)
    employee_client.post(reverse("clients:edit", args=[client.id]), {**FORM, "email": client.email, "city": "Sopot"})
    client.refresh_from_db()
    assert client.city == "Gdynia"


def test_group_created_from_the_client_form_comes_back_selected(employee_client):
    old = ClientGroupFactory()
    response = employee_client.post(
        reverse("clients:group_quick_create"), {"new_group_name": "Stali klienci", "groups": [old.id]}
    )
    new = ClientGroup.objects.get(name="Stali klienci")
    html = _html(response)
    assert f'value="{new.id}" selected' in html
    assert f'value="{old.id}" selected' in html


def test_group_quick_create_reports_a_taken_name(employee_client):
    ClientGroupFactory(name="VIP")
    response = employee_client.post(reverse("clients:group_quick_create"), {"new_group_name": "vip"})
    assert "Ta nazwa jest już zajęta." in _html(response)
    assert ClientGroup.objects.count() == 1


def test_status_switch_from_the_client_page(employee_client):
    client = ClientFactory()
    employee_client.post(reverse("clients:status", args=[client.id]), {"status": "inactive"})
    client.refresh_from_db()
    assert client.status == "inactive"


def test_notes_tab_lists_newest_first_and_adds_notes(employee_client, employee):
    client = ClientFactory()
    NoteFactory(client=client, text="Starsza", author=employee)
    employee_client.post(reverse("clients:note_create", args=[client.id]), {"text": "Nowsza"})
    html = _html(employee_client.get(reverse("clients:notes", args=[client.id])))
    assert html.index("Nowsza") < html.index("Starsza")


def test_empty_note_gets_a_message(employee_client):
    client = ClientFactory()
    response = employee_client.post(reverse("clients:note_create", args=[client.id]), {"text": ""})
    assert response.context["form"].errors
    assert not client.notes.exists()


def test_history_tab_shows_who_changed_what(employee_client):
    employee_client.post(reverse("clients:create"), FORM)
    client = Client.objects.get()
    employee_client.post(reverse("clients:edit", args=[client.id]), {**FORM, "city": "Kraków"})
    html = _html(employee_client.get(reverse("clients:history", args=[client.id])))
    assert "Łódź" in html
    assert "Kraków" in html
    assert "Employee1" in html
    assert "Miasto" in html  # the field's label, not its name


def test_unknown_client_is_404(employee_client):
    assert employee_client.get(reverse("clients:detail", args=[999])).status_code == 404


def test_groups_page_adds_and_edits_groups(manager_client):
    manager_client.post(reverse("clients:sets", args=["groups"]), {"name": "Hurt", "color": "#112233"})
    group = ClientGroup.objects.get(name="Hurt")
    manager_client.post(
        reverse("clients:set_edit", args=["groups", group.id]), {"name": "Hurtownie", "color": "#112233"}
    )
    group.refresh_from_db()
    assert group.name == "Hurtownie"


def test_employee_cannot_delete_a_group(employee_client):
    group = ClientGroupFactory()
    response = employee_client.post(reverse("clients:set_edit", args=["groups", group.id]), {"delete": "1"})
    assert response.status_code == 403
    assert ClientGroup.objects.filter(pk=group.pk).exists()


def test_english_is_available(employee_client):
    employee_client.post(reverse("set_language"), {"language": "en", "next": "/clients/"})
    assert "Client list" in _html(employee_client.get(reverse("clients:list")))


def test_rows_show_badges_in_name_order_and_share_one_options_menu(employee_client):
    zebra, alpha = ClientGroupFactory(name="Zebra"), ClientGroupFactory(name="Alfa")
    label = LabelFactory(name="VIP")
    member = ClientFactory(groups=[zebra, alpha], labels=[label])
    ClientFactory()
    html = _html(employee_client.get(reverse("clients:list")))
    row = html[html.index(f'data-client-id="{member.pk}"') :].split("</tr>")[0]
    assert row.index(" Alfa</span>") < row.index(" Zebra</span>") < row.index(">VIP</span>")
    assert html.count('id="row-menu"') == 1
    assert html.count("data-row-menu=") == 2
    assert "/notes/" not in row.split('id="row-menu"')[0]  # the notes link is in the shared menu only


def test_the_row_options_offer_history_only_to_users_who_may_read_it(client, employee, settings):
    settings.LANGUAGE_CODE = "en"
    from django.contrib.auth.models import Permission

    from kartoteka.accounts.models import User

    ClientFactory(first_name="Ala")
    reader = User.objects.create_user(username="reader1", password="Secret-pass-123")
    names = [p.split(".")[1] for p in employee.get_all_permissions() if p != "audit.view_auditevent"]
    reader.user_permissions.set(Permission.objects.filter(codename__in=names))
    for user, shown in ((employee, True), (reader, False)):
        client.force_login(user)
        for headers in ({}, {"HX-Request": "true"}):
            page = client.get(reverse("clients:list"), headers=headers)
            assert page.status_code == 200
            html = page.content.decode()
            assert "Ala" in html
            assert ("Show history" in html) is (shown and not headers), (user, headers)
            assert ("/history/" in html) is (shown and not headers), (user, headers)
