//! The help dialog: keyboard shortcuts and mouse/touch gestures, in a modal `Dialog` (focus moves
//! in when it opens, Tab stays inside, Escape, Close or the backdrop shut it and focus returns to
//! whatever opened it).

use leptos::prelude::*;

use super::context::use_app;
use super::dialog::Dialog;
use super::i18n::tr;
use super::keyboard::SHORTCUTS;

#[component]
pub fn Help() -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.show_help.get()>
            <Dialog title=Signal::derive(move || tr("dialogs.help.title").to_string())
                on_close=move |()| app.show_help.set(false) testid="help-dialog" class="help-dialog">
                <table class="help-keys">
                    <caption class="visually-hidden">{move || tr("dialogs.help.keys_caption")}</caption>
                    <tbody>
                        {SHORTCUTS.iter().map(|&(keys, what)| view! {
                            <tr><th scope="row"><kbd>{keys}</kbd></th><td>{move || tr(what)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <h3>{move || tr("dialogs.help.mouse_title")}</h3>
                <p>{move || tr("dialogs.help.mouse")}</p>
                <h3>{move || tr("dialogs.help.touch_title")}</h3>
                <ul class="help-gestures">
                    <li>{move || tr("dialogs.help.touch.one")}</li>
                    <li>{move || tr("dialogs.help.touch.pinch")}</li>
                    <li>{move || tr("dialogs.help.touch.pan")}</li>
                    <li>{move || tr("dialogs.help.touch.swipe")}</li>
                    <li>{move || tr("dialogs.help.touch.double_tap")}</li>
                </ul>
            </Dialog>
        </Show>
    }
}
