//! The charts and report.html of `routesim run` and `routesim plot DIR`
//! (docs/model.md §11.10): every chart is written as SVG (parsed as XML,
//! holding its series by name) and PNG; the same results draw the same
//! bytes; the report names nothing outside itself and renders in a real
//! browser; `plot DIR` redraws a folder's charts byte for byte and keeps
//! its other files; one replication draws no band; a queue without
//! traffic in an interval leaves a gap.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_routesim");
const CRATE: &str = env!("CARGO_MANIFEST_DIR");
/// The charts of `run`, by file stem.
const CHARTS: [&str; 5] =
    ["agents_by_status", "load_vs_agents", "service_level", "shrinkage", "wait_distribution"];

/// Runs the binary in `dir`; returns exit code, stdout and stderr.
fn routesim(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out =
        Command::new(BIN).args(args).current_dir(dir).stdin(Stdio::null()).output().expect("start routesim");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn routesim_ok(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = routesim(dir, args);
    assert_eq!(code, Some(0), "routesim {args:?} failed:\n{stdout}\n{stderr}");
    stdout
}

fn small() -> String {
    Path::new(CRATE).join("tests/fixtures/small.toml").to_string_lossy().into_owned()
}

/// Runs `scenario` into `dir/out` with `extra` arguments; returns the folder.
fn run(dir: &Path, scenario: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join("out");
    let mut args = vec!["run", scenario, "-q", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    routesim_ok(dir, &args);
    out
}

/// Every file under `dir` by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The text of every `<text>` element of an SVG, which must parse as XML.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = fs::read_to_string(path).unwrap();
    let doc =
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_owned())
        .collect()
}

/// The polylines of an SVG drawn in `colour` (`#RRGGBB`) at stroke width 3: the data lines.
fn lines_in(path: &Path, colour: &str) -> usize {
    let svg = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| {
            n.attribute("stroke").is_some_and(|s| s.eq_ignore_ascii_case(colour))
                && n.attribute("stroke-width") == Some("3")
        })
        .count()
}

/// A run writes each chart as SVG and PNG (1200×700), and each SVG holds its series by name.
#[test]
fn run_draws_every_chart_with_its_series() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &small(), &[]);
    let mut names: Vec<String> = fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let want: Vec<String> = CHARTS.iter().flat_map(|c| [format!("{c}.png"), format!("{c}.svg")]).collect();
    assert_eq!(names, want);
    for chart in CHARTS {
        let png = fs::read(out.join(format!("charts/{chart}.png"))).unwrap();
        let info = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height), (1200, 700), "{chart}");
    }
    let texts = |c: &str| svg_texts(&out.join(format!("charts/{c}.svg")));
    let has = |texts: &[String], s: &str| texts.iter().any(|t| t.contains(s));
    let sl = texts("service_level");
    for s in
        ["Service level by interval", "chat", "email", "chat target 80%", "chat 95% band", "email 95% band"]
    {
        assert!(has(&sl, s), "service_level.svg lacks {s:?}: {sl:?}");
    }
    let agents = texts("agents_by_status");
    for s in
        ["Available, with spare capacity", "Available, full", "Lunch", "agents (time-average per interval)"]
    {
        assert!(has(&agents, s), "agents_by_status.svg lacks {s:?}: {agents:?}");
    }
    // A status with no time (Training is disabled) and Offline (not logged in) are not stacked.
    assert!(!has(&agents, "Training") && !has(&agents, "Offline"), "{agents:?}");
    let waits = texts("wait_distribution");
    for s in ["all queues", "chat", "email", "within 30 s", "within 1 h"] {
        assert!(has(&waits, s), "wait_distribution.svg lacks {s:?}: {waits:?}");
    }
    let load = texts("load_vs_agents");
    for s in ["Offered load (Erlangs)", "Agents logged in", "Agents available", "time of day"] {
        assert!(has(&load, s), "load_vs_agents.svg lacks {s:?}: {load:?}");
    }
    let shrink = texts("shrinkage");
    for s in ["Lunch", "total shrinkage"] {
        assert!(has(&shrink, s), "shrinkage.svg lacks {s:?}: {shrink:?}");
    }
}

/// The same results draw byte-identical charts and report, whatever the thread count.
#[test]
fn same_results_draw_identical_files() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let one = tree(&run(a.path(), &small(), &["--threads", "1"]));
    let two = tree(&run(b.path(), &small(), &["--threads", "2"]));
    assert!(one.contains_key("report.html") && one.contains_key("charts/service_level.png"));
    assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>());
    for (name, bytes) in &one {
        assert!(two[name] == *bytes, "{name} differs between two runs of the same results");
    }
}

/// The words a page would use to load something from outside itself.
const OUTSIDE: [&str; 9] = ["http:", "https:", "//", "src=", "href=", "@import", "url(", "<script", "<link"];

/// report.html holds the scenario, the tables and every chart inline, and names nothing outside itself.
#[test]
fn report_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let day = Path::new(CRATE).join("scenarios/support-day.toml");
    let out = run(dir.path(), day.to_str().unwrap(), &["-r", "2"]);
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    for word in OUTSIDE {
        assert!(!page.contains(word), "report.html contains {word:?}");
    }
    assert_eq!(page.matches("<svg").count(), CHARTS.len());
    for s in [
        "<h1>support-day</h1>",
        "Summary",
        "Intervals that miss their target",
        "Scenario file",
        "@media print",
    ] {
        assert!(page.contains(s), "report.html lacks {s:?}");
    }
    for q in ["chat", "phone", "email"] {
        assert!(page.contains(&format!("<tr><td>{q}</td>")), "no summary row for {q}");
    }
}

/// `--no-report` skips report.html; the charts are still drawn.
#[test]
fn no_report_skips_the_page_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &small(), &["--no-report"]);
    assert!(!out.join("report.html").exists());
    assert!(out.join("charts/service_level.svg").exists());
}

/// `plot DIR` redraws the charts and report of the run that wrote DIR byte
/// for byte, keeps every other file (a user's too) as it was, and drops stale chart files.
#[test]
fn plot_reproduces_the_charts_of_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &small(), &[]);
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = tree(&out);
    fs::remove_dir_all(out.join("charts")).unwrap();
    fs::remove_file(out.join("report.html")).unwrap();
    let said = routesim_ok(dir.path(), &["plot", out.to_str().unwrap()]);
    assert!(said.contains("drew 11 files"), "{said}");
    assert_eq!(tree(&out), before);
    // A stale chart is not carried over: the charts folder belongs to routesim.
    fs::write(out.join("charts/old.svg"), "<svg/>").unwrap();
    routesim_ok(dir.path(), &["plot", out.to_str().unwrap(), "--no-report"]);
    let mut after = tree(&out);
    assert!(!after.contains_key("charts/old.svg") && after.remove("report.html").is_none());
    let mut want = before.clone();
    want.remove("report.html");
    assert_eq!(after, want);
}

/// `plot` on a folder without result files is bad input, and writes nothing.
#[test]
fn plot_of_a_folder_without_results_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let (code, _, stderr) = routesim(dir.path(), &["plot", "empty"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("scenario.toml") && stderr.contains("missing"), "{stderr}");
    assert_eq!(fs::read_dir(dir.path().join("empty")).unwrap().count(), 0);
    let (code, _, stderr) = routesim(dir.path(), &["plot", "nowhere"]);
    assert_eq!(code, Some(2), "{stderr}");
    // A result file cut down to a word is refused, not drawn as empty charts.
    let out = run(dir.path(), &small(), &["-r", "1"]);
    let before = fs::read(out.join("charts/service_level.svg")).unwrap();
    fs::write(out.join("summary.csv"), "garbage\n").unwrap();
    let (code, _, stderr) = routesim(dir.path(), &["plot", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("summary.csv") && stderr.contains("no rows"), "{stderr}");
    assert_eq!(
        fs::read(out.join("charts/service_level.svg")).unwrap(),
        before,
        "the folder was left as it was"
    );
}

/// With one replication there is no 95% band to draw, in the chart or its legend.
#[test]
fn one_replication_draws_no_band() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &small(), &["-r", "1"]);
    let texts = svg_texts(&out.join("charts/service_level.svg"));
    assert!(texts.iter().any(|t| t == "chat") && !texts.iter().any(|t| t.contains("band")), "{texts:?}");
    let svg = fs::read_to_string(out.join("charts/service_level.svg")).unwrap();
    assert!(!svg.contains("<polygon"), "a band was drawn with one replication");
}

/// A queue with no traffic in an interval leaves a gap in its service-level
/// line (two runs of line), not a drop to zero.
#[test]
fn an_interval_without_traffic_leaves_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("gap.toml");
    // chat: traffic in the first two and the fifth and sixth half hours only.
    let mut rates = vec!["0"; 48];
    rates[..6].copy_from_slice(&["60", "60", "0", "0", "60", "60"]);
    fs::write(
        &scenario,
        r#"name = "gap"
seed = 1
horizon = "3h"
interval = "30m"
replications = 2

[[queue]]
name = "chat"
sl_threshold = "30s"
arrivals = { per_hour = [RATES] }
handle_time = { dist = "exponential", mean = "2m" }

[[queue]]
name = "email"
sl_threshold = "1h"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "2m" }

[[team]]
name = "t"
queues = ["chat", "email"]

[[agents]]
name = "a"
team = "t"
count = 4
"#
        .replace("RATES", &rates.join(", ")),
    )
    .unwrap();
    let out = run(dir.path(), scenario.to_str().unwrap(), &[]);
    let svg = out.join("charts/service_level.svg");
    // chat is the first queue (Okabe-Ito blue), email the second (orange);
    // each also has one line in the legend.
    assert_eq!(lines_in(&svg, "#0072B2"), 1 + 2, "chat's line should break around its two quiet intervals");
    assert_eq!(lines_in(&svg, "#E69F00"), 1 + 1, "email has traffic in every interval");
}

/// The Chromium binary, if this machine has one.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
    })
}

/// Renders `page` headless with every host name unresolvable; returns the
/// screenshot (PNG bytes) and the URLs the page itself asked the network for.
fn render(browser: &Path, page: &Path, work: &Path) -> (Vec<u8>, Vec<String>) {
    let shot = work.join("shot.png");
    let netlog = work.join("net.json");
    let status = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1200,2000",
        ])
        .arg(format!("--user-data-dir={}", work.join("profile").display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start chromium");
    assert!(status.success(), "chromium failed: {status}");
    let log: serde_json::Value =
        serde_json::from_slice(&fs::read(&netlog).unwrap()).expect("net log is JSON");
    // Requests the page made carry the page's (file) origin; Chromium's own background ones do not.
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["params"]["network_isolation_key"].as_str().is_some_and(|k| k.starts_with("file://")))
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_owned))
        .collect();
    urls.dedup();
    (fs::read(&shot).unwrap(), urls)
}

/// A decoded PNG screenshot: its width, height, channels and pixels.
fn pixels(png_bytes: &[u8]) -> (usize, usize, usize, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, info.color_type.samples(), buf)
}

/// Pixels of a PNG screenshot that are not (near) white.
fn ink(png_bytes: &[u8]) -> (usize, usize) {
    let (_, _, channels, px) = pixels(png_bytes);
    let dark = px.chunks(channels).filter(|p| p.iter().take(3).any(|&c| c < 200)).count();
    (dark, px.len() / channels)
}

/// The first row of a screenshot (from the top) holding a pixel of strong
/// colour — a chart's lines and areas (the Okabe-Ito palette); the page's
/// text and tables are black and grey.
fn first_colour_row(png_bytes: &[u8]) -> Option<usize> {
    let (w, h, channels, px) = pixels(png_bytes);
    (0..h).find(|y| {
        px[y * w * channels..(y + 1) * w * channels].chunks(channels).any(|p| {
            let (lo, hi) = (p[..3].iter().min().unwrap(), p[..3].iter().max().unwrap());
            hi - lo > 90
        })
    })
}

/// The page's layout as Chromium lays it out 1200 px wide: its height, and
/// the top of its first chart (an inline `svg` or an `img`) and of its first
/// `table` (-1 for none), in CSS pixels. Measured by a copy of the page with
/// a script added at its end (the report itself has none).
fn layout(browser: &Path, page: &Path, work: &Path) -> (f64, f64, f64) {
    let html = fs::read_to_string(page).unwrap();
    let script = "<script>(function(){var s=document.querySelector('svg,img'),t=document.querySelector('table');\
        document.body.insertAdjacentHTML('beforeend','<pre id=\"layout\">'+document.documentElement.scrollHeight+' '+\
        (s?s.getBoundingClientRect().top+scrollY:-1)+' '+(t?t.getBoundingClientRect().top+scrollY:-1)+'</pre>');})();</script>";
    let copy = work.join("measured.html");
    fs::write(&copy, html.replacen("</body>", &format!("{script}</body>"), 1)).unwrap();
    let dom = Command::new(browser)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--dump-dom"])
        .args(["--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1200,2000"])
        .arg(format!("--user-data-dir={}", work.join("profile").display()))
        .arg(format!("file://{}", copy.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let at = dom.rfind("<pre id=\"layout\">").unwrap_or_else(|| panic!("not measured: {dom}"));
    let numbers: Vec<f64> =
        dom[at + 17..].split("</pre>").next().unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
    (numbers[0], numbers[1], numbers[2])
}

/// The page's DOM as Chromium builds it.
fn dom(browser: &Path, page: &Path, work: &Path) -> String {
    let out = Command::new(browser)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--dump-dom"])
        .arg("--host-resolver-rules=MAP * ~NOTFOUND")
        .arg(format!("--user-data-dir={}", work.join("profile").display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The Chromium binary, or None after saying loudly that the browser
/// checks checked nothing (which fails under CI, `CI` set).
fn browser_or_notice(test: &str) -> Option<PathBuf> {
    let browser = chromium();
    if browser.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but Chromium is not installed: .ci/run installs it (apt-get install -y chromium)"
        );
        eprintln!(
            "\n!!!!! NOTICE: Chromium not found: {test} checked NOTHING.\n!!!!! Install it (apt-get install chromium) to check report.html in a browser.\n"
        );
    }
    browser
}

/// report.html of run, compare, staff and sweep in a real browser
/// (headless Chromium, network names unresolvable): each loads, asks for
/// nothing outside itself, is not blank, and shows a chart before any
/// table — in the document's order, in the laid-out page, and in its
/// screenshot (the first strong colour, a chart's, lies above the first table).
/// Without Chromium this fails under CI (`CI` set) and passes with a notice elsewhere.
#[test]
fn report_renders_in_a_browser() {
    let Some(browser) = browser_or_notice("report_renders_in_a_browser") else { return };
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("browser");
    fs::create_dir(&work).unwrap();
    // The check can fail: a page that loads an outside image is caught.
    let control = work.join("control.html");
    fs::write(
        &control,
        "<!DOCTYPE html><html><body><p>x</p><img src=\"http://example.com/a.png\"></body></html>",
    )
    .unwrap();
    let (_, asked) = render(&browser, &control, &work);
    assert!(asked.iter().any(|u| u.contains("example.com")), "the outside request was not seen: {asked:?}");
    // And a page whose table comes first is caught too.
    let table_first = work.join("table-first.html");
    fs::write(
        &table_first,
        "<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table><svg width=\"200\" height=\"100\"><rect width=\"200\" height=\"100\" fill=\"#0072B2\"/></svg></body></html>",
    )
    .unwrap();
    let (_, chart, table) = layout(&browser, &table_first, &work);
    assert!(chart > table, "a table above the chart was not seen: chart {chart}, table {table}");
    let cmp = dir.path().join("cmp");
    routesim_ok(
        dir.path(),
        &[
            "compare",
            &small(),
            "--with",
            "agents.day.count=3",
            "-r",
            "2",
            "-q",
            "--out",
            cmp.to_str().unwrap(),
        ],
    );
    let reports = [
        ("run", run(mkdirs(&dir.path().join("r")), &small(), &[]), "<h1>small</h1>", CHARTS.len()),
        ("compare", cmp, "<h1>A: small.toml against B: small.toml with agents.day.count=3</h1>", 1),
        ("staff", staff(mkdirs(&dir.path().join("s")), &[]), "<h1>flat — staffing</h1>", STAFF_CHARTS.len()),
        ("sweep", sweep(mkdirs(&dir.path().join("w")), &[]), "<h1>small — sweep</h1>", SWEEP_CHARTS.len()),
    ];
    for (command, out, heading, charts) in reports {
        let page = out.join("report.html");
        let (shot, asked) = render(&browser, &page, &work);
        assert!(asked.is_empty(), "{command}: report.html asked the network for {asked:?}");
        let (dark, all) = ink(&shot);
        assert!(dark * 50 > all, "{command}: the page looks blank: {dark} of {all} pixels are not white");
        let dom = dom(&browser, &page, &work);
        assert!(dom.contains(heading) && dom.matches("<svg").count() == charts, "{command}: {dom}");
        let first_table = dom.find("<table").unwrap_or(usize::MAX);
        assert!(dom.find("<svg").unwrap() < first_table, "{command}: a table comes before the first chart");
        let (height, chart, table) = layout(&browser, &page, &work);
        assert!(
            chart >= 0.0 && (table < 0.0 || chart < table),
            "{command}: chart at {chart} px, table at {table} px"
        );
        // The screenshot (the page's first 2000 px) shows a chart's colours before any table.
        let colour =
            first_colour_row(&shot).unwrap_or_else(|| panic!("{command}: no chart in the screenshot"));
        assert!(
            table < 0.0 || (colour as f64) < table,
            "{command}: first colour at {colour} px, table at {table} px"
        );
        eprintln!(
            "{command}: report.html is {height} px long; first chart at {chart} px, first table at {table} px"
        );
    }
}

/// A week's report is short enough to read: about 5,200 px at 1200 px wide
/// (erlang-c.toml, 7 days of hourly intervals: 11,607 px before the
/// report put its charts first and folded the 145 missed intervals away).
#[test]
fn a_weeks_report_is_under_half_its_old_length() {
    let Some(browser) = browser_or_notice("a_weeks_report_is_under_half_its_old_length") else { return };
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("browser");
    fs::create_dir(&work).unwrap();
    let scenario = Path::new(CRATE).join("scenarios/erlang-c.toml");
    let out = run(dir.path(), scenario.to_str().unwrap(), &["-r", "2"]);
    let (height, _, _) = layout(&browser, &out.join("report.html"), &work);
    eprintln!("a week's report.html is {height} px long at 1200 px wide");
    assert!(height < 11_607.0 / 2.0, "a week's report is {height} px long");
}

/// On a run longer than a day, the time axes name each day where it starts.
#[test]
fn multi_day_runs_show_the_day_on_time_axes() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &small(), &["--set", "horizon=2d", "-r", "1"]);
    for chart in ["service_level", "agents_by_status", "load_vs_agents"] {
        let texts = svg_texts(&out.join(format!("charts/{chart}.svg")));
        assert!(texts.iter().any(|t| t == "day 1"), "{chart}: {texts:?}");
        assert!(texts.iter().any(|t| t.starts_with("day and time of day")), "{chart}: {texts:?}");
    }
}

/// The x labels of an SVG chart's time axis: the texts drawn at one height
/// below the plot that read as a clock or a day, with their x positions.
fn time_labels(path: &Path) -> Vec<(f64, String)> {
    let svg = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let clock = |t: &str| {
        let b = t.as_bytes();
        (b.len() == 5 && b[2] == b':' && t.replace(':', "").chars().all(|c| c.is_ascii_digit()))
            || t.strip_prefix("day ").is_some_and(|d| d.parse::<u32>().is_ok())
    };
    let mut rows: BTreeMap<i64, Vec<(f64, String)>> = BTreeMap::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let text = n.text().unwrap_or_default().trim().to_owned();
        let (Some(x), Some(y)) = (n.attribute("x"), n.attribute("y")) else { continue };
        if clock(&text) {
            rows.entry(y.parse::<f64>().unwrap() as i64).or_default().push((x.parse().unwrap(), text));
        }
    }
    // The axis is the row with the most clock labels.
    rows.into_values().max_by_key(Vec::len).unwrap_or_default()
}

/// The time axes of the staff and compare charts (and a run's) read apart:
/// on two days and on a week, no two labels are closer than a label's
/// width ("day 0 00:00day 0 12:00" ran together), and there are enough
/// of them to read the time by.
#[test]
fn time_axis_labels_do_not_run_together() {
    let dir = tempfile::tempdir().unwrap();
    let two = staff(mkdirs(&dir.path().join("s")), &["--set", "horizon=2d"]);
    let cmp = dir.path().join("c");
    routesim_ok(
        dir.path(),
        &[
            "compare",
            &small(),
            "--with",
            "agents.day.count=3",
            "--set",
            "horizon=7d",
            "-r",
            "2",
            "-q",
            "--out",
            cmp.to_str().unwrap(),
        ],
    );
    let week = run(mkdirs(&dir.path().join("r")), &small(), &["--set", "horizon=7d", "-r", "1"]);
    let charts = [
        two.join("charts/staff_agents.svg"),
        two.join("charts/staff_service_level.svg"),
        cmp.join("charts/compare_service_level.svg"),
        week.join("charts/agents_by_status.svg"),
    ];
    for chart in charts {
        let labels = time_labels(&chart);
        assert!(labels.len() >= 5, "{}: {labels:?}", chart.display());
        for pair in labels.windows(2) {
            // A label of the chart's font is at most 10 px a character: centres
            // closer than a label's width plus a gap would run together.
            let room = (pair[0].1.len() + pair[1].1.len()) as f64 * 10.0 / 2.0 + 8.0;
            assert!(pair[1].0 - pair[0].0 >= room, "{}: {pair:?} run together", chart.display());
        }
    }
}

/// The wait axis is labelled at round durations, and a series drawn over
/// an identical one says so in the legend (one queue: its curve is the total's).
#[test]
fn wait_axis_ticks_are_round_and_hidden_series_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &small(), &["-r", "2"]);
    let texts = svg_texts(&out.join("charts/wait_distribution.svg"));
    for tick in ["1 s", "10 s", "1 min", "10 min", "1 h"] {
        assert!(texts.iter().any(|t| t == tick), "no {tick:?} tick: {texts:?}");
    }
    assert!(
        !texts.iter().any(|t| t.contains("1.7 min") || t.contains("16.7 min") || t.contains("2.8 h")),
        "{texts:?}"
    );
    let one = tempfile::tempdir().unwrap();
    let scenario = Path::new(CRATE).join("scenarios/erlang-c.toml");
    let out = run(one.path(), scenario.to_str().unwrap(), &["-r", "1", "--set", "horizon=1d"]);
    let texts = svg_texts(&out.join("charts/wait_distribution.svg"));
    assert!(texts.iter().any(|t| t == "calls (same as all queues)"), "{texts:?}");
}

// ------------------------------------------------- sweep, staff, erlang --out

/// A stationary one-queue scenario the staff tests can solve quickly.
const FLAT: &str = r#"
name = "flat"
seed = 11
horizon = "4h"
warmup = "30m"
interval = "30m"
replications = 4

[[queue]]
name = "calls"
sl_threshold = "20s"
arrivals = { per_hour = 200 }
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "5m" }

[[team]]
name = "desk"
queues = ["calls"]

[[agents]]
name = "all"
team = "desk"
count = 20
"#;

/// The charts of each command, by file stem.
const SWEEP_CHARTS: [&str; 4] = ["sweep_abandon_rate", "sweep_asa", "sweep_occupancy", "sweep_service_level"];
const STAFF_CHARTS: [&str; 2] = ["staff_agents", "staff_service_level"];
const ERLANG_CHARTS: [&str; 1] = ["erlang-curve"];

/// Sweeps small.toml over a 2×2 grid into `dir/out` with `extra` arguments.
fn sweep(dir: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("out");
    let scenario = small();
    let mut args = vec![
        "sweep",
        scenario.as_str(),
        "--vary",
        "agents.day.count=2,4",
        "--vary",
        "agents.backoffice.count=1,2",
        "-r",
        "2",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    routesim_ok(dir, &args);
    out
}

/// Staffs FLAT's group by every method into `dir/out` with `extra` arguments.
fn staff(dir: &Path, extra: &[&str]) -> PathBuf {
    let file = dir.join("flat.toml");
    fs::write(&file, FLAT).unwrap();
    let out = dir.join("out");
    let mut args = vec![
        "staff",
        file.to_str().unwrap(),
        "--group",
        "all",
        "--target",
        "service_level>=0.8",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    routesim_ok(dir, &args);
    out
}

/// The Erlang A curve of 12 to 26 agents with two targets, into `dir/out`.
fn erlang(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    routesim_ok(
        dir,
        &[
            "erlang",
            "--rate",
            "200",
            "--aht",
            "5m",
            "--patience",
            "3m",
            "--agents",
            "12..26",
            "--target",
            "service_level>=0.8",
            "--target",
            "asa<=30s",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    out
}

/// The chart files of `out`, sorted; each chart must be an SVG and a PNG of 1200×700.
fn chart_files(out: &Path, stems: &[&str]) {
    let mut names: Vec<String> = fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let want: Vec<String> = stems.iter().flat_map(|c| [format!("{c}.png"), format!("{c}.svg")]).collect();
    assert_eq!(names, want);
    for chart in stems {
        let png = fs::read(out.join(format!("charts/{chart}.png"))).unwrap();
        let info = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height), (1200, 700), "{chart}");
    }
}

/// Asserts the SVG `chart` of `out` holds every text of `want` (within one of its texts).
fn holds(out: &Path, chart: &str, want: &[&str]) {
    let texts = svg_texts(&out.join(format!("charts/{chart}.svg")));
    for s in want {
        assert!(texts.iter().any(|t| t.contains(s)), "{chart}.svg lacks {s:?}: {texts:?}");
    }
}

/// A sweep draws each headline metric against the first varied key: one
/// line per queue and value of the other key, with bands and the target.
#[test]
fn sweep_draws_the_capacity_curves() {
    let dir = tempfile::tempdir().unwrap();
    let out = sweep(dir.path(), &[]);
    chart_files(&out, &SWEEP_CHARTS);
    holds(
        &out,
        "sweep_service_level",
        &[
            "Service level against agents.day.count",
            "agents.day.count",
            "chat, backoffice.count=1",
            "email, backoffice.count=2",
            // One target both queues share: one line, named once.
            "target 80% (chat, email)",
            "95% band",
        ],
    );
    holds(&out, "sweep_asa", &["ASA against agents.day.count", "ASA (seconds)", "chat, backoffice.count=2"]);
    holds(&out, "sweep_abandon_rate", &["Abandon rate against", "email, backoffice.count=1"]);
    // Occupancy is a team figure: one line per team, not one per queue it serves.
    holds(
        &out,
        "sweep_occupancy",
        &["Occupancy against", "front, backoffice.count=1", "back, backoffice.count=2"],
    );
    // The x axis is labelled with the swept values.
    holds(&out, "sweep_service_level", &["2", "4"]);
    // Two queues × two values of the other key: four data lines in four colours (and the legend swatch of each).
    for colour in ["#0072B2", "#E69F00", "#009E73", "#D55E00"] {
        assert_eq!(lines_in(&out.join("charts/sweep_service_level.svg"), colour), 1 + 1, "{colour}");
    }
}

/// staff draws the agents each method requires over the offered load, and
/// the service level each achieves against the target, met or missed.
#[test]
fn staff_draws_agents_and_service_level_by_method() {
    let dir = tempfile::tempdir().unwrap();
    let out = staff(dir.path(), &[]);
    chart_files(&out, &STAFF_CHARTS);
    let methods = ["erlang-c", "erlang-a", "simulation"];
    holds(&out, "staff_agents", &methods);
    holds(
        &out,
        "staff_agents",
        &["Required agents by interval", "offered load (Erlangs)", "agents / Erlangs", "01:00"],
    );
    holds(&out, "staff_service_level", &methods);
    holds(
        &out,
        "staff_service_level",
        &["target 80%", "below target", "meets every target", "misses a target"],
    );
}

/// `erlang --out DIR` writes erlang.csv, erlang.json, the Erlang curve and
/// report.html; without --out it writes nothing.
#[test]
fn erlang_out_draws_the_curve() {
    let dir = tempfile::tempdir().unwrap();
    let out = erlang(dir.path());
    chart_files(&out, &ERLANG_CHARTS);
    holds(
        &out,
        "erlang-curve",
        &[
            "Erlang A curve",
            "service level (%)",
            "abandon rate (%)",
            "ASA (s, right axis)",
            "target service_level>=0.8",
            "target asa<=30s",
            "fewest agents meeting all: 19",
            "agents",
            "ASA (seconds)",
        ],
    );
    let mut names: Vec<String> =
        fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["charts", "erlang.csv", "erlang.json", "report.html"]);
    let plain = tempfile::tempdir().unwrap();
    routesim_ok(plain.path(), &["erlang", "--rate", "200", "--aht", "5m", "--agents", "20"]);
    assert_eq!(fs::read_dir(plain.path()).unwrap().count(), 0, "erlang without --out writes nothing");
}

/// The same inputs draw byte-identical charts and reports (sweep whatever
/// the thread count), and `plot DIR` redraws each folder's byte for byte.
#[test]
fn capacity_folders_draw_the_same_bytes_and_plot_reproduces_them() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let made: [(PathBuf, PathBuf); 3] = [
        (sweep(a.path(), &["--threads", "1"]), sweep(b.path(), &["--threads", "2"])),
        (staff(mkdirs(&a.path().join("s")), &[]), staff(mkdirs(&b.path().join("s")), &[])),
        (erlang(mkdirs(&a.path().join("e"))), erlang(mkdirs(&b.path().join("e")))),
    ];
    for (one, two) in &made {
        let (one, two) = (tree(one), tree(two));
        assert!(one.contains_key("report.html"));
        assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>());
        for (name, bytes) in &one {
            assert!(two[name] == *bytes, "{name} differs between two runs of the same inputs");
        }
    }
    for (out, _) in &made {
        let before = tree(out);
        fs::remove_dir_all(out.join("charts")).unwrap();
        fs::remove_file(out.join("report.html")).unwrap();
        let charts = before.keys().filter(|k| k.starts_with("charts/")).count();
        let said = routesim_ok(a.path(), &["plot", out.to_str().unwrap()]);
        assert!(said.contains(&format!("drew {} files", charts + 1)), "{said}");
        assert_eq!(tree(out), before, "plot {} did not redraw the same files", out.display());
    }
}

fn mkdirs(dir: &Path) -> &Path {
    fs::create_dir_all(dir).unwrap();
    dir
}

/// Each capacity report holds its title, settings, main table and every
/// chart inline, and names nothing outside itself.
#[test]
fn capacity_reports_are_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            sweep(mkdirs(&dir.path().join("w")), &[]),
            SWEEP_CHARTS.len(),
            vec![
                "<h1>small — sweep</h1>",
                "Variants",
                "Teams by variant",
                ">agents.day.count</td>",
                "Scenario file",
            ],
        ),
        (
            staff(mkdirs(&dir.path().join("s")), &[]),
            STAFF_CHARTS.len(),
            vec![
                "<h1>flat — staffing</h1>",
                "Methods",
                "Staffing by interval",
                "<td class=\"text\">erlang-a</td>",
                "Scenario file",
            ],
        ),
        (
            erlang(mkdirs(&dir.path().join("e"))),
            ERLANG_CHARTS.len(),
            vec!["<h1>Erlang A curve</h1>", "<th>service_level</th>", "<td>19</td>"],
        ),
    ];
    for (out, charts, want) in cases {
        let page = fs::read_to_string(out.join("report.html")).unwrap();
        for word in OUTSIDE {
            assert!(!page.contains(word), "{}: report.html contains {word:?}", out.display());
        }
        assert_eq!(page.matches("<svg").count(), charts, "{}", out.display());
        for s in want.iter().chain(&["Settings", "Charts", "@media print"]) {
            assert!(page.contains(s), "{}: report.html lacks {s:?}", out.display());
        }
    }
}

/// `--no-report` on sweep and staff skips report.html; the charts are still drawn.
#[test]
fn no_report_on_sweep_and_staff_skips_the_page_only() {
    let dir = tempfile::tempdir().unwrap();
    let w = sweep(mkdirs(&dir.path().join("w")), &["--no-report"]);
    let s = staff(mkdirs(&dir.path().join("s")), &["--no-report"]);
    for (out, chart) in [(w, "sweep_asa"), (s, "staff_agents")] {
        assert!(!out.join("report.html").exists(), "{}", out.display());
        assert!(out.join(format!("charts/{chart}.svg")).exists(), "{}", out.display());
    }
}

/// A sweep of values that are not numbers keeps them in grid order as the
/// axis labels; one replication draws no band.
#[test]
fn a_sweep_of_durations_with_one_replication_draws_no_band() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = small();
    routesim_ok(
        dir.path(),
        &[
            "sweep",
            scenario.as_str(),
            "--vary",
            "queue.chat.sl_threshold=20s,30s,1m",
            "-r",
            "1",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    chart_files(&out, &SWEEP_CHARTS);
    for chart in SWEEP_CHARTS {
        let texts = svg_texts(&out.join(format!("charts/{chart}.svg")));
        assert!(!texts.iter().any(|t| t.contains("95% band")), "{chart}: {texts:?}");
        let lines: [&str; 2] = if chart == "sweep_occupancy" { ["front", "back"] } else { ["chat", "email"] };
        for label in ["20s", "30s", "1m", "queue.chat.sl_threshold"].iter().chain(&lines) {
            assert!(texts.iter().any(|t| t == label), "{chart} lacks {label:?}: {texts:?}");
        }
    }
}
