//! The speed of a job's run over time (see [`crate::throughput_bars`]),
//! with the average and the fastest in words for everyone — screen
//! readers read the words, not the bars.

use crate::throughput_bars::{HEIGHT, WIDTH, chart};
use ferry_shared::api::JobView;
use leptos::prelude::*;

#[component]
pub fn ThroughputChart(job: Signal<Option<JobView>>) -> impl IntoView {
    let shown = Memo::new(move |_| job.with(|job| job.as_ref().and_then(|j| chart(&j.throughput))));
    move || {
        shown.get().map(|chart| {
            view! {
                <figure class="throughput">
                    <figcaption>"Speed over time"</figcaption>
                    <svg
                        class="throughput-bars"
                        viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                        preserveAspectRatio="none"
                        role="img"
                        aria-label=chart.summary.clone()
                    >
                        {chart
                            .bars
                            .into_iter()
                            .map(|bar| view! {
                                <rect
                                    x=format!("{:.2}", bar.x)
                                    y=format!("{:.2}", HEIGHT - bar.height)
                                    width=format!("{:.2}", bar.width)
                                    height=format!("{:.2}", bar.height)
                                >
                                    <title>{bar.title}</title>
                                </rect>
                            })
                            .collect_view()}
                    </svg>
                    <p class="throughput-summary">{chart.summary}</p>
                </figure>
            }
        })
    }
}
