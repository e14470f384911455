//! Reference lines: where the active viewport's slice cuts the image of this viewport
//! (`crate::volume::linking::reference_line`), as SVG over the canvas
//! (`svg[data-testid=reference-lines]`, each line with `data-source-pane` = the active viewport's
//! index and its end points in image pixels in `data-image-points`). Drawn for series of one
//! Frame of Reference or linked by a manual offset; parallel planes have none.

use leptos::prelude::*;

use super::Shown;
use crate::volume::linking::reference_line;
use crate::volume::SliceGeometry;
use crate::web::context::{use_app, PaneView};

#[component]
pub fn ReferenceLines(index: usize, shown: RwSignal<Option<Shown>>) -> impl IntoView {
    let app = use_app();
    let line = move || {
        let current = shown.get()?;
        let active = app.active.get();
        if active == index || active >= app.layout.get().panes() {
            return None;
        }
        let source = app.panes[active];
        if source.view.get() != PaneView::Stack {
            return None;
        }
        let (key, frame) = (source.display_set.get()?, source.frame.get());
        // Redrawn when the other viewport draws (its slice may have arrived since).
        source.drawn.track();
        let link = app.link.get();
        let session = app.session();
        let (source_for, source_slice) = crate::web::link::slice_of(&session, &key, frame)?;
        let (target_for, target) = {
            let library = session.library.borrow();
            let meta = library.instance(current.key.0)?;
            (meta.frame_of_reference_uid.clone(), SliceGeometry::of(meta, current.key.1)?)
        };
        let offset = link.offset_mm(&source_for, &target_for)?;
        let segment = reference_line(&source_slice, offset, &target)?;
        let css = |point: (f64, f64)| {
            let (x, y) = current.geometry.image_to_canvas(point);
            (x / current.scale, y / current.scale)
        };
        let ((x1, y1), (x2, y2)) = (css(segment.from), css(segment.to));
        let image_points =
            format!("{:.3},{:.3},{:.3},{:.3}", segment.from.0, segment.from.1, segment.to.0, segment.to.1);
        Some(view! {
            <line class="reference-line" data-source-pane=active.to_string() data-image-points=image_points
                x1=x1 y1=y1 x2=x2 y2=y2 />
        })
    };
    view! { <svg class="reference-lines" aria-hidden="true" data-testid="reference-lines">{line}</svg> }
}
