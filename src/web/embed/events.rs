//! Effects that watch the viewports and the error list and post the API's events: imageShown
//! (a viewport drew another display set), sliceChanged (another slice of it), measurementAdded
//! (a measurement finished), error (a message the viewer showed). When one is due is decided by
//! `crate::embed::events` ([`ShownTracker`], [`SeenIds`]).

use std::rc::Rc;

use leptos::prelude::*;

use super::super::context::AppContext;
use super::super::pane::Annotation;
use super::dispatch::tool_name;
use super::EmbedState;
use crate::embed::events::{measurement_value, Change, Event, ImageInfo, MeasurementInfo, SeenIds, ShownTracker};

fn pair(values: Option<[f64; 2]>) -> Option<(f64, f64)> {
    values.map(|[a, b]| (a, b))
}

/// What viewport `index` shows on slice `frame` of display set `key`.
fn image_info(app: AppContext, index: usize, key: &str, frame: u32) -> Option<ImageInfo> {
    let session = app.session();
    let library = session.library.borrow();
    let set = library.display_set(key)?;
    let source = set.frames.get(frame as usize)?.source;
    let meta = library.instance(source)?;
    Some(ImageInfo {
        viewport: index,
        study_instance_uid: meta.study_instance_uid.clone(),
        series_instance_uid: meta.series_instance_uid.clone(),
        sop_instance_uid: meta.sop_instance_uid.clone(),
        frame,
        total: set.frames.len() as u32,
    })
}

fn measurement_info(app: AppContext, index: usize, key: Option<&str>, annotation: &Annotation) -> MeasurementInfo {
    let session = app.session();
    let library = session.library.borrow();
    let (source, file_frame) = annotation.frame;
    let meta = library.instance(source);
    let tool = tool_name(annotation.tool);
    let value = meta
        .and_then(|m| measurement_value(tool, &annotation.points, pair(m.pixel_spacing), pair(m.imager_pixel_spacing)));
    let frame = key
        .and_then(|k| library.display_set(k))
        .and_then(|set| set.frames.iter().position(|f| f.source == source && f.frame == file_frame))
        .unwrap_or(0) as u32;
    MeasurementInfo {
        viewport: index,
        tool,
        value: value.map(|(v, _)| v),
        unit: value.map(|(_, u)| u),
        text: annotation.text.clone(),
        sop_instance_uid: meta.map(|m| m.sop_instance_uid.clone()).unwrap_or_default(),
        frame,
    }
}

pub fn watch(app: AppContext, state: Rc<EmbedState>) {
    for (index, pane) in app.panes.into_iter().enumerate() {
        let shown = StoredValue::new(ShownTracker::default());
        let emitter = state.clone();
        Effect::new(move |_| {
            pane.drawn.track();
            let Some(key) = pane.display_set.get_untracked() else {
                shown.update_value(ShownTracker::clear);
                return;
            };
            let frame = pane.frame.get_untracked();
            let Some(info) = image_info(app, index, &key, frame) else { return };
            let mut change = None;
            shown.update_value(|t| change = t.observe(&key, frame));
            match change {
                Some(Change::ImageShown) => emitter.emit(Event::ImageShown(info)),
                Some(Change::SliceChanged) => emitter.emit(Event::SliceChanged(info)),
                None => {}
            }
        });
        let seen = StoredValue::new(SeenIds::default());
        let emitter = state.clone();
        Effect::new(move |_| {
            let list = pane.annotations.get();
            let ids: Vec<u64> = list.iter().map(|a| a.id).collect();
            let mut fresh = Vec::new();
            seen.update_value(|s| fresh = s.fresh(&ids));
            let key = pane.display_set.get_untracked();
            for annotation in list.iter().filter(|a| fresh.contains(&a.id)) {
                emitter.emit(Event::MeasurementAdded(measurement_info(app, index, key.as_deref(), annotation)));
            }
        });
    }
    let errors = app.session.with_value(|s| s.signals.errors);
    let seen = StoredValue::new(SeenIds::default());
    Effect::new(move |_| {
        let list = errors.get();
        let ids: Vec<u64> = list.iter().map(|(id, _)| *id).collect();
        let mut fresh = Vec::new();
        seen.update_value(|s| fresh = s.fresh(&ids));
        for (_, message) in list.iter().filter(|(id, _)| fresh.contains(id)) {
            state.emit(Event::Error { message: message.clone() });
        }
    });
}
