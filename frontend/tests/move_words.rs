//! The mail move's words and numbers: job states, percent, speed and
//! time left from successive progress events.
#![cfg(target_arch = "wasm32")]

use ferry_frontend::job_text::{percent, state_words, when_text};
use ferry_frontend::rate::{RateMeter, time_left_text};
use ferry_shared::api::JobState;
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
