//! The 3-D viewport: the volume ray cast on the GPU (CPU fallback at reduced size).

use leptos::prelude::*;

#[component]
pub fn Volume3dPane(index: usize) -> impl IntoView {
    view! { <div class="pane" data-pane=index.to_string() data-view="3d"></div> }
}
