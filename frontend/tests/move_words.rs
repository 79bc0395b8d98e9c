//! The mail move's words and numbers: job states, percent, speed and
//! time left from successive progress events.
#![cfg(target_arch = "wasm32")]

use ferry_frontend::job_text::{percent, state_words, when_text};
use ferry_frontend::rate::{RateMeter, time_left_text};
use ferry_frontend::throughput_bars::{HEIGHT, WIDTH, chart, duration_text};
use ferry_shared::api::JobState;
use ferry_shared::api::ThroughputPoint;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn states_and_times_read_as_plain_words() {
    assert_eq!(
        state_words(JobState::WaitingForSignIn),
        "Waiting for you to sign in again"
    );
    assert_eq!(state_words(JobState::Done), "Done");
    assert_eq!(when_text("2026-12-01T15:04:05Z"), "2026-12-01 15:04 UTC");
}

#[wasm_bindgen_test]
fn percent_says_100_only_when_all_is_done() {
    assert_eq!(percent(0, 300), 0);
    assert_eq!(percent(299, 300), 99);
    assert_eq!(percent(300, 300), 100);
    assert_eq!(percent(0, 0), 100);
}

#[wasm_bindgen_test]
fn speed_and_time_left_come_from_successive_events() {
    let mut meter = RateMeter::default();
    meter.record(0.0, 0, 0);
    meter.record(1_000.0, 1_000_000, 10);
    assert_eq!(meter.rate(9_000_000, 90), None, "too short to tell");
    meter.record(2_000.0, 2_000_000, 20);
    let rate = meter.rate(8_000_000, 80).expect("measured over 2 s");
    assert_eq!(rate.bytes_per_second, 1_000_000.0);
    assert_eq!(rate.messages_per_second, 10.0);
    assert_eq!(rate.seconds_left, Some(8.0));
    // A new run counts from zero again: the old samples go.
    meter.record(3_000.0, 0, 0);
    assert_eq!(meter.rate(1, 1), None);
}

#[wasm_bindgen_test]
fn time_left_is_rounded_for_people() {
    assert_eq!(time_left_text(20.0), "less than a minute left");
    assert_eq!(time_left_text(61.0), "about 1 minute left");
    assert_eq!(time_left_text(330.0), "about 6 minutes left");
    assert_eq!(time_left_text(3_600.0), "about 1 hour left");
    assert_eq!(time_left_text(4_800.0), "about 1 hour 20 minutes left");
}

fn point(seconds: u64, bytes: u64) -> ThroughputPoint {
    ThroughputPoint {
        millis: seconds * 1000,
        bytes,
        messages: 0,
    }
}

#[wasm_bindgen_test]
fn bars_cover_the_run_and_the_fastest_is_full_height() {
    let chart = chart(&[point(0, 0), point(10, 1 << 20), point(30, 4 << 20)]).unwrap();
    assert_eq!(chart.bars.len(), 2);
    assert_eq!(chart.bars[0].x, 0.0);
    assert_eq!(chart.bars[0].width, WIDTH / 3.0);
    assert_eq!(chart.bars[1].x + chart.bars[1].width, WIDTH);
    // 1 MiB in 10 s, then 3 MiB in 20 s: the second is faster.
    assert_eq!(chart.bars[1].height, HEIGHT);
    assert!((chart.bars[0].height - HEIGHT * 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        chart.summary,
        "Average 136.5 KB/s, fastest 153.6 KB/s, over 30 s"
    );
}

#[wasm_bindgen_test]
fn no_chart_before_anything_moved_or_time_passed() {
    assert_eq!(chart(&[]), None);
    assert_eq!(chart(&[point(0, 0)]), None);
    assert_eq!(chart(&[point(0, 0), point(5, 0)]), None);
    assert_eq!(chart(&[point(3, 0), point(3, 100)]), None);
}

#[wasm_bindgen_test]
fn durations_read_naturally() {
    assert_eq!(duration_text(400), "0 s");
    assert_eq!(duration_text(42_000), "42 s");
    assert_eq!(duration_text(190_000), "3 min");
    assert_eq!(duration_text(7_500_000), "2 h 5 min");
}
