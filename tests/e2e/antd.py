"""Driving Ant Design's controls from browser tests."""

from __future__ import annotations

from playwright.sync_api import Error, Page, expect


def choose(page: Page, select_test_id: str, option_test_id: str, keeps_value: bool = False) -> None:
    """Open a Select and pick an option. `keeps_value`: the Select then shows the option (not one that acts and
    resets, such as a picker that inserts a mention), so the pick is checked and made again, up to three times.

    On a busy machine a dropdown inside a dialog can keep moving while the dialog settles (Playwright then waits for
    it to be "stable" until it times out): after a few seconds the option gets its click event directly."""
    select = page.get_by_test_id(select_test_id)
    option = page.get_by_test_id(option_test_id)
    for attempt in range(3 if keeps_value else 1):
        select.click()
        expect(option).to_be_visible()
        label = option.inner_text().strip()
        try:
            option.click(timeout=5_000)
        except Error:
            option.dispatch_event("click")
        if not keeps_value:
            return
        try:
            expect(select).to_contain_text(label, timeout=5_000)
            return
        except AssertionError:
            if attempt == 2:
                raise
