//! The 3-D viewport (layout MPR + 3-D): the volume of the pane's display set ray cast by the
//! CPU reference renderer (`crate::volume::render3d`) into a 2-D canvas — small and coarse while
//! the user drags, refined at rest — in short tasks (`tasks::yield_if_due`) so the page never
//! freezes. Drag rotates, the wheel zooms, the middle or right button (or the Pan tool) pans.
//!
//! Test hooks: canvas `data-testid="viewport-3d"` with `data-ready` ("true" once the refined
//! image of the current view is drawn), `data-renderer` ("cpu"), `data-preset` (preset name),
//! `data-azimuth` / `data-elevation` (degrees) / `data-zoom`, `data-quality`
//! ("interactive" | "refined": the image on show), `data-filled` / `data-slices` (slices of the
//! volume loaded when it was drawn), `data-render-ms` (the last refined image: from its start
//! to on screen) and `data-interactive-ms` (the last interactive one); the preset picker
//! `preset-3d`, the reset button `reset-3d`, the note `note-3d`.

use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, PointerEvent, WheelEvent};

use super::super::context::{use_app, AppContext};
use super::super::i18n::{tr, trf};
use super::super::pane::{Pane, Tool};
use super::super::tasks;
use super::super::volume::VolumeEntry;
use super::draw::Renderer;
use super::prefetch;
use crate::volume::render3d::{
    self, Camera, Preset, Projection, RayCast, View3d, INTERACTIVE_PIXELS, INTERACTIVE_STEP_FACTOR, REFINED_PIXELS,
    STEP_FACTOR,
};

/// The modality value range of a volume (None: nothing filled yet).
type ValueRange = Option<(f64, f64)>;

/// Rest after the last change before the refined image is computed (ms).
const IDLE_MS: u32 = 250;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Quality {
    Interactive,
    Refined,
}

impl Quality {
    fn name(self) -> &'static str {
        match self {
            Quality::Interactive => "interactive",
            Quality::Refined => "refined",
        }
    }
}

#[derive(Clone, Copy)]
enum DragMode {
    Rotate,
    Pan,
}

#[derive(Clone, Copy)]
struct Drag {
    pointer: i32,
    last: (f64, f64),
    mode: DragMode,
}

/// What the render tasks share (all Copy handles).
#[derive(Clone, Copy)]
struct Ctx {
    app: AppContext,
    pane: Pane,
    canvas: NodeRef<html::Canvas>,
    /// Bumped by every new request; a running rendering stops when it is not its own.
    generation: StoredValue<u64>,
    /// A rendering of the current generation is running.
    busy: StoredValue<bool>,
    /// The volume changed while busy: render again when done.
    dirty: StoredValue<bool>,
    /// (volume revision, value range) of the last range scan.
    range: StoredValue<Option<(u64, ValueRange)>>,
    /// The low-resolution image, scaled onto the canvas.
    offscreen: StoredValue<Option<HtmlCanvasElement>, LocalStorage>,
    /// The WebGL2 ray caster (h/gpu), used where the page draws with WebGL2.
    renderer: StoredValue<Renderer, LocalStorage>,
    /// "webgl2" or "cpu": what drew the image on show.
    drawn_by: RwSignal<&'static str>,
    error: RwSignal<Option<String>>,
}

impl Ctx {
    fn entry(&self) -> Option<Result<Rc<VolumeEntry>, String>> {
        let key = self.pane.display_set.get_untracked()?;
        Some(self.app.session.get_value().volume(&key))
    }

    /// Starts a new rendering (the running one stops at its next row).
    fn request(self, quality: Quality) {
        let run = self.generation.get_value() + 1;
        self.generation.set_value(run);
        self.busy.set_value(true);
        self.dirty.set_value(false);
        if let Some(element) = self.canvas.get_untracked() {
            let _ = element.set_attribute("data-ready", "false");
        }
        leptos::task::spawn_local(async move { self.run(run, quality).await });
    }

    /// The volume gained slices: render again, after the running rendering if there is one.
    fn volume_changed(self) {
        if self.busy.get_value() {
            self.dirty.set_value(true);
        } else {
            self.request(Quality::Interactive);
        }
    }

    fn current(&self, run: u64) -> bool {
        self.generation.try_get_value() == Some(run)
    }

    async fn run(self, run: u64, first: Quality) {
        let mut quality = first;
        loop {
            match self.render_once(run, quality).await {
                Some(true) => {}
                Some(false) | None => return,
            }
            if quality == Quality::Refined {
                break;
            }
            sleep_ms(IDLE_MS).await;
            if !self.current(run) {
                return;
            }
            if self.dirty.get_value() {
                // Slices keep arriving: stay coarse until they stop.
                self.dirty.set_value(false);
                continue;
            }
            quality = Quality::Refined;
        }
        if self.current(run) {
            self.busy.set_value(false);
            if self.dirty.get_value() {
                self.request(Quality::Interactive);
            }
        }
    }

    /// Renders and shows one image. Some(true) when drawn, Some(false) when superseded,
    /// None when there is nothing to draw.
    async fn render_once(self, run: u64, quality: Quality) -> Option<bool> {
        let started = tasks::now();
        let element = self.canvas.get_untracked()?;
        let entry = match self.entry()? {
            Ok(entry) => entry,
            Err(reason) => {
                self.error.set(Some(trf("render3d.error", &[("reason", &reason)])));
                self.busy.set_value(false);
                return None;
            }
        };
        if self.error.with_untracked(Option::is_some) {
            self.error.set(None);
        }
        let (_, canvas_width, canvas_height) = super::fit_backing_store(&element);
        let (budget, step) = match quality {
            Quality::Interactive => (INTERACTIVE_PIXELS, INTERACTIVE_STEP_FACTOR),
            Quality::Refined => (REFINED_PIXELS, STEP_FACTOR),
        };
        let view = self.app.view3d.get_untracked();
        // WebGL2 (a hardware GPU, or ?renderer=webgl2) draws the whole canvas at once.
        let on_gpu = self.renderer.try_update_value(|r| r.draw_volume_3d(&element, &entry, &view, step));
        match on_gpu {
            Some(Ok(true)) => {
                let (filled, slices) = {
                    let volume = entry.volume.borrow();
                    (volume.filled_count(), volume.grid.slices)
                };
                self.drawn_by.set("webgl2");
                self.mark(&element, quality, started, filled, slices);
                return Some(true);
            }
            Some(Err(e)) => {
                self.error.set(Some(trf("render3d.error", &[("reason", &e)])));
                self.busy.set_value(false);
                return None;
            }
            _ => {}
        }
        if self.drawn_by.get_untracked() != "cpu" {
            self.drawn_by.set("cpu");
        }
        let (width, height) = render3d::render_size(canvas_width, canvas_height, budget);
        let (cast, filled, slices) = {
            let volume = entry.volume.borrow();
            let range = match self.range.get_value() {
                Some((revision, range)) if revision == volume.revision => range,
                _ => {
                    let range = render3d::value_range(&volume);
                    self.range.set_value(Some((volume.revision, range)));
                    range
                }
            };
            (RayCast::new(&volume, &view, width, height, step, range), volume.filled_count(), volume.grid.slices)
        };
        let row_bytes = width as usize * 4;
        let mut rgba = vec![0u8; row_bytes * height as usize];
        let mut task = tasks::now();
        for y in 0..height {
            if !self.current(run) {
                return Some(false);
            }
            let start = y as usize * row_bytes;
            if let Some(row) = rgba.get_mut(start..start + row_bytes) {
                cast.render_rows(&entry.volume.borrow(), y..y + 1, row);
            }
            task = tasks::yield_if_due(task).await;
        }
        if !self.current(run) {
            return Some(false);
        }
        if let Err(e) = self.show(&element, &rgba, width, height) {
            self.error.set(Some(trf("render3d.error", &[("reason", &e)])));
            return None;
        }
        self.mark(&element, quality, started, filled, slices);
        Some(true)
    }

    /// Records what is on show (test hooks).
    fn mark(&self, element: &HtmlCanvasElement, quality: Quality, started: f64, filled: usize, slices: u32) {
        let elapsed = format!("{:.1}", tasks::now() - started);
        let set = |name: &str, value: &str| {
            let _ = element.set_attribute(name, value);
        };
        set("data-quality", quality.name());
        set("data-filled", &filled.to_string());
        set("data-slices", &slices.to_string());
        match quality {
            Quality::Interactive => set("data-interactive-ms", &elapsed),
            Quality::Refined => {
                set("data-render-ms", &elapsed);
                set("data-ready", "true");
            }
        }
    }

    /// Puts the `width`×`height` RGBA image on the canvas, scaled to fill it.
    fn show(&self, element: &HtmlCanvasElement, rgba: &[u8], width: u32, height: u32) -> Result<(), String> {
        let text = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
        let source = match self.offscreen.get_value() {
            Some(canvas) => canvas,
            None => {
                let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
                let canvas: HtmlCanvasElement = document.create_element("canvas").map_err(text)?.unchecked_into();
                self.offscreen.set_value(Some(canvas.clone()));
                canvas
            }
        };
        if source.width() != width || source.height() != height {
            source.set_width(width);
            source.set_height(height);
        }
        let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height).map_err(text)?;
        context_2d(&source)?.put_image_data(&data, 0.0, 0.0).map_err(text)?;
        let context = context_2d(element)?;
        context.set_image_smoothing_enabled(true);
        context
            .draw_image_with_html_canvas_element_and_dw_and_dh(
                &source,
                0.0,
                0.0,
                f64::from(element.width()),
                f64::from(element.height()),
            )
            .map_err(text)
    }

    /// Millimetres per CSS pixel of the canvas at the current camera (for panning).
    fn mm_per_css_pixel(&self) -> Option<f64> {
        let element = self.canvas.get_untracked()?;
        let entry = self.entry()?.ok()?;
        let camera = self.app.view3d.with_untracked(|v| v.camera);
        let volume = entry.volume.borrow();
        let projection = Projection::new(
            &volume.grid,
            &camera,
            element.client_width().max(1) as u32,
            element.client_height().max(1) as u32,
        );
        Some(projection.mm_per_pixel)
    }
}

/// Waits `ms` milliseconds (a timeout; other tasks run meanwhile).
async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
    canvas
        .get_context("2d")
        .map_err(|e| e.as_string().unwrap_or_default())?
        .ok_or("this canvas has no 2-D context")?
        .dyn_into()
        .map_err(|_| "not a 2-D context".to_string())
}

fn preset_label(preset: Preset) -> &'static str {
    match preset {
        Preset::CtBone => tr("render3d.preset.ct_bone"),
        Preset::CtSoftTissue => tr("render3d.preset.ct_soft_tissue"),
        Preset::CtLung => tr("render3d.preset.ct_lung"),
        Preset::Mip => tr("render3d.preset.mip"),
        Preset::Ramp => tr("render3d.preset.ramp"),
    }
}

#[component]
pub fn Volume3dPane(index: usize) -> impl IntoView {
    let app = use_app();
    let pane = app.panes[index];
    let canvas = NodeRef::<html::Canvas>::new();
    let error = RwSignal::new(None::<String>);
    let ctx = Ctx {
        app,
        pane,
        canvas,
        generation: StoredValue::new(0),
        busy: StoredValue::new(false),
        dirty: StoredValue::new(false),
        range: StoredValue::new(None),
        offscreen: StoredValue::new_local(None),
        renderer: StoredValue::new_local(Renderer::new()),
        drawn_by: RwSignal::new("cpu"),
        error,
    };
    let drawn_by = ctx.drawn_by;

    // The frames of the display set load in the background as for a stack.
    let frames = Memo::new(move |_| {
        app.session.get_value().signals.library_revision.track();
        pane.display_set
            .get()
            .and_then(|key| app.session.with_value(|s| s.library.borrow().display_set(&key)))
            .map(|set| set.frames)
            .unwrap_or_default()
    });
    let progress = RwSignal::new(None::<(u32, u32)>);
    let loaded_count = RwSignal::new((0u32, 0u32));
    prefetch::run(pane, frames, progress, loaded_count, app);

    // A display set the view was not opened for: its modality's preset, the default camera.
    Effect::new(move |_| {
        let key = pane.display_set.get();
        if app.view3d.with_untracked(|v| v.opened != key) {
            let modality = key
                .as_ref()
                .and_then(|k| app.session.with_value(|s| s.library.borrow().display_set(k)))
                .map(|set| set.modality)
                .unwrap_or_default();
            app.view3d.set(View3d::opening(key, &modality));
        }
    });

    // The view changed (camera, preset, size): a quick image now, the refined one at rest.
    Effect::new(move |_| {
        app.view3d.track();
        app.resized.track();
        app.layout.track();
        pane.display_set.track();
        if canvas.get().is_some() {
            ctx.request(Quality::Interactive);
        }
    });
    // Slices arrived.
    Effect::new(move |previous: Option<()>| {
        app.session.get_value().volumes.track();
        if previous.is_some() {
            ctx.volume_changed();
        }
    });

    let drag = StoredValue::new(None::<Drag>);
    let on_down = move |ev: PointerEvent| {
        app.active.set(index);
        let mode = match ev.button() {
            1 | 2 => DragMode::Pan,
            _ if app.tool.get_untracked() == Tool::Pan => DragMode::Pan,
            _ => DragMode::Rotate,
        };
        if let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = target.set_pointer_capture(ev.pointer_id());
        }
        ev.prevent_default();
        drag.set_value(Some(Drag {
            pointer: ev.pointer_id(),
            last: (ev.client_x().into(), ev.client_y().into()),
            mode,
        }));
    };
    let on_move = move |ev: PointerEvent| {
        let Some(mut d) = drag.get_value().filter(|d| d.pointer == ev.pointer_id()) else { return };
        let at: (f64, f64) = (ev.client_x().into(), ev.client_y().into());
        let (dx, dy) = (at.0 - d.last.0, at.1 - d.last.1);
        if dx == 0.0 && dy == 0.0 {
            return;
        }
        d.last = at;
        drag.set_value(Some(d));
        match d.mode {
            DragMode::Rotate => app.view3d.update(|v| v.camera.rotate_by_drag(dx, dy)),
            DragMode::Pan => {
                if let Some(mm) = ctx.mm_per_css_pixel() {
                    app.view3d.update(|v| v.camera.pan_by_drag(dx, dy, mm));
                }
            }
        }
    };
    let on_up = move |ev: PointerEvent| {
        if drag.get_value().is_some_and(|d| d.pointer == ev.pointer_id()) {
            drag.set_value(None);
        }
    };
    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let factor = Camera::wheel_factor(ev.delta_y());
        app.view3d.update(|v| v.camera.zoom_by(factor));
    };
    let reset = move |_| app.view3d.update(|v| v.camera = Camera::default());
    let choose = move |ev| {
        if let Some(preset) = Preset::from_name(&event_target_value(&ev)) {
            app.view3d.update(|v| v.preset = preset);
        }
    };

    let view3d = app.view3d;
    let is_active = move || app.active.get() == index;
    let surface = view! {
        <canvas
            node_ref=canvas
            class="viewport-3d"
            data-testid="viewport-3d"
            data-ready="false"
            data-renderer=move || drawn_by.get()
            data-pane=index.to_string()
            data-preset=move || view3d.with(|v| v.preset.name())
            data-azimuth=move || format!("{:.1}", view3d.with(|v| v.camera.azimuth_deg))
            data-elevation=move || format!("{:.1}", view3d.with(|v| v.camera.elevation_deg))
            data-zoom=move || format!("{:.3}", view3d.with(|v| v.camera.zoom))
            tabindex="0"
            role="img"
            aria-label=move || trf("render3d.viewport", &[("viewport", &(index + 1).to_string())])
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:focus=move |_| app.active.set(index)
            on:contextmenu=|ev: web_sys::MouseEvent| ev.prevent_default()
        ></canvas>
    }
    .into_inner()
    .on(super::input::wheel_event(), on_wheel);

    view! {
        <div class="pane pane-3d" data-pane=index.to_string() data-view="3d" class:active=is_active
            data-loaded=move || loaded_count.get().0.to_string()
            data-total=move || loaded_count.get().1.to_string()>
            {surface}
            <div class="v3d-controls">
                <select data-testid="preset-3d" aria-label=move || tr("render3d.preset")
                    prop:value=move || view3d.with(|v| v.preset.name()) on:change=choose>
                    {Preset::ALL.into_iter().map(|preset| view! {
                        <option value=preset.name() selected=move || view3d.with(|v| v.preset == preset)>
                            {move || preset_label(preset)}
                        </option>
                    }).collect_view()}
                </select>
                <button type="button" class="btn-secondary" data-testid="reset-3d" on:click=reset
                    title=move || tr("render3d.reset_hint")>
                    {move || tr("render3d.reset")}
                </button>
            </div>
            <Show when=move || drawn_by.get() == "cpu">
                <p class="v3d-note" data-testid="note-3d" role="note">{move || tr("render3d.cpu_note")}</p>
            </Show>
            {move || progress.get().map(|(done, total)| view! {
                <div class="pane-progress" role="progressbar" aria-label=move || tr("common.viewport.slices_loaded")
                    aria-valuemin="0" aria-valuemax=total aria-valuenow=done>
                    <div class="bar" style=format!("width: {}%", done * 100 / total.max(1)) />
                </div>
            })}
            {move || error.get().map(|message| view! {
                <p class="pane-error" data-testid="error" role="alert">{message}</p>
            })}
        </div>
    }
}
