//! A viewport showing one reformatted plane of the MPR layout (owned by the MPR work: the
//! plane, crosshair, reference lines, slab). Test hooks: README "MPR".

use leptos::prelude::*;

use crate::volume::mpr::MprAxis;

#[component]
pub fn MprPane(index: usize, axis: MprAxis) -> impl IntoView {
    view! { <div class="pane" data-pane=index.to_string() data-plane=axis.name()></div> }
}
