//! The help overlay: keyboard shortcuts and mouse/touch gestures.

use leptos::prelude::*;

use super::context::use_app;
use super::keyboard::SHORTCUTS;

#[component]
pub fn Help() -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.show_help.get()>
            <div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title">
                <div class="help-box">
                    <h2 id="help-title">"Keyboard and mouse"</h2>
                    <table>
                        <tbody>
                            {SHORTCUTS.iter().map(|(keys, what)| view! {
                                <tr><th scope="row"><kbd>{*keys}</kbd></th><td>{*what}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p>"Mouse: left button uses the selected tool, middle button pans, right button zooms. \
                        Touch: one finger uses the selected tool (Scroll swipes through slices), two fingers pinch to zoom and pan."</p>
                    <button type="button" autofocus on:click=move |_| app.show_help.set(false)>"Close"</button>
                </div>
            </div>
        </Show>
    }
}
