#!/usr/bin/python3
"""The web app in a real browser (headless Chromium through Selenium).

    web_app_test.py BUILD_DIR SOURCE_DIR

Imports the demo data, starts helixmatch-server with an HTTP port, the demo
programmes and the demo tokens file, and drives the app as its three kinds
of users would, each with its own demo token: a wrong token; a company
picking one of its needs (the top suggestion's name, barrier cards, the
ladder, the suggestions downloaded as CSV), one explained pair and the
outcome loop's decline chart; a TTO picking one of its capabilities, then
typing one; signing out leaving nothing behind; a programme uploading the
demo batch as JSONL and as CSV (12 ranked rows, the two ineligible
proposals marked, a full report with its pathway ladder, the table
downloaded as CSV, files it cannot read refused in words); and the phone
layout. Every step that fails saves a
screenshot under BUILD_DIR/web-app/; the company search is saved as
BUILD_DIR/web-app/company-search.png (shown in the README).

Uses Debian's /usr/bin/python3 with python3-selenium, chromium and
chromium-driver (scripts/install-deps.sh).
"""
import csv
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

FIRM_TOKEN = "demo-tokyrau-copper-0123456789"
TTO_TOKEN = "demo-saryarka-tu-0123456789"
PROGRAMME_TOKEN = "demo-applied-research-0123456789"
WAIT_SECONDS = 30


class Server:
    """helixmatch-server on the demo data, on free ports."""

    def __init__(self, build, source, work):
        data = os.path.join(source, "data", "demo")
        db = os.path.join(work, "db")
        subprocess.run(
            [os.path.join(build, "indexer", "helixmatch-indexer"), "import",
             "--db", db] + [os.path.join(data, f) for f in (
                 "organizations.jsonl", "capabilities.jsonl", "needs.jsonl",
                 "ties.jsonl")],
            check=True, stdout=subprocess.DEVNULL)
        # The server refuses a tokens file others may read, and git keeps
        # no file modes: a copy only this user may read.
        tokens = os.path.join(work, "tokens")
        shutil.copyfile(os.path.join(data, "principals.example"), tokens)
        os.chmod(tokens, 0o600)
        port_file = os.path.join(work, "port")
        http_port_file = os.path.join(work, "http-port")
        self.log = open(os.path.join(work, "server.log"), "w")
        self.process = subprocess.Popen(
            [os.path.join(build, "services", "helixmatch-server"), "--db", db,
             "--listen", "127.0.0.1:0", "--port-file", port_file,
             "--http-listen", "127.0.0.1:0", "--http-port-file", http_port_file,
             "--programmes", os.path.join(data, "programmes"),
             "--principals", tokens,
             "--web-root", os.path.join(source, "web"),
             "--reference-year", "2025"],
            stderr=self.log)
        deadline = time.time() + 90  # loads 136 MB of word vectors
        while not (os.path.exists(port_file) and os.path.getsize(port_file)):
            if self.process.poll() is not None or time.time() > deadline:
                raise RuntimeError("helixmatch-server did not start; see " +
                                   self.log.name)
            time.sleep(0.1)
        with open(http_port_file) as f:
            self.url = "http://127.0.0.1:%s" % f.read().strip()

    def call(self, method, body, token):
        request = urllib.request.Request(
            "%s/helixmatch.v1.MatchService/%s" % (self.url, method),
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json",
                     "Authorization": "Bearer " + token})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def chromium(work, downloads):
    options = webdriver.ChromeOptions()
    options.add_experimental_option("prefs", {
        "download.default_directory": downloads,
        "download.prompt_for_download": False})
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1000",
                 "--user-data-dir=" + os.path.join(work, "chromium")):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                              options=options)
    # Headless Chromium saves downloads only when told where.
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": downloads})
    return driver


class WebAppTest:
    def __init__(self, server, driver, shots, downloads):
        self.server = server
        self.driver = driver
        self.shots = shots
        self.downloads = downloads
        self.wait = WebDriverWait(driver, WAIT_SECONDS)
        self.passed = 0
        self.failed = 0

    def step(self, name, body):
        start = time.time()
        try:
            body()
            self.passed += 1
            print("ok   %-34s %.1f s" % (name, time.time() - start), flush=True)
        except Exception:  # report, screenshot, go on with the next step
            self.failed += 1
            shot = os.path.join(self.shots, "failed-%s.png" % name)
            self.driver.save_screenshot(shot)
            print("FAIL %s (screenshot %s)" % (name, shot), flush=True)
            traceback.print_exc()
            message = self.driver.find_elements(By.ID, "message")
            if message and message[0].is_displayed():
                print("     page says: " + message[0].text)

    def screenshot(self, name, width, height):
        """Saves the page at width x height, then goes back to the usual size."""
        self.driver.set_window_size(width, height)
        self.driver.save_screenshot(os.path.join(self.shots, name))
        self.driver.set_window_size(1280, 1000)

    def visible(self, selector):
        return self.wait.until(ec.visibility_of_element_located(
            (By.CSS_SELECTOR, selector)))

    def sign_in(self, token):
        self.driver.get(self.server.url + "/")
        field = self.visible("#token")
        field.clear()
        field.send_keys(token)
        self.driver.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()

    def sign_out(self):
        self.driver.find_element(By.ID, "sign-out").click()
        self.visible("#sign-in")

    def download_csv(self, link_selector, name):
        """Clicks a CSV link; returns the downloaded file's rows as dicts."""
        path = os.path.join(self.downloads, name)
        if os.path.exists(path):
            os.remove(path)
        self.driver.find_element(By.CSS_SELECTOR, link_selector).click()
        deadline = time.time() + WAIT_SECONDS
        while not os.path.exists(path) or glob.glob(path + ".crdownload"):
            assert time.time() < deadline, "no download of " + name
            time.sleep(0.1)
        with open(path, newline="", encoding="utf-8-sig") as f:
            return list(csv.DictReader(f))

    def tab(self, name):
        self.driver.find_element(
            By.CSS_SELECTOR, '.tabs button[data-view="%s"]' % name).click()

    # ------------------------------------------------------------ steps

    def wrong_token(self):
        self.sign_in("not-a-known-token-0123456789")
        message = self.visible("#message")
        assert "token" in message.text.lower(), message.text
        assert not self.driver.find_element(By.ID, "app").is_displayed()

    def company_search(self):
        expected = self.server.call(
            "Recommend", {"needId": "need:demo-flotation", "k": 5},
            FIRM_TOKEN)["suggestions"][0]["organization"]["name"]
        self.sign_in(FIRM_TOKEN)
        self.visible("#app")
        self.wait.until(lambda d: "Tokyrau Copper" in d.find_element(
            By.ID, "session-stats").text)
        pick = Select(self.visible("#company-pick"))
        assert [o.get_attribute("value") for o in pick.options] == [
            "", "need:demo-flotation", "need:tokyrau-graduates",
            "need:tokyrau-tailings-ru"], \
            [o.text for o in pick.options]
        pick.select_by_value("need:demo-flotation")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#company-form button").click()
        first = self.visible("#company-results .suggestion .org-name")
        assert first.text == expected, (first.text, expected)
        cards = self.driver.find_elements(
            By.CSS_SELECTOR, "#company-results .suggestion:first-of-type .barrier")
        assert len(cards) == 12, len(cards)
        assert self.driver.find_elements(
            By.CSS_SELECTOR, "#company-results .suggestion:first-of-type svg.ladder")
        assert self.driver.find_elements(By.CSS_SELECTOR,
                                         "#company-results mark")
        self.screenshot("company-search.png", 1280, 2000)

    def company_csv(self):
        rows = self.download_csv("#company-results .csv-link",
                                 "company-suggestions.csv")
        assert len(rows) == 5, rows
        first = self.driver.find_element(
            By.CSS_SELECTOR, "#company-results .suggestion .org-name").text
        assert rows[0]["rank"] == "1" and rows[0]["organization"] == first, \
            rows[0]
        assert rows[0]["organization_id"].startswith("org:"), rows[0]

    def tto_search(self):
        self.sign_out()
        self.sign_in(TTO_TOKEN)
        # A university starts on the TTO view.
        pick = Select(self.visible("#tto-pick"))
        pick.select_by_value("cap:demo-flotation-lab")
        self.driver.find_element(By.CSS_SELECTOR, "#tto-form button").click()
        first = self.visible("#tto-results .suggestion .org-name")
        assert first.text, "no firm named"
        assert "firm" in self.driver.find_element(
            By.CSS_SELECTOR, "#tto-results .suggestion .org-meta").text
        # Typed instead of picked: the typed text replaces the pick.
        self.driver.find_element(By.ID, "tto-text").send_keys(
            "coal mine methane drainage and roof stability monitoring")
        self.driver.find_element(By.CSS_SELECTOR, "#tto-form button").click()
        assert self.driver.find_element(By.ID, "tto-capability") \
            .get_attribute("value") == ""
        self.wait.until(lambda d: "candidate profiles" in d.find_element(
            By.ID, "tto-results").text and d.find_elements(
                By.CSS_SELECTOR, "#tto-results .suggestion"))
        # Without a funding call the weighted sum ranked, and the summary's
        # tooltip says so; with one, the learned ranker ranks.
        summary = "#tto-results .summary"
        assert "ranks queries that name a funding call" in \
            self.visible(summary).get_attribute("title")
        self.driver.find_element(By.ID, "tto-call-topic").send_keys(
            "SC5-10-2019")
        self.driver.find_element(By.CSS_SELECTOR, "#tto-form button").click()
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, summary)
                        and "funding call" not in d.find_element(
                            By.CSS_SELECTOR, summary).get_attribute("title"))
        assert "lambdamart" in self.visible(summary).get_attribute("title")
        self.driver.find_element(By.ID, "tto-call-topic").clear()

    def sign_out_leaves_nothing(self):
        self.sign_out()
        for results in ("company-results", "tto-results", "pair-results",
                        "declines-results"):
            assert self.driver.find_element(By.ID, results).text == "", results
        assert not self.driver.execute_script(
            "return sessionStorage.getItem('helixmatch.token')")

    def pair(self):
        self.tab("pair")
        self.driver.find_element(By.ID, "pair-need").send_keys(
            "need:demo-flotation")
        self.driver.find_element(By.ID, "pair-capability").send_keys(
            "cap:altai-hydromet")
        self.driver.find_element(By.CSS_SELECTOR, "#pair-form button").click()
        self.visible("#pair-results .suggestion .barrier")
        title = self.visible("#pair-results .pair-title")
        assert title.text, "no need title"

    def programme_batch(self, source):
        self.sign_in(PROGRAMME_TOKEN)
        # A programme starts on its own view.
        self.visible("#view-programme")
        self.driver.find_element(By.ID, "programme-file").send_keys(
            os.path.join(source, "data", "demo", "proposals",
                         "2025-batch.jsonl"))
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#programme-form button").click()
        self.visible("#readiness-table")
        rows = self.driver.find_elements(By.CSS_SELECTOR,
                                         "#readiness-table tbody tr")
        assert len(rows) == 12, len(rows)
        ranks = [int(r.find_element(By.CSS_SELECTOR, "td").text) for r in rows]
        assert ranks == list(range(1, 13)), ranks
        ineligible = self.driver.find_elements(
            By.CSS_SELECTOR, "#readiness-table tbody tr.ineligible")
        assert len(ineligible) == 2, len(ineligible)
        for row in ineligible:
            assert "ineligible" in row.text, row.text
        # Sorted by readiness, highest first after two clicks.
        header = self.driver.find_element(
            By.CSS_SELECTOR, '#readiness-table th[data-sort="readiness"]')
        header.click()
        self.driver.find_element(
            By.CSS_SELECTOR, '#readiness-table th[data-sort="readiness"]').click()
        scores = [float(r.find_elements(By.CSS_SELECTOR, "td")[4].text)
                  for r in self.driver.find_elements(
                      By.CSS_SELECTOR, "#readiness-table tbody tr")]
        assert scores == sorted(scores, reverse=True), scores
        self.driver.find_element(
            By.CSS_SELECTOR,
            '#readiness-table tr[data-proposal="prop:ar25-roof-fall-b"]').click()
        self.visible("#report svg.ladder")
        report = self.driver.find_element(By.ID, "report").text
        assert "prop:ar25-roof-fall-b" in report, report[:200]
        self.screenshot("programme-report.png", 1280, 1900)

    def programme_csv(self, source):
        ids_from_jsonl = [r.get_attribute("data-proposal") for r in
                          self.driver.find_elements(
                              By.CSS_SELECTOR, "#readiness-table tbody tr")]
        self.driver.find_element(By.ID, "programme-file").send_keys(
            os.path.join(source, "data", "demo", "proposals", "2025-batch.csv"))
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#programme-form button").click()
        self.wait.until(lambda d: not d.find_elements(By.ID, "report"))
        self.visible("#readiness-table")
        rows = self.driver.find_elements(By.CSS_SELECTOR,
                                         "#readiness-table tbody tr")
        ids = [r.get_attribute("data-proposal") for r in rows]
        assert len(ids) == 12, ids
        assert sorted(ids) == sorted(ids_from_jsonl), (ids, ids_from_jsonl)
        assert len(self.driver.find_elements(
            By.CSS_SELECTOR, "#readiness-table tbody tr.ineligible")) == 2

    def programme_bad_files(self, work):
        """Files the app cannot read are refused in words, naming the line."""
        cases = {
            "unknown-column.csv": ("id,programme_id,university_id,firm_id,"
                                   "title,colour\n", "unknown column 'colour'"),
            "bad-number.csv": ("id,programme_id,university_id,firm_id,title,"
                               "budget_usd\np1,kz-applied-research,org:a,"
                               "org:b,T,lots\n",
                               "line 2: budget_usd: 'lots' is not a number"),
            "not-json.jsonl": ('{"id": "p1"}\n{nope\n', "line 2: not JSON"),
        }
        for name, (text, expected) in cases.items():
            path = os.path.join(work, name)
            with open(path, "w") as f:
                f.write(text)
            self.driver.find_element(By.ID, "programme-file").send_keys(path)
            self.driver.find_element(By.CSS_SELECTOR,
                                     "#programme-form button").click()
            self.wait.until(lambda d: expected in d.find_element(
                By.ID, "message").text)
        # The server's own refusal, for a proposal naming nobody known.
        path = os.path.join(work, "unknown-firm.jsonl")
        with open(path, "w") as f:
            f.write('{"id": "p1", "programmeId": "kz-applied-research", '
                    '"universityId": "org:saryarka-tu", "firmId": "org:nobody", '
                    '"title": "T", "budgetUsd": 1000}\n')
        self.driver.find_element(By.ID, "programme-file").send_keys(path)
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#programme-form button").click()
        self.wait.until(lambda d: "could not be screened" in d.find_element(
            By.ID, "programme-results").text)
        assert "org:nobody" in self.driver.find_element(
            By.ID, "programme-results").text

    def programme_table_csv(self):
        rows = self.download_csv("#programme-results .csv-link",
                                 "readiness.csv")
        assert [r["rank"] for r in rows] == [str(i) for i in range(1, 13)], rows
        ineligible = [r for r in rows if r["eligible"] == "no"]
        assert len(ineligible) == 2, ineligible
        assert all(r["failed_rules"] for r in ineligible), ineligible

    def outcomes(self):
        self.tab("outcomes")
        fields = {"outcome-id": "browser-decline-1",
                  "outcome-by": "org:tokyrau-copper",
                  "outcome-to": "org:saryarka-tu"}
        for field, value in fields.items():
            self.driver.find_element(By.ID, field).send_keys(value)
        self.driver.find_element(
            By.CSS_SELECTOR, '#outcome-kind option[value="declined"]').click()
        self.driver.find_element(
            By.CSS_SELECTOR, '#outcome-reason option[value="timing"]').click()
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#outcome-form button").click()
        self.visible("#outcome-result .ok")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#declines-form button").click()
        self.visible("#declines-results .chart .bar-row")
        assert "timing" in self.driver.find_element(
            By.ID, "declines-results").text

    def refused_shows_words(self):
        # A firm may not read another organization's decline reasons.
        field = self.driver.find_element(By.ID, "declines-org")
        field.clear()
        field.send_keys("org:altai-mmu")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#declines-form button").click()
        message = self.visible("#message")
        assert "not allowed" in message.text.lower(), message.text

    def phone_layout(self):
        self.driver.set_window_size(390, 844)
        self.tab("company")
        width = self.driver.execute_script(
            "return document.documentElement.scrollWidth")
        assert width <= 400, "page is %d px wide on a phone" % width
        self.driver.save_screenshot(os.path.join(self.shots, "phone.png"))


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots = os.path.join(build, "web-app")
    os.makedirs(shots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="helixmatch-browser-")
    start = time.time()
    server = driver = None
    try:
        server = Server(build, source, work)
        print("server up in %.1f s at %s" % (time.time() - start, server.url))
        downloads = os.path.join(work, "downloads")
        os.makedirs(downloads)
        driver = chromium(work, downloads)
        test = WebAppTest(server, driver, shots, downloads)
        test.step("wrong token shows an error", test.wrong_token)
        test.step("company picks a need", test.company_search)
        test.step("company suggestions as CSV", test.company_csv)
        test.step("pair explanation", test.pair)
        test.step("outcome and decline chart", test.outcomes)
        test.step("refusal in words", test.refused_shows_words)
        test.step("TTO picks and types", test.tto_search)
        test.step("sign-out leaves nothing", test.sign_out_leaves_nothing)
        test.step("programme batch", lambda: test.programme_batch(source))
        test.step("programme batch as CSV", lambda: test.programme_csv(source))
        test.step("readiness table as CSV", test.programme_table_csv)
        test.step("bad files refused in words",
                  lambda: test.programme_bad_files(work))
        test.step("phone layout", test.phone_layout)
        print("browser test took %.1f s" % (time.time() - start))
        print("%d passed, %d failed" % (test.passed, test.failed))
        return 0 if test.failed == 0 else 1
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
