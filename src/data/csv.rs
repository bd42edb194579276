//! Your own data: `x,y,label` rows from a CSV file.
//!
//! The header is optional (a first line with no number in it). The problem type decides the
//! labels: classification takes -1/1 or 0/1 (0 becomes -1, the original's orange), regression
//! any finite number. Points beyond the playground's [-6, 6] square are scaled down, all by the
//! same factor about the origin, so that shapes and the features' meaning (X1², sin X1) keep their
//! proportions; the caller reports the factor. Every error names the line and the value.
//!
//! A million rows is a 30 MB file: it is read whole and parsed without per-row allocation.

use super::Point;
use crate::state::Problem;
use std::path::Path;
use thiserror::Error;

/// Half the side of the square the playground draws and samples.
pub const DOMAIN: f64 = 6.0;

#[derive(Debug, Error)]
pub enum CsvError {
    #[error("could not read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not UTF-8 text")]
    NotText { path: String },
    #[error("line {line}: expected 3 columns (x,y,label), found {found}: `{text}`")]
    Columns { line: usize, found: usize, text: String },
    #[error("line {line}: {column} `{value}` is not a number")]
    NotANumber { line: usize, column: &'static str, value: String },
    #[error("line {line}: {column} is `{value}`; points need finite numbers")]
    NotFinite { line: usize, column: &'static str, value: String },
    #[error("line {line}: label `{value}` is not a class; classification takes -1/1 or 0/1")]
    Label { line: usize, value: String },
    #[error(
        "line {line}: label `{value}` mixes label styles (line {other_line} has `{other}`); \
         classification takes either -1/1 or 0/1"
    )]
    MixedLabels { line: usize, value: String, other_line: usize, other: String },
    #[error("no data rows: expected lines of x,y,label")]
    Empty,
}

/// Points read from a CSV file, in the file's order.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvData {
    pub points: Vec<Point>,
    /// The factor every coordinate was multiplied by to fit [-6, 6] (1: they already fitted).
    pub scale: f64,
    /// The first line was a header.
    pub header: bool,
}

const COLUMNS: [&str; 3] = ["x", "y", "label"];

/// Reads and parses `path` (see [`parse`]).
pub fn load(path: &Path, problem: Problem) -> Result<CsvData, CsvError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| CsvError::Read { path: shown.clone(), source })?;
    let text = String::from_utf8(bytes).map_err(|_| CsvError::NotText { path: shown })?;
    parse(&text, problem)
}

fn trim_field(f: &str) -> &str {
    let f = f.trim();
    f.strip_prefix('"').and_then(|f| f.strip_suffix('"')).map_or(f, str::trim)
}

/// Parses CSV text of `x,y,label` rows for `problem`.
pub fn parse(text: &str, problem: Problem) -> Result<CsvData, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut points = Vec::with_capacity(text.len() / 16);
    let mut header = false;
    let mut first = true;
    // Classification: the first line that used each style, to report a file mixing them.
    let mut zero_at: Option<(usize, String)> = None;
    let mut minus_at: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut fields = [""; 3];
        let mut found = 0;
        for f in trimmed.split(',') {
            if found < 3 {
                fields[found] = trim_field(f);
            }
            found += 1;
        }
        let is_first = std::mem::replace(&mut first, false);
        if is_first && fields[..found.min(3)].iter().all(|f| f.parse::<f64>().is_err()) {
            header = true;
            continue;
        }
        if found != 3 {
            return Err(CsvError::Columns { line, found, text: trimmed.chars().take(80).collect() });
        }
        let mut v = [0.0; 3];
        for (k, f) in fields.iter().enumerate() {
            let n: f64 =
                f.parse().map_err(|_| CsvError::NotANumber { line, column: COLUMNS[k], value: f.to_string() })?;
            if !n.is_finite() {
                return Err(CsvError::NotFinite { line, column: COLUMNS[k], value: f.to_string() });
            }
            v[k] = n;
        }
        let label = match problem {
            Problem::Regression => v[2],
            Problem::Classification => {
                let style = if v[2] == 0.0 {
                    Some(&mut zero_at)
                } else if v[2] == -1.0 {
                    Some(&mut minus_at)
                } else if v[2] == 1.0 {
                    None
                } else {
                    return Err(CsvError::Label { line, value: fields[2].to_string() });
                };
                if let Some(style) = style
                    && style.is_none()
                {
                    *style = Some((line, fields[2].to_string()));
                }
                if let (Some((zl, zv)), Some((ml, mv))) = (&zero_at, &minus_at) {
                    let ((l, v), (ol, ov)) = if zl > ml { ((zl, zv), (ml, mv)) } else { ((ml, mv), (zl, zv)) };
                    return Err(CsvError::MixedLabels {
                        line: *l,
                        value: v.clone(),
                        other_line: *ol,
                        other: ov.clone(),
                    });
                }
                if v[2] == 1.0 { 1.0 } else { -1.0 }
            }
        };
        points.push(Point { x: v[0], y: v[1], label });
    }
    if points.is_empty() {
        return Err(CsvError::Empty);
    }
    let reach = points.iter().fold(0.0f64, |m, p| m.max(p.x.abs()).max(p.y.abs()));
    let scale = if reach > DOMAIN { DOMAIN / reach } else { 1.0 };
    if scale != 1.0 {
        for p in &mut points {
            p.x *= scale;
            p.y *= scale;
        }
    }
    Ok(CsvData { points, scale, header })
}

/// Writes points as CSV (`x,y,label`, with a header), the format [`parse`] reads.
pub fn to_csv(points: &[Point]) -> String {
    let mut out = String::with_capacity(points.len() * 24 + 16);
    out.push_str("x,y,label\n");
    for p in points {
        use std::fmt::Write;
        let _ = writeln!(out, "{},{},{}", p.x, p.y, p.label);
    }
    out
}

/// A CSV of `rows` points on a grid over the square with a checkerboard's labels (0/1), for
/// the big-file test and `bench csv`: point `i` is `synthetic_point(i, rows)`.
pub fn synthetic(rows: usize) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(rows * 22 + 16);
    out.push_str("x,y,label\n");
    for i in 0..rows {
        let p = synthetic_point(i, rows);
        let _ = writeln!(out, "{:.4},{:.4},{}", p.x, p.y, if p.label > 0.0 { 1 } else { 0 });
    }
    out
}

/// Point `i` of [`synthetic`], as it reads back (labels -1/1).
pub fn synthetic_point(i: usize, rows: usize) -> Point {
    let side = (rows as f64).sqrt().ceil().max(1.0) as usize;
    let step = 2.0 * DOMAIN / side as f64;
    let round = |v: f64| (v * 1e4).round() / 1e4;
    let x = round(-DOMAIN + (i % side) as f64 * step);
    let y = round(-DOMAIN + (i / side) as f64 * step);
    let label = if (x.floor() as i64 + y.floor() as i64) % 2 == 0 { 1.0 } else { -1.0 };
    Point { x, y, label }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Problem::{Classification, Regression};

    fn err(text: &str, problem: Problem) -> String {
        parse(text, problem).expect_err("should be rejected").to_string()
    }

    #[test]
    fn reads_rows_with_or_without_a_header() {
        let a = parse("x,y,label\n1,2,1\n-3.5, 4e0 ,-1\n\n", Classification).unwrap();
        assert!(a.header);
        assert_eq!(a.points, vec![Point { x: 1.0, y: 2.0, label: 1.0 }, Point { x: -3.5, y: 4.0, label: -1.0 }]);
        assert_eq!(a.scale, 1.0);
        let b = parse("\u{feff}1,2,1\r\n\"-3.5\",4,0\r\n", Classification).unwrap();
        assert!(!b.header);
        assert_eq!(b.points, a.points, "BOM, CRLF, quotes; 0/1 labels become -1/1");
        let r = parse("# comment\n0,0,0.25\n1,1,-7\n", Regression).unwrap();
        assert_eq!(r.points[0].label, 0.25);
        assert_eq!(r.points[1].label, -7.0);
        let round = parse(&to_csv(&a.points), Classification).unwrap();
        assert_eq!(round.points, a.points);
    }

    #[test]
    fn errors_name_the_line_and_the_value() {
        assert_eq!(err("x,y,label\n1,2\n", Classification), "line 2: expected 3 columns (x,y,label), found 2: `1,2`");
        assert_eq!(
            err("1,2,1\n1,2,1,4\n", Classification),
            "line 2: expected 3 columns (x,y,label), found 4: `1,2,1,4`"
        );
        assert_eq!(err("1,2,1\n1,abc,1\n", Classification), "line 2: y `abc` is not a number");
        assert_eq!(err("1,2,1\nNaN,2,1\n", Regression), "line 2: x is `NaN`; points need finite numbers");
        assert_eq!(err("1,2,inf\n", Regression), "line 1: label is `inf`; points need finite numbers");
        assert_eq!(
            err("1,2,1\n1,2,0.5\n", Classification),
            "line 2: label `0.5` is not a class; classification takes -1/1 or 0/1"
        );
        assert_eq!(
            err("1,2,0\n1,2,1\n3,3,-1\n", Classification),
            "line 3: label `-1` mixes label styles (line 1 has `0`); classification takes either -1/1 or 0/1"
        );
        assert_eq!(err("x,y,label\n\n", Classification), "no data rows: expected lines of x,y,label");
        // A first line with numbers in it is data, not a header.
        assert_eq!(err("1,2,abc\n", Classification), "line 1: label `abc` is not a number");
    }

    #[test]
    fn a_million_rows_load() {
        let rows = 1_000_000;
        let text = synthetic(rows);
        let path = std::env::temp_dir().join(format!("hl-million-{}.csv", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let d = load(&path, Classification).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(d.points.len(), rows);
        assert!(d.header);
        assert_eq!(d.scale, 1.0);
        for i in [0, 1, 999, 1000, 123_456, 500_000, rows - 1] {
            let want = synthetic_point(i, rows);
            let got = d.points[i];
            assert!((got.x - want.x).abs() < 1e-9 && (got.y - want.y).abs() < 1e-9, "row {i}: {got:?} vs {want:?}");
            assert_eq!(got.label, want.label, "row {i}");
        }
        let blue = d.points.iter().filter(|p| p.label > 0.0).count();
        assert!((400_000..600_000).contains(&blue), "both classes: {blue} blue");
    }

    #[test]
    fn points_beyond_the_square_are_scaled_to_fit() {
        let d = parse("120,0,1\n-30,60,-1\n", Classification).unwrap();
        assert_eq!(d.scale, 0.05);
        assert_eq!(d.points[0].x, 6.0);
        assert_eq!((d.points[1].x, d.points[1].y), (-1.5, 3.0));
        assert_eq!(d.points[1].label, -1.0, "labels are not scaled");
    }
}
