//! Where the person is in moving their mail: old mailbox, new mailbox,
//! review, move, report — a short list with the current step marked.

use leptos::prelude::*;

const STEPS: [&str; 5] = ["Old mailbox", "New mailbox", "Review", "Move", "Report"];

/// `current`: the index of the step the person is at (5 = all done).
#[component]
pub fn MoveSteps(current: Signal<usize>) -> impl IntoView {
    view! {
        <ol class="move-steps" aria-label="Steps">
            {STEPS
                .iter()
                .enumerate()
                .map(|(index, name)| {
                    let class = move || {
                        let now = current.get();
                        if index < now {
                            "step done"
                        } else if index == now {
                            "step current"
                        } else {
                            "step"
                        }
                    };
                    let aria_current = move || (current.get() == index).then_some("step");
                    let done = move || (current.get() > index).then_some(view! { <span class="visually-hidden">" (done)"</span> });
                    view! {
                        <li class=class aria-current=aria_current>
                            <span class="step-number" aria-hidden="true">{index + 1}</span>
                            <span class="step-name">{*name}</span>
                            {done}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
