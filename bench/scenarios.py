"""The timed scenarios: real requests through the URL, middleware, view, selector and template.

Import only after django.setup().
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.db.models import Count
from django.test import Client as HttpClient

from kartoteka.accounts.models import User
from kartoteka.accounts.roles import ADMINISTRATOR
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client, ClientGroup
from kartoteka.core.pagination import encode_cursor

PAGE_SIZE = 50
DEEP_PAGE = 5_000
ROW = re.compile(rb'data-client-id="(\d+)"')


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    url: str
    target: bool = True  # one of the targets (others are extra information)
    expect_first_id: int | None = None

    @property
    def is_count(self) -> bool:
        return self.url.startswith("/clients/count/")

    def check(self, body: bytes) -> int:
        """The count, or the number of rows shown; fails when the page is not the expected one."""
        if self.is_count:
            return int(body.decode().strip())
        ids = [int(m) for m in ROW.findall(body)]
        if self.expect_first_id is not None and (not ids or ids[0] != self.expect_first_id):
            raise AssertionError(f"{self.name}: first row {ids[:1]}, expected {self.expect_first_id}")
        return len(ids)


def logged_in_client() -> HttpClient:
    user = User.objects.filter(username="bench-admin").first()
    if user is None:
        user = User.objects.create_user(username="bench-admin", password=None, first_name="Bench")
        user.groups.add(Group.objects.get(name=ADMINISTRATOR))
    http = HttpClient()
    http.force_login(user)
    return http


def deep_page(sort: str, page: int) -> tuple[str, int]:
    """The cursor that opens `page` (the sort key of the row before it) and its first row's id.

    Computed from the sort key directly, so no need to click "next" 4,999 times.
    """
    filters = ClientFilter(sort=sort)
    spec = filters.sort_spec
    offset = (page - 1) * PAGE_SIZE - 1
    rows = filters.apply(Client.objects.all()).order_by(*spec.order_by()).values_list(*spec.keys)
    before, first = rows[offset : offset + 2]
    values = [v.isoformat() if hasattr(v, "isoformat") else v for v in before]
    return encode_cursor(values, spec.name), first[-1]


def scenarios() -> list[Scenario]:
    sizes = list(ClientGroup.objects.annotate(n=Count("clients")).order_by("-n").values_list("id", "n"))
    largest, smallest = sizes[0], sizes[-1]
    # The target scenarios use a group of average size (its share of all memberships);
    # the largest and smallest groups are reported too.
    average = sum(n for _, n in sizes) / len(sizes)
    typical = min(sizes, key=lambda s: abs(s[1] - average))
    # Page 5,000, or the last full page of a smaller database.
    page = min(DEEP_PAGE, ClientFilter().apply(Client.objects.all()).count() // PAGE_SIZE - 1)
    cursor, first_id = deep_page("-id", page)
    name_cursor, name_first_id = deep_page("name", page)

    def url(path: str = "/clients/", **params: object) -> str:
        return f"{path}?{urlencode(params)}" if params else path

    def members(group: tuple[int, int]) -> str:
        return f"{group[1]:,} members"

    count = "/clients/count/"
    return [
        Scenario("list_first_page", "the list as it opens: active clients, newest first", url()),
        Scenario(
            "list_first_page_3_rows",
            "the same request with 3 rows a page: what is left without rendering 47 rows",
            url(limit=3),
            target=False,
        ),
        Scenario(
            "list_page_5000",
            f"page {page:,} (rows {(page - 1) * PAGE_SIZE + 1:,}-{page * PAGE_SIZE:,}) through the keyset cursor",
            url(cursor=cursor),
            expect_first_id=first_id,
        ),
        Scenario("search_name_prefix", "search 'kowal' (Kowalski, Kowalska, Kowalczyk ...)", url(q="kowal")),
        Scenario("search_email_fragment", "search '@interia' (part of many e-mail addresses)", url(q="@interia")),
        Scenario("search_phone_digits", "search '600 12' (phone digits typed with a space)", url(q="600 12")),
        Scenario("filter_group", f"filter by a group of average size ({members(typical)})", url(group=typical[0])),
        Scenario("count_filter_group", "the count endpoint for that group", url(count, group=typical[0])),
        Scenario(
            "list_page_5000_by_name",
            f"page {page:,} sorted by name",
            url(sort="name", cursor=name_cursor),
            target=False,
            expect_first_id=name_first_id,
        ),
        Scenario("search_full_email", "search a whole e-mail address", url(q=_some_email()), target=False),
        Scenario(
            "search_sorted_by_email", "search 'kowal' sorted by e-mail", url(q="kowal", sort="email"), target=False
        ),
        Scenario(
            "filter_group_and_search", "the average group and 'kowal'", url(group=typical[0], q="kowal"), target=False
        ),
        Scenario(
            "filter_largest_group", f"the largest group ({members(largest)})", url(group=largest[0]), target=False
        ),
        Scenario("count_largest_group", "the count endpoint for it", url(count, group=largest[0]), target=False),
        Scenario(
            "filter_smallest_group", f"the smallest group ({members(smallest)})", url(group=smallest[0]), target=False
        ),
        Scenario(
            "count_all_active", "the count endpoint with no filter (all active clients)", url(count), target=False
        ),
    ]


def _some_email() -> str:
    return str(Client.objects.filter(status="active").order_by("id").values_list("email", flat=True)[1000])
