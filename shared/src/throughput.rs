//! A run's throughput over time, for the page's chart: the back end
//! samples how much a run has copied every few seconds; [`thin`] keeps a
//! long run's samples to a few the page can draw, and [`speeds`] turns
//! them into the speed of each stretch between two samples.

use crate::api::ThroughputPoint;

/// At most `most` of `points` (ordered by time), spread evenly over the
/// run: the first and the last are always kept, so the whole run stays
/// covered and the totals stay exact.
pub fn thin(points: &[ThroughputPoint], most: usize) -> Vec<ThroughputPoint> {
    if points.len() <= most.max(2) {
        return points.to_vec();
    }
    let most = most.max(2);
    let last = points.len() - 1;
    (0..most)
        .map(|index| points[index * last / (most - 1)].clone())
        .collect()
}

/// One stretch of a run and its speed.
#[derive(Debug, Clone, PartialEq)]
pub struct Stretch {
    /// Milliseconds since the run started, at its start and end.
    pub from: u64,
    pub to: u64,
    pub bytes_per_second: f64,
    pub messages_per_second: f64,
}

/// The speed between each two samples; stretches of no time are skipped
/// (two samples at once), and a count that went down (a new
/// run) counts as nothing copied.
pub fn speeds(points: &[ThroughputPoint]) -> Vec<Stretch> {
    points
        .windows(2)
        .filter(|pair| pair[1].millis > pair[0].millis)
        .map(|pair| {
            let seconds = (pair[1].millis - pair[0].millis) as f64 / 1000.0;
            let per_second = |to: u64, from: u64| to.saturating_sub(from) as f64 / seconds;
            Stretch {
                from: pair[0].millis,
                to: pair[1].millis,
                bytes_per_second: per_second(pair[1].bytes, pair[0].bytes),
                messages_per_second: per_second(pair[1].messages, pair[0].messages),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(seconds: u64, bytes: u64, messages: u64) -> ThroughputPoint {
        ThroughputPoint {
            millis: seconds * 1000,
            bytes,
            messages,
        }
    }

    #[test]
    fn thinning_keeps_first_last_and_even_spread() {
        let points: Vec<_> = (0..100).map(|s| point(s, s * 10, 0)).collect();
        let thinned = thin(&points, 5);
        let seconds: Vec<u64> = thinned.iter().map(|p| p.millis / 1000).collect();
        assert_eq!(seconds, [0, 24, 49, 74, 99]);
        assert_eq!(thin(&points[..3], 5), points[..3]);
        assert_eq!(thin(&points, 0).len(), 2);
        assert!(thin(&[], 5).is_empty());
    }

    #[test]
    fn speeds_are_per_stretch() {
        let points = [
            point(0, 0, 0),
            point(2, 2_000, 4),
            point(2, 2_500, 5),
            point(6, 6_500, 9),
            point(8, 100, 1),
        ];
        assert_eq!(
            speeds(&points),
            [
                Stretch {
                    from: 0,
                    to: 2000,
                    bytes_per_second: 1_000.0,
                    messages_per_second: 2.0
                },
                Stretch {
                    from: 2000,
                    to: 6000,
                    bytes_per_second: 1_000.0,
                    messages_per_second: 1.0
                },
                Stretch {
                    from: 6000,
                    to: 8000,
                    bytes_per_second: 0.0,
                    messages_per_second: 0.0
                },
            ]
        );
    }
}
