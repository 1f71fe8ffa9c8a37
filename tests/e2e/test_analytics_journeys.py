"""The monthly dashboard, as a manager uses it in a browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from analytics.months import add_months, current_month
from analytics.services import compute_snapshot
from community.models.communities import Role
from tests.analytics.conftest import OCTOBER, Network, network  # noqa: F401  (the fixture)
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_reads_the_dashboard_switches_month_and_downloads_the_csv(
    page: Page,
    live_server: Any,
    network: Network,  # noqa: F811
    login_as: Callable[[Any], None],
    shoot: Callable[[str], None],
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    for month in (add_months(OCTOBER, -1), OCTOBER, current_month()):
        for c in (network.nation, network.chapter_a, network.chapter_b):
            compute_snapshot(community_id=c.pk, month=month)
    manager = MembershipFactory(
        community=network.nation, role=Role.MANAGER, member__display_name="Martine Manager"
    ).member
    login_as(manager)

    # From the community's page, the Dashboard tab.
    page.goto(f"{live_server.url}/c/{network.nation.slug}/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Provisional")
    shoot("analytics-dashboard-current")

    # Switch to October 2026 with the month picker.
    page.get_by_label("Month", exact=True).select_option("2026-10")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/c/{network.nation.slug}/dashboard/?month=2026-10")
    expect(page.get_by_role("heading", level=1)).to_contain_text("October 2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Final")
    expect(page.locator('td[data-figure="members_active"]')).to_have_text("5")
    # Each chart has its table behind it.
    chart = page.locator("figure.dashboard-chart", has_text="Active members").first
    chart.get_by_text("The figures behind the chart").click()
    expect(chart.locator("table")).to_be_visible()
    expect(page.get_by_role("heading", name="Chapters side by side")).to_be_visible()
    shoot("analytics-dashboard-october")

    # Download the figures.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the figures (CSV)").click()
    download = info.value
    assert download.suggested_filename == "nation-2026-10.csv"
    target = tmp_path / "figures.csv"
    download.save_as(target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",2026-09,2026-10")
    assert any(
        line.startswith("Active members,members_active,") and line.endswith(",2,5")
        for line in lines
    )
    assert console_errors == []
