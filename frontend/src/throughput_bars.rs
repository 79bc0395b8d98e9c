//! The throughput chart's drawing, worked out from a run's samples (see
//! `ferry_shared::throughput`): one bar per stretch between two samples,
//! as tall as that stretch was fast, and the average and the fastest in
//! words.

use crate::units::size_text;
use ferry_shared::api::ThroughputPoint;
use ferry_shared::throughput::{Stretch, speeds};

/// The drawing's own units; the SVG stretches to the card's width.
pub const WIDTH: f64 = 600.0;
pub const HEIGHT: f64 = 96.0;

/// What the chart shows, worked out from the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub bars: Vec<Bar>,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    pub height: f64,
    pub title: String,
}

/// The chart for `points`; none until a run has copied for some time.
pub fn chart(points: &[ThroughputPoint]) -> Option<Chart> {
    let stretches = speeds(points);
    let (first, last) = (points.first()?, points.last()?);
    let span = last.millis.checked_sub(first.millis)?;
    let copied = last.bytes.saturating_sub(first.bytes);
    if span == 0 || copied == 0 || stretches.is_empty() {
        return None;
    }
    let fastest = stretches
        .iter()
        .map(|s| s.bytes_per_second)
        .fold(0.0, f64::max);
    let average = copied as f64 * 1000.0 / span as f64;
    let bars = stretches
        .iter()
        .map(|stretch| bar(stretch, first.millis, span, fastest))
        .collect();
    Some(Chart {
        bars,
        summary: format!(
            "Average {}/s, fastest {}/s, over {}",
            size_text(average),
            size_text(fastest),
            duration_text(span)
        ),
    })
}

fn bar(stretch: &Stretch, origin: u64, span: u64, fastest: f64) -> Bar {
    let at = |millis: u64| (millis - origin) as f64 / span as f64 * WIDTH;
    let height = if fastest > 0.0 {
        (stretch.bytes_per_second / fastest * HEIGHT).max(1.0)
    } else {
        1.0
    };
    Bar {
        x: at(stretch.from),
        width: (at(stretch.to) - at(stretch.from)).max(1.0),
        height,
        title: format!(
            "{}/s at {}",
            size_text(stretch.bytes_per_second),
            duration_text(stretch.to - origin)
        ),
    }
}

/// "40 s", "3 min", "2 h 5 min".
pub fn duration_text(millis: u64) -> String {
    let seconds = (millis + 500) / 1000;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min", (seconds + 30) / 60),
        _ => {
            let minutes = (seconds + 30) / 60;
            format!("{} h {} min", minutes / 60, minutes % 60)
        }
    }
}
