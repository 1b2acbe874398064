"""The main journeys in a real Chromium, an accessibility scan, and screenshots."""

import csv
import io
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import CASEWORKER
from playwright.sync_api import expect

ATOM = "{http://www.w3.org/2005/Atom}"


def search(page, query):
    page.goto("/soeg/")
    page.get_by_label("Søgeord").fill(query)
    page.get_by_role("button", name="Søg", exact=True).click()


def result_titles(page):
    return [t.strip() for t in page.locator(".result h3").all_inner_texts()]


def test_1_politician_follows_an_organisation_across_municipalities(page):
    search(page, "Code of Care")
    expect(page.locator("#results-heading")).to_contain_text("3 punkter")
    page.locator(".facet").filter(has_text="Kommune").get_by_role("link", name="Slagelse").click()
    expect(page.locator("#results-heading")).to_contain_text("1 punkt")
    assert "municipality=Slagelse" in page.url
    page.locator(".result h3 a").first.click()
    expect(page.locator("h1")).to_contain_text("Samarbejdsopstart med organisation om virksomhedsydelse")
    organisations = page.locator(".item-aside section").filter(has=page.get_by_role("heading", name="Organisationer"))
    organisations.get_by_role("link", name="Code of Care").click()
    expect(page.locator("h1")).to_have_text("Code of Care")
    expect(page.get_by_role("heading", name="Tidslinje")).to_be_visible()
    timeline = page.locator(".timeline").all_inner_texts()
    joined = " ".join(timeline)
    assert "Slagelse" in joined and "Fredericia" in joined and "317.000 kr." in joined


def test_2_misspelling_offers_a_one_click_fix(page):
    search(page, "KLAPjb")
    suggestion = page.locator(".suggestion a")
    expect(suggestion).to_have_text("KLAPjob")
    suggestion.click()
    expect(page.locator("#results-heading")).to_contain_text("2 punkter")
    assert any("KLAPjob" in t for t in result_titles(page))


def test_3_date_range_and_sort_survive_a_reload(page):
    search(page, "beskæftigelse")
    everything = page.locator("#results-heading").inner_text()
    page.get_by_label("Fra").fill("2022-01-01")
    page.get_by_label("Sortering").select_option("oldest")
    page.get_by_role("button", name="Søg", exact=True).click()
    narrowed = page.locator("#results-heading").inner_text()
    assert narrowed != everything
    dates = page.locator(".result time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert dates == sorted(dates) and all(d >= "2022-01-01" for d in dates)
    url, titles = page.url, result_titles(page)
    page.reload()
    assert page.url == url and result_titles(page) == titles
    expect(page.get_by_label("Fra")).to_have_value("2022-01-01")
    expect(page.get_by_label("Sortering")).to_have_value("oldest")


def test_4_caseworker_sees_a_closed_item_the_public_does_not(page):
    search(page, "Personsag")
    expect(page.locator("#results-heading")).to_contain_text("0 punkter")
    page.get_by_role("link", name="Log ind").click()
    page.get_by_label("Brugernavn").fill(CASEWORKER[0])
    page.get_by_label("Adgangskode").fill(CASEWORKER[1])
    page.get_by_role("button", name="Log ind").click()
    search(page, "Personsag")
    expect(page.locator("#results-heading")).to_contain_text("1 punkt")
    page.locator(".result h3 a").first.click()
    closed_url = page.url
    expect(page.locator(".badge-closed").first).to_be_visible()
    page.get_by_role("button", name="Log ud").click()
    search(page, "Personsag")
    expect(page.locator("#results-heading")).to_contain_text("0 punkter")
    assert page.goto(closed_url).status == 404


def test_5_feed_and_csv_carry_the_same_results(page):
    search(page, "handicap")
    titles = result_titles(page)
    feed = page.request.get(page.locator('link[rel="alternate"]').get_attribute("href"))
    entries = ET.fromstring(feed.body()).findall(f"{ATOM}entry")
    assert len(entries) == len(titles)
    csv_href = page.get_by_role("link", name="Hent alle resultater som CSV").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(page.request.get(csv_href).body().decode("utf-8-sig")), delimiter=";"))
    assert sorted(r["titel"] for r in rows) == sorted(re.sub(r"^\d+\. ", "", t) for t in titles)


def test_6_keyboard_only(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Spring til indhold"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"
    for _ in range(10):  # from the main landmark to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    page.keyboard.type("beskæftigelse")
    page.keyboard.press("Enter")
    page.wait_for_url("**/soeg/?q=*")
    # Tab to the first facet value and follow it with Enter
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.facet') !== null"):
            break
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "municipality=" in page.url or "committee=" in page.url
    # Pagination by keyboard on the browse list (more than 20 items)
    page.goto("/soeg/?q=")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('rel')") == "next":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2*")


def test_7_language_switch(page):
    page.goto("/soeg/?q=handicap")
    page.get_by_label("Sprog").select_option("en")
    page.get_by_role("button", name="Skift sprog").click()
    expect(page.get_by_role("link", name="Municipalities")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "q=handicap" in page.url
    page.get_by_label("Language").select_option("da")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("link", name="Kommuner")).to_be_visible()


@pytest.mark.parametrize("width", [375, 1280])
def test_8_pages_fit_phone_and_desktop_widths(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for url in ["/", "/soeg/?q=Code+of+Care", "/organisationer/code-of-care/", "/opfoelgning/", "/kommuner/"]:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways at {width} px"
        expect(page.get_by_role("link", name="Søg", exact=True)).to_be_visible()


AXE_PAGES = ["/", "/soeg/?q=Code+of+Care", "/organisationer/code-of-care/", "/opfoelgning/"]


@pytest.mark.parametrize("url", AXE_PAGES + ["item", "meeting"])
def test_accessibility_scan_finds_nothing_serious(page, axe, url):
    if url in ("item", "meeting"):
        page.goto("/soeg/?q=social+investering")
        page.locator(".result h3 a").first.click()
        if url == "meeting":
            page.locator(".breadcrumb a").last.click()
    else:
        page.goto(url)
    page.add_script_tag(content=axe)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the IHDR chunk


def test_screenshots(page):
    """The README's pictures show what their captions say; written when SCREENSHOTS names a folder
    (make screenshots)."""
    folder = os.environ.get("SCREENSHOTS")
    page.goto("/soeg/?q=Code+of+Care")
    expect(page.locator("#results-heading")).to_contain_text("3 punkter")
    expect(page.locator(".result mark").first).to_have_text("Code")
    expect(page.locator(".result .badge").first).to_be_visible()
    results, facets = page.locator(".results").bounding_box(), page.locator(".facets").bounding_box()
    assert facets["x"] >= results["x"] + results["width"] or facets["x"] + facets["width"] <= results["x"], \
        "the facet column stands beside the results"
    search_png = page.screenshot(full_page=True)
    page.goto("/organisationer/code-of-care/")
    expect(page.locator("h1")).to_have_text("Code of Care")
    timeline = " ".join(page.locator(".timeline").all_inner_texts())
    assert "Slagelse" in timeline and "Fredericia" in timeline and "317.000 kr." in timeline
    organisation_png = page.screenshot(full_page=True)
    assert png_size(search_png)[0] == png_size(organisation_png)[0] == 1280
    assert png_size(search_png)[1] >= 900 and png_size(organisation_png)[1] >= 900  # the whole page, not a crop
    assert search_png != organisation_png
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "search.png").write_bytes(search_png)
        (Path(folder) / "organisation.png").write_bytes(organisation_png)
