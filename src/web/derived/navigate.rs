//! Showing one image a derived object names (SR IMAGE items, KOS key images, SR graphics): the
//! display set holding that instance goes into the active viewport on that frame.

use leptos::prelude::*;

use crate::web::context::AppContext;

/// Shows instance `sop_instance_uid` (frame `frame_number`, from 1; 1 for single-frame images)
/// in the active viewport. False when no loaded display set holds it.
#[allow(dead_code)] // called by the SR and KOS panels (src/web/panels/{sr,kos}.rs)
pub fn show_instance(app: AppContext, sop_instance_uid: &str, frame_number: u32) -> bool {
    let session = app.session();
    let target = {
        let library = session.library.borrow();
        let Some(meta) = library.instances().iter().find(|m| m.sop_instance_uid == sop_instance_uid) else {
            return false;
        };
        let wanted = frame_number.max(1) - 1;
        library.display_set_of(meta.source).and_then(|set| {
            let index = set.frames.iter().position(|f| f.source == meta.source && f.frame == wanted)?;
            Some((set.key, index as u32))
        })
    };
    let Some((key, index)) = target else { return false };
    let pane = app.active_pane();
    if pane.display_set.get_untracked().as_deref() == Some(key.as_str()) {
        pane.chosen_frame.set(Some(index));
        pane.frame.set(index);
    } else {
        pane.show(key, index);
    }
    true
}
