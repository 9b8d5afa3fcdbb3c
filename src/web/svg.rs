//! Pictures rendered on the server as inline SVG: a change timeline per platform and a
//! topics × platforms exposure matrix. Pure functions from numbers (and escaped labels) to
//! SVG strings, so pages need no JavaScript and nothing from other hosts.
use std::fmt::Write as _;

use crate::domain::topic::Exposure;

/// Width of the timeline picture in user units.
const WIDTH: f64 = 720.0;
/// Room on the left for lane labels.
const LABEL_WIDTH: f64 = 190.0;
/// Height of one lane.
const LANE: f64 = 28.0;

/// What kind of change a timeline mark stands for; decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// The first version archived (no change before it).
    First,
    Substantive,
    Cosmetic,
    Metadata,
}

impl MarkKind {
    /// The kind for a stored change class (`None` for a first version).
    pub fn from_class(class: Option<&str>) -> MarkKind {
        match class {
            Some("substantive") => MarkKind::Substantive,
            Some("cosmetic") => MarkKind::Cosmetic,
            Some("metadata") => MarkKind::Metadata,
            _ => MarkKind::First,
        }
    }

    fn colour(self) -> &'static str {
        match self {
            MarkKind::First => "#6b7280",
            MarkKind::Substantive => "#b91c1c",
            MarkKind::Cosmetic => "#9ca3af",
            MarkKind::Metadata => "#2563eb",
        }
    }

    fn label(self) -> &'static str {
        match self {
            MarkKind::First => "first archived",
            MarkKind::Substantive => "substantive",
            MarkKind::Cosmetic => "cosmetic",
            MarkKind::Metadata => "metadata",
        }
    }
}

/// One version on the timeline: when (seconds since the epoch), what kind, and a tooltip.
#[derive(Debug, Clone)]
pub struct Mark {
    pub at: i64,
    pub kind: MarkKind,
    pub title: String,
}

/// One row of the timeline: a document and its versions.
#[derive(Debug, Clone)]
pub struct Lane {
    pub label: String,
    pub marks: Vec<Mark>,
}

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The x position of `at` on an axis from `start` to `end`.
fn x_of(at: i64, start: i64, end: i64) -> f64 {
    let span = (end - start).max(1) as f64;
    let fraction = ((at - start) as f64 / span).clamp(0.0, 1.0);
    LABEL_WIDTH + 8.0 + fraction * (WIDTH - LABEL_WIDTH - 16.0)
}

/// A change timeline: one lane per document, one circle per version coloured by change class,
/// a year axis and a legend. Empty lanes give an empty picture with just the legend.
pub fn timeline(lanes: &[Lane]) -> String {
    let ats = lanes.iter().flat_map(|l| l.marks.iter().map(|m| m.at));
    let (start, end) = ats.fold((i64::MAX, i64::MIN), |(lo, hi), at| (lo.min(at), hi.max(at)));
    let (start, end) = if start > end { (0, 1) } else { (start, end) };
    let height = LANE * lanes.len() as f64 + 56.0;
    let mut svg = format!(
        "<svg class=\"timeline\" role=\"img\" aria-labelledby=\"timeline-title\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"{WIDTH}\" height=\"{height}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title id=\"timeline-title\">Change timeline: one mark per archived version</title>"
    );
    for (row, lane) in lanes.iter().enumerate() {
        let y = LANE * row as f64 + LANE / 2.0;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" class=\"lane\">{}</text><line x1=\"{LABEL_WIDTH}\" y1=\"{y:.1}\" x2=\"{WIDTH}\" \
             y2=\"{y:.1}\" stroke=\"#e5e7eb\"/>",
            y + 4.0,
            escape(&lane.label)
        );
        for mark in &lane.marks {
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"{}\"><title>{}</title></circle>",
                x_of(mark.at, start, end),
                mark.kind.colour(),
                escape(&mark.title)
            );
        }
    }
    let axis_y = LANE * lanes.len() as f64 + 16.0;
    year_ticks(&mut svg, start, end, axis_y);
    legend(&mut svg, axis_y + 26.0);
    svg.push_str("</svg>");
    svg
}

/// Year labels along the axis.
fn year_ticks(svg: &mut String, start: i64, end: i64, y: f64) {
    use chrono::{Datelike, TimeZone, Utc};
    let (Some(first), Some(last)) = (Utc.timestamp_opt(start, 0).single(), Utc.timestamp_opt(end, 0).single()) else {
        return;
    };
    for year in first.year()..=last.year() {
        let Some(jan) = Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single() else { continue };
        let at = jan.timestamp().max(start);
        let _ = write!(svg, "<text x=\"{:.1}\" y=\"{y:.1}\" class=\"tick\">{year}</text>", x_of(at, start, end));
    }
}

fn legend(svg: &mut String, y: f64) {
    let kinds = [MarkKind::Substantive, MarkKind::Metadata, MarkKind::Cosmetic, MarkKind::First];
    for (i, kind) in kinds.iter().enumerate() {
        let x = LABEL_WIDTH + 130.0 * i as f64;
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{y:.1}\" class=\"tick\">{}</text>",
            y - 4.0,
            kind.colour(),
            x + 10.0,
            kind.label()
        );
    }
}

/// The fill of a matrix cell at this exposure.
fn exposure_colour(level: Exposure) -> &'static str {
    match level {
        Exposure::Low => "#bbf7d0",
        Exposure::Medium => "#fde68a",
        Exposure::High => "#fca5a5",
    }
}

/// A matrix cell of a topic the platform addresses: its highest exposure, and the list of its
/// provisions on the topic that the cell links to.
#[derive(Debug, Clone)]
pub struct MatrixCell {
    pub level: Exposure,
    pub href: String,
}

/// A topics × platforms matrix: `cells[row][column]` is that platform's cell for that topic, or
/// `None` when its documents do not address the topic. Room is made for the longest labels, so
/// none is clipped.
pub fn matrix(topics: &[String], platforms: &[String], cells: &[Vec<Option<MatrixCell>>]) -> String {
    const CELL: f64 = 34.0;
    const LEFT: f64 = 230.0;
    // A rotated label of n characters reaches about 5 px per character up and to the right.
    let longest = platforms.iter().map(|p| p.chars().count()).max().unwrap_or(0) as f64;
    let top = (longest * 5.0 + 16.0).max(60.0);
    let width = LEFT + CELL * platforms.len() as f64 + (longest * 5.0).max(10.0);
    let height = top + CELL * topics.len() as f64 + 10.0;
    let mut svg = format!(
        "<svg class=\"matrix\" role=\"img\" aria-labelledby=\"matrix-title\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title id=\"matrix-title\">Exposure by topic and platform</title>"
    );
    for (col, platform) in platforms.iter().enumerate() {
        let x = LEFT + CELL * col as f64 + CELL / 2.0;
        let _ = write!(
            svg,
            "<text transform=\"translate({x:.1},{:.1}) rotate(-45)\" class=\"lane\">{}</text>",
            top - 8.0,
            escape(platform)
        );
    }
    for (row, topic) in topics.iter().enumerate() {
        let y = top + CELL * row as f64;
        let _ = write!(svg, "<text x=\"0\" y=\"{:.1}\" class=\"lane\">{}</text>", y + CELL / 2.0 + 4.0, escape(topic));
        for (col, platform) in platforms.iter().enumerate() {
            let cell = cells.get(row).and_then(|r| r.get(col)).and_then(Option::as_ref);
            let (fill, what) = cell
                .map_or(("#f3f4f6", "not addressed".to_owned()), |c| (exposure_colour(c.level), c.level.to_string()));
            if let Some(cell) = cell {
                let _ = write!(svg, "<a href=\"{}\">", escape(&cell.href));
            }
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" stroke=\"#fff\">\
                 <title>{} · {}: {what}</title></rect>",
                LEFT + CELL * col as f64,
                CELL - 2.0,
                CELL - 2.0,
                escape(topic),
                escape(platform)
            );
            if cell.is_some() {
                svg.push_str("</a>");
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(level: Exposure, href: &str) -> MatrixCell {
        MatrixCell { level, href: href.to_owned() }
    }

    fn mark(at: i64, kind: MarkKind) -> Mark {
        Mark { at, kind, title: format!("version at {at}") }
    }

    #[test]
    fn a_timeline_has_one_circle_per_version_plus_the_legend() {
        let lanes = vec![
            Lane { label: "Terms".into(), marks: vec![mark(0, MarkKind::First), mark(100, MarkKind::Substantive)] },
            Lane { label: "Privacy".into(), marks: vec![mark(50, MarkKind::Metadata)] },
        ];
        let svg = timeline(&lanes);
        assert_eq!(svg.matches("<circle").count(), 3 + 4);
        assert!(svg.contains("fill=\"#b91c1c\""));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn the_first_and_last_versions_sit_at_the_ends_of_the_axis() {
        assert!((x_of(0, 0, 100) - (LABEL_WIDTH + 8.0)).abs() < 1e-9);
        assert!((x_of(100, 0, 100) - (WIDTH - 8.0)).abs() < 1e-9);
        assert!((x_of(500, 0, 100) - (WIDTH - 8.0)).abs() < 1e-9);
    }

    #[test]
    fn a_single_version_or_no_version_does_not_divide_by_zero() {
        let one = timeline(&[Lane { label: "T".into(), marks: vec![mark(42, MarkKind::First)] }]);
        assert!(!one.contains("NaN") && !one.contains("inf"));
        let none = timeline(&[]);
        assert!(none.contains("</svg>"));
    }

    #[test]
    fn labels_and_titles_are_escaped() {
        let svg = timeline(&[Lane { label: "<script>".into(), marks: vec![mark(1, MarkKind::Cosmetic)] }]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        let m = matrix(&["a&b".into()], &["\"x\"".into()], &[vec![Some(cell(Exposure::High, "/search?a=1&b=2"))]]);
        assert!(m.contains("a&amp;b") && m.contains("&quot;x&quot;"));
        assert!(m.contains("href=\"/search?a=1&amp;b=2\""));
    }

    #[test]
    fn a_matrix_has_one_cell_per_topic_and_platform_coloured_by_exposure() {
        let topics = vec!["Training".to_owned(), "Retention".to_owned()];
        let platforms = vec!["A".to_owned(), "B".to_owned(), "C".to_owned()];
        let cells = vec![
            vec![Some(cell(Exposure::High, "/h")), None, Some(cell(Exposure::Low, "/l"))],
            vec![Some(cell(Exposure::Medium, "/m"))],
        ];
        let svg = matrix(&topics, &platforms, &cells);
        assert_eq!(svg.matches("<rect").count(), 6);
        assert_eq!(svg.matches("<a href=").count(), 3, "only addressed cells link");
        assert!(svg.contains(exposure_colour(Exposure::High)) && svg.contains(exposure_colour(Exposure::Low)));
        assert_eq!(svg.matches("not addressed").count(), 3);
    }
}
