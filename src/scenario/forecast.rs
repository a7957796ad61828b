//! Forecast files: conversations expected per interval and queue (and
//! optionally the AHT), as planners export them from a spreadsheet or WFM
//! tool, read into per-queue volumes on one grid of steps.
//!
//! The file is CSV with a header naming the columns `start`, `queue`,
//! `offered` and optionally `aht` (any order, any case). The delimiter is `;`
//! when the header holds one, else `,`; with `;`, numbers may use a decimal
//! comma (`12,5`). `start` is, the same way on every row:
//! - `HH:MM`: a daily pattern, repeating every day;
//! - `ddd HH:MM` (`Mon`..`Sun`): a weekly pattern, day 0 being a Monday;
//! - `YYYY-MM-DD HH:MM`: dated; the earliest date is day 0, and there are no
//!   arrivals after the last date (a horizon past it is an error, see
//!   `validate`).
//!
//! The interval length is the most common gap between consecutive start
//! times (the shortest on a tie); every start must lie on that grid from
//! midnight, and it must divide a day.
//! Intervals missing from the file (for a queue, or for all) have no arrivals.
//! `aht` is in seconds and sets the mean handle time (wrap-up comes on top);
//! an empty `aht` cell means the handle-time distribution's own mean.
//! `rate_cv` is the queue's day-level volume uncertainty (docs/model.md
//! §C18): one value per queue, on any of its rows (the others empty or equal).
//! Rows are numbered as a spreadsheet shows them: the header is row 1.
//!
//! A WFM tool's export is read through a [`Layout`] (the scenario's
//! `forecast = { file, columns, date_format }`): its header names for our
//! columns, a strftime format for the date part of `start`. An `aht` cell
//! may also be written `mm:ss` or `h:mm:ss`, and a queue name that matches
//! the scenario's in all but case is read as the scenario's, with a note.

use std::collections::HashMap;
use std::path::Path;

use crate::calendar::{self, Date};
use crate::model::Pattern;
use crate::time::DAY;

/// Most steps one forecast may span (about 28 years of 15-minute intervals);
/// beyond that the dates are almost certainly a typo.
const MAX_STEPS: usize = 1_000_000;

/// Most rows one forecast may hold (a year of 15-minute rows for 57
/// queues); refused while reading, before the rows are kept.
pub(crate) const MAX_ROWS: usize = 2_000_000;

/// Most cells of the grid a forecast is read into: queues × the intervals
/// its start times span (a year of 15-minute intervals for 285 queues).
pub(crate) const MAX_CELLS: usize = 10_000_000;

/// Most conversations one row may expect in its interval: a hundred times
/// the busiest day of the largest contact centres, in one interval.
pub(crate) const MAX_ROW_VOLUME: f64 = 10_000_000.0;

/// A forecast file, read and checked on its own (queue names not yet resolved).
#[derive(Debug, Clone)]
pub(crate) struct Forecast {
    /// The file as opened, for messages.
    pub file: String,
    /// How the start times map onto simulated time.
    pub pattern: Pattern,
    /// Interval length, seconds.
    pub step: f64,
    /// Queues in order of first appearance.
    pub queues: Vec<ForecastQueue>,
    /// Queue names read as a scenario queue spelt in other case, one note
    /// per distinct spelling: `forecast.csv row 2: queue `chat` read as `Chat``.
    pub renamed: Vec<String>,
}

/// One queue's rows, on the forecast's grid.
#[derive(Debug, Clone)]
pub(crate) struct ForecastQueue {
    /// Queue name as written.
    pub name: String,
    /// Row where the queue first appears.
    pub row: usize,
    /// Conversations expected in each step of the pattern.
    pub offered: Vec<f64>,
    /// AHT in seconds per step where given (`None` when the file has no
    /// `aht` column).
    pub aht: Option<Vec<Option<f64>>>,
    /// The queue's day-level volume uncertainty (`rate_cv` column), where given.
    pub rate_cv: Option<f64>,
    /// Steps of a weekly or dated forecast, between the queue's first and
    /// last row, where other queues have a row and this one has none: read
    /// as no conversations, and worth a warning (`forecast_gaps`).
    pub missing: Vec<usize>,
}

/// What is wrong with a forecast file, and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ForecastError {
    /// Spreadsheet row (the header is row 1), when one row is at fault.
    pub row: Option<usize>,
    /// Column name, when one column is at fault.
    pub column: Option<&'static str>,
    /// The scenario's key at fault (`forecast.columns.aht`,
    /// `forecast.date_format`), when the problem lies in how the scenario
    /// says to read the file rather than in the file.
    pub key: Option<&'static str>,
    /// What is wrong and what would be accepted.
    pub message: String,
}

type Result<T> = std::result::Result<T, ForecastError>;

fn fail<T>(row: Option<usize>, column: Option<&'static str>, message: impl Into<String>) -> Result<T> {
    Err(ForecastError { row, column, key: None, message: message.into() })
}

/// A problem with the scenario's key `key` (how to read the file).
fn fail_key<T>(key: &'static str, message: impl Into<String>) -> Result<T> {
    Err(ForecastError { row: None, column: None, key: Some(key), message: message.into() })
}

const COLUMNS: [&str; 5] = ["start", "queue", "offered", "aht", "rate_cv"];

/// The scenario's key mapping each of [`COLUMNS`] to the file's header.
const COLUMN_KEYS: [&str; 5] = [
    "forecast.columns.start",
    "forecast.columns.queue",
    "forecast.columns.offered",
    "forecast.columns.aht",
    "forecast.columns.rate_cv",
];

/// The scenario's key giving the date format.
const DATE_FORMAT_KEY: &str = "forecast.date_format";

/// How to read a file whose layout is not routesim's own: the file's header
/// for each of our columns that it names otherwise, and the format of the
/// date part of its `start` cells. The default reads routesim's layout.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// The file's header for each of [`COLUMNS`], where mapped.
    columns: [Option<String>; 5],
    /// strftime format of the date part of `start` (the time stays `HH:MM`).
    date_format: Option<String>,
}

/// strftime conversions of a time of day, refused in `date_format`.
const TIME_CONVERSIONS: [char; 12] = ['H', 'I', 'k', 'l', 'M', 'S', 'T', 'R', 'p', 'P', 'f', 'N'];

impl Layout {
    /// The layout of `forecast = { columns, date_format }`: `columns` maps
    /// our column names to the file's headers (the schema has checked the
    /// names). Refuses an empty or doubly used header and a date format
    /// that does not write and read back a date.
    pub(crate) fn new<'a>(
        columns: impl IntoIterator<Item = (&'a str, &'a str)>,
        date_format: Option<&str>,
    ) -> Result<Layout> {
        let mut layout = Layout::default();
        for (ours, theirs) in columns {
            let Some(c) = COLUMNS.iter().position(|c| *c == ours) else {
                let hint = super::suggest::unknown("column", ours, "in `forecast.columns`", &COLUMNS);
                return fail_key("forecast.columns", hint);
            };
            if theirs.trim().is_empty() {
                return fail_key(
                    COLUMN_KEYS[c],
                    "is empty; give the header of the file's column, e.g. `\"Volumen\"`",
                );
            }
            layout.columns[c] = Some(theirs.trim().to_owned());
        }
        for c in 0..COLUMNS.len() {
            let Some(name) = &layout.columns[c] else { continue };
            // The later of two mapped columns is blamed, or the mapped one.
            let clash = |o: usize| {
                o != c
                    && (o < c || layout.columns[o].is_none())
                    && layout.wanted(o).to_lowercase() == name.to_lowercase()
            };
            if let Some(other) = (0..COLUMNS.len()).find(|&o| clash(o)) {
                let by = if layout.columns[other].is_some() {
                    format!("`{}` names it too", COLUMN_KEYS[other])
                } else {
                    format!("it is the name of the column `{}`, which is not mapped", COLUMNS[other])
                };
                return fail_key(
                    COLUMN_KEYS[c],
                    format!(
                        "maps `{}` to the header `{name}`, but {by}; give each column its own header",
                        COLUMNS[c]
                    ),
                );
            }
        }
        if let Some(format) = date_format {
            check_date_format(format)?;
            layout.date_format = Some(format.to_owned());
        }
        Ok(layout)
    }

    /// The header our column `c` is read from.
    fn wanted(&self, c: usize) -> &str {
        self.columns[c].as_deref().unwrap_or(COLUMNS[c])
    }

    /// Whether any column is mapped.
    fn mapped(&self) -> bool {
        self.columns.iter().any(Option::is_some)
    }
}

/// Checks a `date_format`: known conversions, a whole date (year, month,
/// day) that reads back as written, and no time of day.
fn check_date_format(format: &str) -> Result<()> {
    let example = "such as \"%d.%m.%Y\" for 07.12.2026 or \"%m/%d/%Y\" for 12/07/2026";
    let mut chars = format.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            continue;
        }
        // Flags and widths (`%-d`, `%_m`, `%02d`) come before the conversion.
        let conversion = chars.by_ref().find(|c| !matches!(c, '-' | '_' | '0'..='9' | '^' | '#'));
        if let Some(c) = conversion
            && TIME_CONVERSIONS.contains(&c)
        {
            return fail_key(
                DATE_FORMAT_KEY,
                format!(
                    "`{format}` holds a time of day (`%{c}`); it is the format of the date alone, and the \
                     time after it stays HH:MM (`07.12.2026 10:00` is read with \"%d.%m.%Y\")"
                ),
            );
        }
    }
    let probes = [Date::constant(2026, 12, 7), Date::constant(1999, 1, 23)];
    for date in probes {
        let written = jiff::fmt::strtime::format(format, date).map_err(|e| ForecastError {
            row: None,
            column: None,
            key: Some(DATE_FORMAT_KEY),
            message: format!("`{format}` is not a date format ({e}); write a strftime format {example}"),
        })?;
        if calendar::parse_date_as(&written, format) != Some(date) {
            return fail_key(
                DATE_FORMAT_KEY,
                format!(
                    "`{format}` does not give a whole date (it writes {} as `{written}`, which does not read \
                     back); give the year, month and day, {example}",
                    calendar::iso(date)
                ),
            );
        }
    }
    Ok(())
}

/// Reads and checks the forecast at `path` (a regular file of at most
/// [`crate::input::MAX_FORECAST_BYTES`]) in routesim's own layout.
pub(crate) fn load(files: &dyn crate::input::Source, path: &Path) -> Result<Forecast> {
    load_as(files, path, &Layout::default(), None)
}

/// [`load`] through `layout`; with `queues` (the scenario's), a queue name
/// that matches one of them in all but case is read as it ([`parse_as`]).
pub(crate) fn load_as(
    files: &dyn crate::input::Source,
    path: &Path,
    layout: &Layout,
    queues: Option<&[&str]>,
) -> Result<Forecast> {
    let bytes = files
        .read(path, crate::input::MAX_FORECAST_BYTES)
        .or_else(|e| fail(None, None, e.words("forecast file")))?;
    parse_as(&bytes, &path.display().to_string(), layout, queues)
}

/// A parsed start time: which format, and seconds from the start of its day
/// (daily), week (weekly) or the epoch day (dated, in `day`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Daily(i64),
    Weekly(i64),
    Dated { day: i64, secs: i64 },
}

impl Start {
    fn format(self) -> &'static str {
        match self {
            Start::Daily(_) => "daily (`HH:MM`)",
            Start::Weekly(_) => "weekly (`ddd HH:MM`)",
            Start::Dated { .. } => "dated (`YYYY-MM-DD HH:MM`)",
        }
    }
}

/// Parses forecast `bytes` in routesim's own layout; `file` names it in the result.
#[cfg(test)]
pub(crate) fn parse(bytes: &[u8], file: &str) -> Result<Forecast> {
    parse_as(bytes, file, &Layout::default(), None)
}

/// Parses forecast `bytes` through `layout`; `file` names it in the result.
/// With `queues` (the scenario's queue names), a queue the file spells in
/// other case is read as the scenario's when only one matches (noted in
/// [`Forecast::renamed`]); when two scenario queues match, it is an error.
/// A bad cell of a column the file names otherwise says so.
pub(crate) fn parse_as(
    bytes: &[u8],
    file: &str,
    layout: &Layout,
    queues: Option<&[&str]>,
) -> Result<Forecast> {
    read(bytes, file, layout, queues).map_err(|mut e| {
        if let (Some(row), Some(c)) = (e.row, e.column)
            && row > 1
            && let Some(i) = COLUMNS.iter().position(|n| *n == c)
            && let Some(theirs) = &layout.columns[i]
        {
            e.message = format!("{} (the file's column `{theirs}`)", e.message);
        }
        e
    })
}

fn read(bytes: &[u8], file: &str, layout: &Layout, queues: Option<&[&str]>) -> Result<Forecast> {
    let text = std::str::from_utf8(bytes)
        .or_else(|e| fail(None, None, format!("is not UTF-8 text ({e}); save it as CSV UTF-8")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or("");
    if header_line.trim().is_empty() {
        return fail(
            Some(1),
            None,
            "the first row must be a header: start, queue, offered (and optionally aht, rate_cv)",
        );
    }
    let semicolon = header_line.contains(';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if semicolon { b';' } else { b',' })
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header =
        reader.headers().or_else(|e| fail(Some(1), None, format!("cannot read the header: {e}")))?.clone();
    let at = header_columns(&header, file, layout)?;
    for c in 0..3 {
        if at[c].is_none() {
            return fail(
                Some(1),
                None,
                format!(
                    "the header has no `{}` column; the columns are start, queue, offered and optionally aht and rate_cv",
                    COLUMNS[c]
                ),
            );
        }
    }
    let has_aht = at[3].is_some();

    struct Line {
        row: usize,
        start: Start,
        /// Index into `order`, the queue names by first appearance.
        queue: usize,
        offered: f64,
        aht: Option<f64>,
        rate_cv: Option<f64>,
    }
    let mut rows: Vec<Line> = Vec::new();
    // Queue names as the scenario spells them → index into `order`, and
    // each spelling in the file → the same index.
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut spellings: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let matcher = queues.map(QueueMatcher::new);
    let mut renamed = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut last_line = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map_or(last_line + 1, |p| p.line() as usize);
                return fail(Some(row), None, format!("cannot read this row: {e}"));
            }
        }
        let row = record.position().map_or(last_line + 1, |p| p.line() as usize);
        last_line = row;
        if record.iter().all(str::is_empty) {
            continue; // blank line
        }
        if record.len() != header.len() {
            return fail(
                Some(row),
                None,
                format!(
                    "has {} cells but the header has {} columns; give every column on every row (an empty cell \
                     is written as nothing between two delimiters)",
                    record.len(),
                    header.len()
                ),
            );
        }
        if rows.len() == MAX_ROWS {
            return fail(
                Some(row),
                None,
                format!("is one row too many: a forecast holds at most {MAX_ROWS} rows"),
            );
        }
        let cell = |c: usize| at[c].and_then(|i| record.get(i)).unwrap_or("");
        let start = match &layout.date_format {
            None => parse_start(cell(0)),
            Some(format) => parse_formatted_start(cell(0), format),
        }
        .or_else(|m| fail(Some(row), Some("start"), m))?;
        if let Some(first) = rows.first()
            && std::mem::discriminant(&first.start) != std::mem::discriminant(&start)
        {
            return fail(
                Some(row),
                Some("start"),
                format!(
                    "`{}` is {} but row {} is {}; use one format for the whole file",
                    cell(0),
                    start.format(),
                    first.row,
                    first.start.format()
                ),
            );
        }
        let queue = cell(1);
        if queue.is_empty() {
            return fail(Some(row), Some("queue"), "empty; name the queue the row is for");
        }
        let offered = number(cell(2), semicolon).or_else(|m| fail(Some(row), Some("offered"), m))?;
        let Some(offered) = offered else {
            return fail(Some(row), Some("offered"), "empty; write 0 for an interval with no conversations");
        };
        if offered > MAX_ROW_VOLUME {
            return fail(
                Some(row),
                Some("offered"),
                format!(
                    "{} conversations in one interval is more than routesim takes ({MAX_ROW_VOLUME:.0} per row); \
                     check the units (conversations per interval, not per year or in thousands)",
                    cell(2)
                ),
            );
        }
        let aht = if has_aht {
            handle_time(cell(3), semicolon).or_else(|m| fail(Some(row), Some("aht"), m))?
        } else {
            None
        };
        if aht.is_some_and(|a| a > DAY) {
            return fail(Some(row), Some("aht"), "is more than a day; give the AHT in seconds or as mm:ss");
        }
        let rate_cv = number(cell(4), semicolon).or_else(|m| fail(Some(row), Some("rate_cv"), m))?;
        if rate_cv.is_some_and(|cv| cv > super::limits::MAX_RATE_CV) {
            return fail(
                Some(row),
                Some("rate_cv"),
                format!(
                    "is more than {}; it is the coefficient of variation of each day's volume, e.g. 0.1",
                    super::limits::MAX_RATE_CV
                ),
            );
        }
        let queue = match spellings.get(queue) {
            Some(&i) => i,
            None => {
                let name = match &matcher {
                    Some(m) => m.resolve(queue, row, file, &mut renamed)?,
                    None => queue,
                };
                let i = names.get(name).copied();
                let i = match i {
                    Some(i) => i,
                    None => {
                        if names.len() == super::limits::MAX_QUEUES {
                            return fail(
                                Some(row),
                                Some("queue"),
                                format!(
                                    "`{queue}` is one queue too many: a scenario has at most {} queues",
                                    super::limits::MAX_QUEUES
                                ),
                            );
                        }
                        names.insert(name.to_owned(), names.len());
                        order.push(name.to_owned());
                        names.len() - 1
                    }
                };
                spellings.insert(queue.to_owned(), i);
                i
            }
        };
        rows.push(Line { row, start, queue, offered, aht, rate_cv });
    }
    let Some(first) = rows.first() else {
        return fail(None, None, "has a header but no rows");
    };

    // Offsets in seconds from the start of the pattern.
    let first_day = rows
        .iter()
        .filter_map(|r| match r.start {
            Start::Dated { day, .. } => Some(day),
            _ => None,
        })
        .min();
    let offset = |s: Start| match s {
        Start::Daily(x) | Start::Weekly(x) => x,
        Start::Dated { day, secs } => (day - first_day.unwrap_or(day)) * 86_400 + secs,
    };
    let mut offsets: Vec<i64> = rows.iter().map(|r| offset(r.start)).collect();
    offsets.sort_unstable();
    offsets.dedup();
    // The most common gap between consecutive start times (the shortest on
    // a tie): a gap where rows are missing, or one stray start off the grid,
    // does not change it.
    let mut gaps: Vec<i64> = offsets.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let step = gaps
        .chunk_by(|a, b| a == b)
        .map(|run| (run.len(), std::cmp::Reverse(run[0])))
        .max()
        .map(|(_, std::cmp::Reverse(gap))| gap);
    let Some(step) = step else {
        return fail(
            None,
            Some("start"),
            "every row starts at the same time, so the interval length cannot be read from the \
             start times; give at least two consecutive intervals",
        );
    };
    if 86_400 % step != 0 {
        return fail(
            None,
            Some("start"),
            format!(
                "the intervals read from the start times last {}, which does not divide a day; \
                 use intervals such as 15, 30 or 60 minutes",
                if step % 60 == 0 { format!("{} min", step / 60) } else { format!("{step} s") }
            ),
        );
    }
    if let Some(off) = rows.iter().find(|r| offset(r.start) % step != 0) {
        return fail(
            Some(off.row),
            Some("start"),
            format!(
                "is not on the grid of {} intervals from midnight that the other start times follow",
                minutes(step)
            ),
        );
    }
    let (pattern, span_days) = match first.start {
        Start::Daily(_) => (Pattern::Daily, 1),
        Start::Weekly(_) => (Pattern::Weekly, 7),
        Start::Dated { .. } => {
            let lo = first_day.unwrap_or(0);
            let hi = rows
                .iter()
                .filter_map(|r| match r.start {
                    Start::Dated { day, .. } => Some(day),
                    _ => None,
                })
                .max()
                .unwrap_or(lo);
            let days = (hi - lo + 1) as usize;
            let Some(first) = calendar::add_days(epoch(), lo) else {
                return fail(None, Some("start"), "holds a date routesim cannot count from");
            };
            (Pattern::Dated { first, days }, days)
        }
    };
    let steps = span_days * (86_400 / step) as usize;
    if steps > MAX_STEPS {
        return fail(
            None,
            Some("start"),
            format!(
                "spans {span_days} days of {} intervals, more than routesim takes ({MAX_STEPS})",
                minutes(step)
            ),
        );
    }

    if order.len().saturating_mul(steps) > MAX_CELLS {
        return fail(
            None,
            Some("start"),
            format!(
                "spans {span_days} days of {} intervals for {} queues, {} cells; routesim reads at most \
                 {MAX_CELLS} (queues × intervals): shorten the dates or split the queues",
                minutes(step),
                order.len(),
                order.len() * steps
            ),
        );
    }
    let mut queues: Vec<ForecastQueue> = Vec::new();
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    for r in &rows {
        let qi = r.queue;
        if qi == queues.len() {
            queues.push(ForecastQueue {
                name: order[qi].clone(),
                row: r.row,
                offered: vec![0.0; steps],
                aht: has_aht.then(|| vec![None; steps]),
                rate_cv: None,
                missing: Vec::new(),
            });
        }
        let k = (offset(r.start) / step) as usize;
        if let Some(earlier) = seen.insert((qi, k), r.row) {
            return fail(
                Some(r.row),
                Some("start"),
                format!("queue `{}` already has a row for this interval (row {earlier})", order[qi]),
            );
        }
        let q = &mut queues[qi];
        q.offered[k] = r.offered;
        if let Some(cv) = r.rate_cv {
            match q.rate_cv {
                Some(earlier) if earlier != cv => {
                    return fail(
                        Some(r.row),
                        Some("rate_cv"),
                        format!(
                            "queue `{}` has rate_cv {earlier} on an earlier row; a queue has one rate_cv \
                             (its day-level volume uncertainty): give the same value or leave the cell empty",
                            order[qi]
                        ),
                    );
                }
                _ => q.rate_cv = Some(cv),
            }
        }
        if let Some(aht) = &mut q.aht {
            aht[k] = r.aht;
        }
    }
    if !matches!(pattern, Pattern::Daily) {
        let mut starts = vec![false; steps];
        for &(_, k) in seen.keys() {
            starts[k] = true;
        }
        for (qi, q) in queues.iter_mut().enumerate() {
            let mine: Vec<usize> = seen.keys().filter(|(i, _)| *i == qi).map(|&(_, k)| k).collect();
            let (Some(&lo), Some(&hi)) = (mine.iter().min(), mine.iter().max()) else { continue };
            q.missing = (lo..=hi).filter(|&k| starts[k] && !seen.contains_key(&(qi, k))).collect();
        }
    }
    Ok(Forecast { file: file.to_owned(), pattern, step: step as f64, queues, renamed })
}

impl Forecast {
    /// Checks that every queue of the file is one of `known`.
    pub(crate) fn check_queues<'a>(&self, known: impl Iterator<Item = &'a str> + Clone) -> Result<()> {
        for q in &self.queues {
            if known.clone().any(|k| k == q.name) {
                continue;
            }
            let hint = super::suggest::nearest(&q.name, known.clone())
                .map_or(String::new(), |n| format!("did you mean `{n}`? "));
            let list: Vec<String> = known.clone().map(|k| format!("`{k}`")).collect();
            return fail(
                Some(q.row),
                Some("queue"),
                format!(
                    "the scenario has no queue `{}`; {hint}its queues are {}",
                    q.name,
                    if list.is_empty() { "none".to_owned() } else { list.join(", ") }
                ),
            );
        }
        Ok(())
    }

    /// The rows of queue `name`, if the file has any.
    /// Number of steps of the pattern (one day, one week or the dated days).
    pub(crate) fn steps(&self) -> usize {
        self.queues.first().map_or(0, |q| q.offered.len())
    }

    /// The start of step `i` as the file writes it: `HH:MM`, `Mon HH:MM`
    /// or `YYYY-MM-DD HH:MM`.
    pub(crate) fn step_label(&self, i: usize) -> String {
        let secs = i as f64 * self.step;
        let day = (secs / DAY).floor();
        let clock = crate::format::day_clock(secs).1;
        match &self.pattern {
            Pattern::Daily => clock,
            Pattern::Weekly => {
                let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                format!("{} {clock}", names[(day as usize) % 7])
            }
            Pattern::Dated { first, .. } => {
                let date = calendar::add_days(*first, day as i64).unwrap_or(*first);
                format!("{} {clock}", calendar::iso(date))
            }
        }
    }

    /// The start of step `i` for a reader: `Mon 07 Dec 10:00` on a dated
    /// forecast ([`crate::calendar`]), `Mon 10:00` on a weekly one.
    pub(crate) fn step_words(&self, i: usize) -> String {
        match &self.pattern {
            Pattern::Dated { first, .. } => {
                calendar::Calendar::dated(*first).label(i as f64 * self.step, true)
            }
            _ => self.step_label(i),
        }
    }

    /// The queue's missing rows in words, one message per queue that has
    /// any: `Chat has no row for Mon 07 Dec 10:00: read as 0 conversations`.
    pub(crate) fn gaps(&self) -> Vec<String> {
        const LISTED: usize = 3;
        self.queues
            .iter()
            .filter(|q| !q.missing.is_empty())
            .map(|q| {
                let listed: Vec<String> =
                    q.missing.iter().take(LISTED).map(|&k| self.step_words(k)).collect();
                let more = q.missing.len().saturating_sub(LISTED);
                let tail = if more > 0 { format!(" and {more} more intervals") } else { String::new() };
                format!(
                    "{} has no row for {}{tail}: read as 0 conversations (forecast {}; other queues \
                     have rows at that start)",
                    q.name,
                    listed.join(", "),
                    self.file
                )
            })
            .collect()
    }

    pub(crate) fn queue(&self, name: &str) -> Option<&ForecastQueue> {
        self.queues.iter().find(|q| q.name == name)
    }

    /// Length of the forecast in seconds for a dated one (`None`: it repeats).
    pub(crate) fn dated_span(&self) -> Option<f64> {
        match &self.pattern {
            Pattern::Dated { days, .. } => Some(*days as f64 * DAY),
            _ => None,
        }
    }
}

/// Where each of [`COLUMNS`] is in `header`, read through `layout`: a
/// column answers to its mapped header, else to its own name, in any case.
/// A mapped header the file lacks is the scenario's problem (its key); an
/// unknown or repeated header, or a missing required column, the file's.
fn header_columns(header: &csv::StringRecord, file: &str, layout: &Layout) -> Result<[Option<usize>; 5]> {
    let mut at = [None; COLUMNS.len()];
    let mut unknown = None;
    for (i, name) in header.iter().enumerate() {
        let lower = name.to_lowercase();
        let Some(c) = (0..COLUMNS.len()).find(|&c| layout.wanted(c).to_lowercase() == lower) else {
            unknown = unknown.or(Some(name));
            continue;
        };
        if at[c].is_some() {
            return fail(Some(1), Some(COLUMNS[c]), "this column appears twice in the header");
        }
        at[c] = Some(i);
    }
    for c in 0..COLUMNS.len() {
        let (Some(theirs), None) = (&layout.columns[c], at[c]) else { continue };
        let hint = super::suggest::nearest(theirs, header.iter())
            .map_or(String::new(), |n| format!("did you mean `{n}`? "));
        let list: Vec<String> = header.iter().map(|h| format!("`{h}`")).collect();
        return fail_key(
            COLUMN_KEYS[c],
            format!("the forecast {file} has no column `{theirs}`; {hint}its header is {}", list.join(", ")),
        );
    }
    let columns_are = || {
        if layout.mapped() {
            let list: Vec<String> = (0..COLUMNS.len())
                .map(|c| match &layout.columns[c] {
                    Some(theirs) => format!("`{theirs}` ({})", COLUMNS[c]),
                    None => format!("`{}`", COLUMNS[c]),
                })
                .collect();
            format!(
                "the columns, as `forecast.columns` maps them, are {} (aht and rate_cv optional)",
                list.join(", ")
            )
        } else {
            "the columns are start, queue, offered and optionally aht and rate_cv".to_owned()
        }
    };
    if let Some(name) = unknown {
        let wanted: Vec<&str> = (0..COLUMNS.len()).map(|c| layout.wanted(c)).collect();
        let hint = super::suggest::nearest(&name.to_lowercase(), wanted.iter().copied())
            .map_or(String::new(), |n| format!("did you mean `{n}`? "));
        return fail(Some(1), None, format!("unknown column `{name}`; {hint}{}", columns_are()));
    }
    if let Some(c) = (0..3).find(|&c| at[c].is_none()) {
        return fail(
            Some(1),
            None,
            format!("the header has no `{}` column; {}", layout.wanted(c), columns_are()),
        );
    }
    Ok(at)
}

/// Parses a start cell written `<date> HH:MM`, the date in `format`
/// (`date_format`), into a dated start.
fn parse_formatted_start(cell: &str, format: &str) -> std::result::Result<Start, String> {
    let example = jiff::fmt::strtime::format(format, Date::constant(2026, 12, 7))
        .map_or(String::new(), |d| format!(", e.g. `{d} 10:00`"));
    let hint = format!("with date_format \"{format}\", write the date then the time HH:MM{example}");
    if cell.is_empty() {
        return Err(format!("empty; {hint}"));
    }
    let Some((date, clock)) = cell.trim().rsplit_once(' ') else {
        return Err(format!("`{cell}` is not a start time; {hint}"));
    };
    let secs = clock_secs(clock.trim())
        .ok_or_else(|| format!("`{clock}` is not a time of day in `{cell}`; {hint}"))?;
    let date = calendar::parse_date_as(date.trim(), format)
        .ok_or_else(|| format!("`{}` is not a date written \"{format}\"; {hint}", date.trim()))?;
    Ok(Start::Dated { day: calendar::days_between(epoch(), date), secs })
}

/// An AHT cell: seconds as a number (`521`, `412,5` in `;` files), or a
/// duration `mm:ss` / `h:mm:ss` as WFM tools export it (`8:41` = 521 s);
/// empty → `None`.
fn handle_time(cell: &str, decimal_comma: bool) -> std::result::Result<Option<f64>, String> {
    if !cell.contains(':') {
        return number(cell, decimal_comma).map_err(|m| format!("{m}, or a duration mm:ss such as 8:41"));
    }
    let bad = || {
        format!(
            "`{cell}` is not a handle time; write seconds (521), minutes and seconds mm:ss (8:41) or \
             hours, minutes and seconds h:mm:ss (1:02:03)"
        )
    };
    let parts: Vec<&str> = cell.split(':').collect();
    let digits = |p: &str| !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit());
    let (lead, middle, last) = match parts.as_slice() {
        [m, s] => (*m, None, *s),
        [h, m, s] => (*h, Some(*m), *s),
        _ => return Err(bad()),
    };
    if !digits(lead) {
        return Err(bad());
    }
    let lead: f64 = lead.parse().map_err(|_| bad())?;
    let minutes = match middle {
        None => lead,
        Some(m) if m.len() == 2 && digits(m) => {
            let m: f64 = m.parse().map_err(|_| bad())?;
            if m >= 60.0 {
                return Err(bad());
            }
            lead * 60.0 + m
        }
        Some(_) => return Err(bad()),
    };
    // Seconds: two digits, optionally a fraction after `.` (or `,`).
    let (whole, fraction) = match last.split_once(['.', ',']) {
        Some((w, f)) if digits(f) => (w, Some(f)),
        Some(_) => return Err(bad()),
        None => (last, None),
    };
    if whole.len() != 2 || !digits(whole) {
        return Err(bad());
    }
    let seconds: f64 = match fraction {
        Some(f) => format!("{whole}.{f}").parse().map_err(|_| bad())?,
        None => whole.parse().map_err(|_| bad())?,
    };
    if seconds >= 60.0 {
        return Err(bad());
    }
    Ok(Some(minutes * 60.0 + seconds))
}

/// The scenario's queue names, for reading a forecast's queue names in any case.
struct QueueMatcher<'a> {
    /// Exact names.
    exact: std::collections::HashSet<&'a str>,
    /// Lower-case name → the scenario's names that lower to it.
    folded: HashMap<String, Vec<&'a str>>,
}

impl<'a> QueueMatcher<'a> {
    fn new(names: &[&'a str]) -> QueueMatcher<'a> {
        let mut folded: HashMap<String, Vec<&'a str>> = HashMap::new();
        for &n in names {
            let entry = folded.entry(n.to_lowercase()).or_default();
            if !entry.contains(&n) {
                entry.push(n);
            }
        }
        QueueMatcher { exact: names.iter().copied().collect(), folded }
    }

    /// The name `given` (first seen on `row`) is read as: itself when the
    /// scenario has it or nothing like it, else the one scenario queue
    /// spelt the same in other case (noted in `renamed`). Two such queues
    /// are an error naming both.
    fn resolve<'g>(
        &self,
        given: &'g str,
        row: usize,
        file: &str,
        renamed: &mut Vec<String>,
    ) -> Result<&'g str>
    where
        'a: 'g,
    {
        if self.exact.contains(given) {
            return Ok(given);
        }
        match self.folded.get(&given.to_lowercase()).map(Vec::as_slice) {
            Some([one]) => {
                renamed.push(format!("{file} row {row}: queue `{given}` read as `{one}`"));
                Ok(one)
            }
            Some(several @ [_, _, ..]) => {
                let list: Vec<String> = several.iter().map(|n| format!("`{n}`")).collect();
                fail(
                    Some(row),
                    Some("queue"),
                    format!(
                        "queue `{given}` matches the scenario's queues {} in all but case, so it is ambiguous; \
                         write the name exactly as the scenario does",
                        list.join(" and ")
                    ),
                )
            }
            _ => Ok(given),
        }
    }
}

/// A number of conversations or seconds: empty → `None`; with `;` files a
/// decimal comma is read as a point.
fn number(cell: &str, decimal_comma: bool) -> std::result::Result<Option<f64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    let text = if decimal_comma && !cell.contains('.') { cell.replace(',', ".") } else { cell.to_owned() };
    let hint = if decimal_comma {
        "write a number such as 12 or 12,5"
    } else {
        "write a number such as 12 or 12.5 (files separated by `,` take a decimal point; use `;` as the separator for decimal commas)"
    };
    let bad = || format!("`{cell}` is not a number; {hint}");
    if !text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')) {
        return Err(bad());
    }
    let v: f64 = text.parse().map_err(|_| bad())?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("`{cell}` must be zero or more"));
    }
    Ok(Some(v))
}

/// Parses a start cell: `HH:MM`, `ddd HH:MM` or `YYYY-MM-DD HH:MM`
/// (seconds `:SS` allowed; a `T` may separate date and time).
fn parse_start(cell: &str) -> std::result::Result<Start, String> {
    let hint =
        "write `HH:MM` (daily), `ddd HH:MM` with ddd Mon to Sun (weekly) or `YYYY-MM-DD HH:MM` (dated)";
    let bad = || format!("`{cell}` is not a start time; {hint}");
    if cell.is_empty() {
        return Err(format!("empty; {hint}"));
    }
    let split = cell.split_once(' ').or_else(|| {
        // `2026-03-02T08:00`, as some tools write it; not the T of Tue or Thu.
        (cell.len() > 10 && cell.as_bytes()[10] == b'T').then(|| (&cell[..10], &cell[11..]))
    });
    let (head, clock) = match split {
        Some((h, c)) => (Some(h.trim()), c.trim()),
        None => (None, cell),
    };
    let secs = clock_secs(clock).ok_or_else(bad)?;
    let Some(head) = head else { return Ok(Start::Daily(secs)) };
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let lower = head.to_ascii_lowercase();
    if let Some(d) = DAYS.iter().position(|d| lower.len() >= 3 && lower.starts_with(d)) {
        const FULL: [&str; 7] =
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        if lower.len() == 3 || lower == FULL[d] {
            return Ok(Start::Weekly(d as i64 * 86_400 + secs));
        }
        return Err(bad());
    }
    let day = date_days(head).ok_or_else(|| {
        format!("`{head}` is neither a day of the week (Mon to Sun) nor a date (YYYY-MM-DD); {hint}")
    })?;
    Ok(Start::Dated { day, secs })
}

/// `HH:MM` or `HH:MM:SS` before 24:00, in seconds.
fn clock_secs(text: &str) -> Option<i64> {
    let mut parts = text.split(':');
    let mut field = |max: i64| -> Option<i64> {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok().filter(|v| *v < max)
    };
    let (h, m) = (field(24)?, field(60)?);
    let s = match parts.next() {
        None => 0,
        Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse().ok().filter(|v| *v < 60)?
        }
        Some(_) => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(h * 3600 + m * 60 + s)
}

/// `YYYY-MM-DD` → days since 1970-01-01, if a real date.
fn date_days(text: &str) -> Option<i64> {
    Some(calendar::days_between(epoch(), calendar::parse_date(text)?))
}

/// 1970-01-01, the day [`date_days`] counts from.
fn epoch() -> Date {
    Date::constant(1970, 1, 1)
}

fn minutes(secs: i64) -> String {
    if secs % 60 == 0 { format!("{}-minute", secs / 60) } else { format!("{secs}-second") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Forecast {
        parse(text.as_bytes(), "f.csv").unwrap_or_else(|e| panic!("rejected: {e:?}\n{text}"))
    }

    fn err(text: &str) -> ForecastError {
        match parse(text.as_bytes(), "f.csv") {
            Ok(f) => panic!("accepted: {f:?}\n{text}"),
            Err(e) => e,
        }
    }

    #[test]
    fn daily_comma_file_gives_volumes_on_its_grid() {
        let f = ok("start,queue,offered\n08:00,chat,10\n08:30,chat,12.5\n09:30,chat,4\n08:00,mail,3\n");
        assert_eq!(f.pattern, Pattern::Daily);
        assert_eq!(f.step, 1800.0);
        let chat = f.queue("chat").unwrap();
        assert_eq!(chat.offered.len(), 48);
        assert_eq!(chat.offered[16], 10.0);
        assert_eq!(chat.offered[17], 12.5);
        assert_eq!(chat.offered[18], 0.0, "a missing interval has no arrivals");
        assert_eq!(chat.offered[19], 4.0);
        assert!(chat.aht.is_none());
        assert_eq!(f.queue("mail").unwrap().offered[16], 3.0);
        assert_eq!(f.queue("mail").unwrap().row, 5);
    }

    #[test]
    fn semicolon_file_takes_decimal_commas_and_aht() {
        let f = ok("Start;Queue;Offered;AHT\n00:00;chat;12,5;300\n00:15;chat;7;\n00:30;chat;0,25;412,5\n");
        assert_eq!(f.step, 900.0);
        let chat = f.queue("chat").unwrap();
        assert_eq!(chat.offered.len(), 96);
        assert_eq!(&chat.offered[..3], &[12.5, 7.0, 0.25]);
        assert_eq!(&chat.aht.as_ref().unwrap()[..4], &[Some(300.0), None, Some(412.5), None]);
    }

    #[test]
    fn weekly_starts_put_day_zero_on_monday() {
        let f = ok(
            "start,queue,offered\nMon 00:00,chat,1\nmon 01:00,chat,2\nSunday 23:00,chat,3\nThu 00:00,chat,4\nTue 00:00,chat,5\n",
        );
        assert_eq!(f.pattern, Pattern::Weekly);
        assert_eq!(f.step, 3600.0);
        let chat = f.queue("chat").unwrap();
        assert_eq!(chat.offered.len(), 7 * 24);
        assert_eq!((chat.offered[0], chat.offered[1], chat.offered[167]), (1.0, 2.0, 3.0));
        assert_eq!((chat.offered[24], chat.offered[72]), (5.0, 4.0));
    }

    #[test]
    fn dated_starts_count_days_from_the_earliest_date() {
        let f = ok(
            "start,queue,offered\n2024-03-01 00:00,chat,5\n2024-02-28 12:00,chat,1\n2024-02-28 12:30,chat,2\n",
        );
        assert_eq!(
            f.pattern,
            Pattern::Dated { first: Date::constant(2024, 2, 28), days: 3 },
            "2024 is a leap year"
        );
        assert_eq!(f.dated_span(), Some(3.0 * DAY));
        let chat = f.queue("chat").unwrap();
        assert_eq!(chat.offered.len(), 3 * 48);
        assert_eq!((chat.offered[24], chat.offered[25], chat.offered[96]), (1.0, 2.0, 5.0));
        assert_eq!(date_days("1970-01-01"), Some(0));
        assert_eq!(
            calendar::add_days(epoch(), date_days("2026-11-25").unwrap()),
            calendar::parse_date("2026-11-25")
        );
        assert_eq!(date_days("2023-02-29"), None);
    }

    #[test]
    fn a_missing_row_of_a_dated_forecast_is_named_with_its_weekday_and_date() {
        // Chat's Monday 10:00 row is missing; email has one there, so the grid has that start.
        let f = ok("start;queue;offered\n\
                    2026-12-07 09:30;Chat;40\n2026-12-07 09:30;Email;3\n\
                    2026-12-07 10:00;Email;4\n\
                    2026-12-07 10:30;Chat;44\n2026-12-07 10:30;Email;5\n\
                    2026-12-07 11:30;Chat;40\n2026-12-07 11:30;Email;3\n");
        assert_eq!(f.queue("Chat").unwrap().missing, vec![20]);
        let gaps = f.gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert!(
            gaps[0].starts_with("Chat has no row for Mon 07 Dec 10:00: read as 0 conversations"),
            "{gaps:?}"
        );
        // 11:00 is missing for both queues: not a start the grid has, so no gap.
        assert!(!gaps[0].contains("11:00"), "{gaps:?}");
    }

    #[test]
    fn a_daily_forecast_has_no_gaps_to_warn_of() {
        let f = ok("start,queue,offered\n09:00,chat,4\n09:00,mail,1\n10:00,chat,5\n09:30,mail,2\n");
        assert!(f.gaps().is_empty());
    }

    #[test]
    fn bad_cells_name_row_and_column() {
        let e = err("start;queue;offered\n08:00;chat;1\n08:30;chat;lots\n");
        assert_eq!((e.row, e.column), (Some(3), Some("offered")));
        assert!(e.message.contains("`lots`") && e.message.contains("12,5"), "{}", e.message);
        let e = err("start,queue,offered\n08:00,chat,1\n8h30,chat,2\n");
        assert_eq!((e.row, e.column), (Some(3), Some("start")));
        let e = err("start,queue,offered\n08:00,chat,1\n08:30,chat,-2\n");
        assert_eq!((e.row, e.column), (Some(3), Some("offered")));
        let e = err("start,queue,offered,aht\n08:00,chat,1,300\n08:30,chat,2,five\n");
        assert_eq!((e.row, e.column), (Some(3), Some("aht")));
        let e = err("start,queue,offered\n08:00,chat,1\nMon 08:30,chat,2\n");
        assert_eq!((e.row, e.column), (Some(3), Some("start")));
        assert!(e.message.contains("row 2"), "{}", e.message);
        let e = err("start,queue,offered\n2024-13-01 08:00,chat,1\n");
        assert_eq!((e.row, e.column), (Some(2), Some("start")));
        let e = err("start,queue,offered\n08:00,chat,1\n08:30,,2\n");
        assert_eq!((e.row, e.column), (Some(3), Some("queue")));
    }

    #[test]
    fn duplicate_rows_and_broken_grids_are_errors() {
        let e = err("start,queue,offered\n08:00,chat,1\n08:30,chat,2\n08:00,chat,3\n");
        assert_eq!((e.row, e.column), (Some(4), Some("start")));
        assert!(e.message.contains("row 2"), "{}", e.message);
        let e = err("start,queue,offered\n08:00,chat,1\n08:15,chat,2\n08:30,chat,3\n08:50,chat,3\n");
        assert_eq!((e.row, e.column), (Some(5), Some("start")), "{e:?}");
        assert!(e.message.contains("15-minute"), "{}", e.message);
        let e = err("start,queue,offered\n08:00,chat,1\n08:07,chat,2\n08:14,chat,3\n");
        assert!(e.message.contains("does not divide a day"), "{}", e.message);
        let e = err("start,queue,offered\n08:00,chat,1\n");
        assert!(e.message.contains("interval length"), "{}", e.message);
        let e = err("start,queue,offered\n08:07,chat,1\n08:22,chat,1\n");
        assert_eq!((e.row, e.column), (Some(2), Some("start")), "{e:?}");
    }

    #[test]
    fn headers_are_checked() {
        let e = err("start,queue,ofered\n08:00,chat,1\n");
        assert_eq!(e.row, Some(1));
        assert!(e.message.contains("did you mean `offered`"), "{}", e.message);
        let e = err("start,queue\n08:00,chat\n");
        assert!(e.message.contains("`offered`"), "{}", e.message);
        let e = err("start,queue,offered\n");
        assert!(e.message.contains("no rows"), "{}", e.message);
        let e = err("start,queue,offered\n08:00,chat,1,9\n");
        assert_eq!(e.row, Some(2));
        assert!(parse(b"\xff\xfe", "f.csv").is_err());
    }

    #[test]
    fn unknown_queues_are_named_with_a_suggestion() {
        let f = ok("start,queue,offered\n08:00,chat,1\n08:30,chta,2\n");
        let e = f.check_queues(["chat", "email"].into_iter()).unwrap_err();
        assert_eq!((e.row, e.column), (Some(3), Some("queue")));
        assert!(e.message.contains("`chta`") && e.message.contains("did you mean `chat`"), "{}", e.message);
        assert!(f.check_queues(["chat", "chta"].into_iter()).is_ok());
    }

    fn german(text: &str, queues: Option<&[&str]>) -> Result<Forecast> {
        let columns =
            [("start", "Beginn"), ("queue", "Warteschlange"), ("offered", "Volumen"), ("aht", "AHT")];
        let layout = Layout::new(columns, Some("%d.%m.%Y"))?;
        parse_as(text.as_bytes(), "de.csv", &layout, queues)
    }

    #[test]
    fn aht_may_be_written_mm_ss_or_h_mm_ss() {
        assert_eq!(handle_time("8:41", false), Ok(Some(521.0)));
        assert_eq!(handle_time("08:41", true), Ok(Some(521.0)));
        assert_eq!(handle_time("1:02:03", false), Ok(Some(3723.0)));
        assert_eq!(handle_time("75:00", false), Ok(Some(4500.0)), "minutes past the hour in mm:ss");
        assert_eq!(handle_time("0:41,5", true), Ok(Some(41.5)));
        assert_eq!(handle_time("521", false), Ok(Some(521.0)));
        assert_eq!(handle_time("", false), Ok(None));
        for bad in ["8:4", "8:61", "8:4x", ":41", "1:2:03", "1:60:00", "1:02:03:04", "-8:41"] {
            assert!(handle_time(bad, false).is_err(), "{bad} accepted");
        }
        let e = err("start;queue;offered;aht\n08:00;chat;1;8:41\n08:30;chat;2;8:4x\n");
        assert_eq!((e.row, e.column), (Some(3), Some("aht")));
        assert!(e.message.contains("`8:4x`") && e.message.contains("mm:ss"), "{}", e.message);
        let f = ok("start;queue;offered;aht\n08:00;chat;1;8:41\n08:30;chat;2;1:00:00\n");
        assert_eq!(&f.queue("chat").unwrap().aht.as_ref().unwrap()[16..18], &[Some(521.0), Some(3600.0)]);
    }

    #[test]
    fn a_mapped_export_reads_as_the_same_forecast_in_our_layout() {
        let de = german(
            "Beginn;Warteschlange;Volumen;AHT\n07.12.2026 10:00;Chat;47,1;8:41\n07.12.2026 10:30;Chat;40;\n",
            None,
        )
        .unwrap();
        let own = ok("start;queue;offered;aht\n2026-12-07 10:00;Chat;47,1;521\n2026-12-07 10:30;Chat;40;\n");
        assert_eq!(de.pattern, own.pattern);
        assert_eq!(de.step, own.step);
        let (a, b) = (de.queue("Chat").unwrap(), own.queue("Chat").unwrap());
        assert_eq!((&a.offered, &a.aht), (&b.offered, &b.aht));
        assert_eq!(a.offered[20], 47.1);
    }

    #[test]
    fn a_mapped_layout_refuses_what_does_not_fit_on_its_key() {
        let text = "Beginn;Warteschlange;Volumen\n07.12.2026 10:00;Chat;1\n07.12.2026 10:30;Chat;2\n";
        let layout =
            Layout::new([("start", "Beginn"), ("queue", "Warteschlange"), ("offered", "Volume")], None)
                .unwrap();
        let e = parse_as(text.as_bytes(), "de.csv", &layout, None).unwrap_err();
        assert_eq!(e.key, Some("forecast.columns.offered"));
        assert!(e.message.contains("no column `Volume`; did you mean `Volumen`?"), "{}", e.message);
        let e = Layout::new([("start", "Beginn"), ("aht", "beginn")], None).unwrap_err();
        assert_eq!(e.key, Some("forecast.columns.aht"), "{e:?}");
        let e = Layout::new([("offered", "aht")], None).unwrap_err();
        assert_eq!(e.key, Some("forecast.columns.offered"), "{e:?}");
        for bad in ["%d.%m.%", "%d.%m", "%d.%m.%Y %H:%M", "%Q"] {
            let e = Layout::new([], Some(bad)).unwrap_err();
            assert_eq!(e.key, Some("forecast.date_format"), "{bad}: {e:?}");
        }
        assert!(Layout::new([], Some("%m/%d/%y")).is_ok());
        // A date in another format is the file's problem, on its row and column.
        let e = german("Beginn;Warteschlange;Volumen;AHT\n2026-12-07 10:00;Chat;1;8:41\n", None).unwrap_err();
        assert_eq!((e.row, e.column, e.key), (Some(2), Some("start"), None));
        assert!(e.message.contains("e.g. `07.12.2026 10:00`"), "{}", e.message);
        assert!(e.message.contains("the file's column `Beginn`"), "{}", e.message);
    }

    #[test]
    fn queue_names_match_in_other_case_when_one_queue_fits() {
        let text = "start;queue;offered\n10:00;chat;1\n10:30;Chat;2\n11:00;CHAT;3\n10:00;Email;1\n";
        let f = parse_as(text.as_bytes(), "f.csv", &Layout::default(), Some(&["Chat", "Email"])).unwrap();
        assert_eq!(f.queues.len(), 2, "three spellings, one queue");
        assert_eq!(&f.queue("Chat").unwrap().offered[20..23], &[1.0, 2.0, 3.0]);
        assert_eq!(
            f.renamed,
            ["f.csv row 2: queue `chat` read as `Chat`", "f.csv row 4: queue `CHAT` read as `Chat`"]
        );
        // Two spellings of one queue at one start are one queue's duplicate rows.
        let text = "start;queue;offered\n10:00;chat;1\n10:00;Chat;2\n10:30;Chat;2\n";
        let e = parse_as(text.as_bytes(), "f.csv", &Layout::default(), Some(&["Chat"])).unwrap_err();
        assert_eq!((e.row, e.column), (Some(3), Some("start")), "{e:?}");
        // Ambiguous: two scenario queues differ only in case.
        let text = "start;queue;offered\n10:00;chat;1\n10:30;chat;2\n";
        let e = parse_as(text.as_bytes(), "f.csv", &Layout::default(), Some(&["Chat", "CHAT"])).unwrap_err();
        assert_eq!((e.row, e.column), (Some(2), Some("queue")));
        assert!(e.message.contains("`Chat` and `CHAT`"), "{}", e.message);
        // The exact spelling wins over other case.
        let f = parse_as(text.as_bytes(), "f.csv", &Layout::default(), Some(&["Chat", "chat"])).unwrap();
        assert!(f.renamed.is_empty() && f.queue("chat").is_some());
    }
}
