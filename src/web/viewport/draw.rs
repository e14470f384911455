//! Putting a decoded frame on a viewport's canvas: WebGL2 (stored values uploaded once per
//! frame; window, LUTs, palette and inversion in the shader) or, where WebGL2 is missing, the
//! CPU renderer drawn through a 2-D context with the same transform. Records what was drawn in
//! data attributes (the browser tests read them).

use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::super::gpu::{GpuError, GpuRenderer};
use super::super::session::FrameKey;
use super::super::volume::VolumeEntry;
use crate::api::RenderOptions;
use crate::dicom::overlay::{composite_overlay, composite_overlay_at, OverlayMask, OVERLAY_RGBA};
use crate::dicom::{DicomImage, Frame};
use crate::pipeline::{gpu_plan, Voi};
use crate::viewer::layers::{composite_layer, composite_layer_at, RgbaLayer};
use crate::viewer::screen_sampling::ScreenSampling;
use crate::viewer::viewport::Viewport;
use crate::volume::render3d::{RayCast, View3d};
use crate::volume::reslice::{plane_image, reslice, Resliced};
use crate::volume::texture::{modality_range, plane_frame_header, ray_cast_on_grid, PlaneSampling};
use crate::volume::{Plane, Slab};

/// Per-canvas drawing state.
pub struct Renderer {
    gpu: Option<GpuRenderer>,
    /// WebGL2 was tried and is unavailable: use the 2-D path.
    gpu_failed: bool,
    choice: Choice,
    uploaded: Option<FrameKey>,
    /// The overlay mask on the GPU: for which frame, and whether one is shown.
    overlay_uploaded: Option<(FrameKey, bool)>,
    /// The derived-object layer on the GPU: for which frame and layer revision (None: none).
    layer_uploaded: Option<(FrameKey, Option<u64>)>,
    /// CPU-rendered frame for the 2-D path, with what it was rendered for (frame, options,
    /// overlays drawn, layer revision).
    rendered: Option<(FrameKey, RenderOptions, bool, Option<u64>, HtmlCanvasElement)>,
    /// The last plane resliced on the CPU: what it was made from and the frame and header made.
    plane: Option<(PlaneSource, Frame, DicomImage)>,
    /// Modality value range of a volume (display set, revision) for planes without a window.
    volume_range: Option<VolumeRange>,
    /// `volume_note`.
    volume_note: Option<String>,
    /// Which image pixel each canvas pixel shows, for the 2-D path of images larger than the
    /// canvas: kept while the placement (view, image size, canvas size) stays.
    sampling: Option<(SampledPlacement, ScreenSampling)>,
}

/// What a screen sampling depends on: the view, the image's columns and rows, the canvas's size.
type SampledPlacement = (Viewport, u32, u32, u32, u32);

/// A volume's modality value range: for (display set, revision).
type VolumeRange = (String, u64, Option<(f64, f64)>);

/// What a resliced plane depends on: a plane drawn again with the same source is not resliced.
#[derive(Clone, PartialEq)]
struct PlaneSource {
    key: FrameKey,
    display_set: String,
    volume_revision: u64,
    plane: Plane,
    slab: Option<Slab>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Choice {
    Auto,
    AnyWebGl2,
    Canvas2d,
}

/// What a draw showed.
pub struct Drawn {
    pub window: Option<(f64, f64)>,
    pub renderer: &'static str,
}

fn js_text(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

impl Renderer {
    /// The page URL chooses: `?renderer=canvas2d` forces the CPU renderer, `?renderer=webgl2`
    /// WebGL2 even on a software rasterizer; by default WebGL2 where the GPU is hardware, else
    /// Canvas2D (a software WebGL2 is slower than the CPU renderer and draws the same pixels).
    pub fn new() -> Renderer {
        let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let choice = query.split(['?', '&']).find_map(|part| part.strip_prefix("renderer=")).unwrap_or("auto");
        let choice = match choice {
            "canvas2d" => Choice::Canvas2d,
            "webgl2" => Choice::AnyWebGl2,
            _ => Choice::Auto,
        };
        Renderer {
            gpu: None,
            gpu_failed: choice == Choice::Canvas2d,
            choice,
            uploaded: None,
            overlay_uploaded: None,
            layer_uploaded: None,
            rendered: None,
            plane: None,
            volume_range: None,
            volume_note: None,
            sampling: None,
        }
    }

    /// Draws `plane` (a slab around it when `slab` is given) through the volume of `entry`,
    /// rendered through the display chain of `image` (a slice of the volume: `plane_image`
    /// gives the plane its header) with `layer` blended over it. `key` names the plane: use a
    /// new key per new plane (e.g. `(u32::MAX - pane, serial)`); the plane is also resliced
    /// again when the volume gains slices (`Volume::revision`).
    #[allow(clippy::too_many_arguments)]
    pub fn draw_plane(
        &mut self,
        canvas: &HtmlCanvasElement,
        key: FrameKey,
        entry: &VolumeEntry,
        plane: &Plane,
        slab: Option<Slab>,
        image: &DicomImage,
        options: &RenderOptions,
        viewport: &Viewport,
        layer: Option<(&RgbaLayer, u64)>,
    ) -> Result<Drawn, String> {
        let volume = entry.volume.try_borrow().map_err(|_| "the volume is being filled; try again".to_string())?;
        // Without a window in the files or from the user, the window spans the volume's values
        // (not each plane's), so it stays put while planes move and both renderers agree.
        let mut options = options.clone();
        if options.window.is_none() && options.default_range.is_none() && image.info.windows(0).is_empty() {
            let cached = matches!(&self.volume_range, Some((set, revision, _))
                if *set == entry.display_set && *revision == volume.revision);
            if !cached {
                self.volume_range = Some((entry.display_set.clone(), volume.revision, modality_range(&volume)));
            }
            options.default_range = self.volume_range.as_ref().and_then(|(_, _, range)| *range);
        }
        // WebGL2: the shader samples the volume texture (no layer support there yet: planes with
        // a derived-object layer are resliced on the CPU and drawn as frames).
        self.ensure_gpu(canvas);
        if let (Some(gpu), None) = (self.gpu.as_mut(), layer) {
            match gpu.upload_volume(&entry.display_set, &volume) {
                Ok(note) => {
                    self.volume_note = note;
                    let grid = gpu.volume_grid().cloned().unwrap_or_else(|| volume.grid.clone());
                    let sampling = PlaneSampling::of(&volume, &grid, plane, slab);
                    let header_frame = plane_frame_header(&volume, plane.columns, plane.rows);
                    let header = plane_image(
                        image,
                        &Resliced { frame: header_frame.clone(), modality: volume.modality.clone(), covered_pixels: 0 },
                    );
                    let plan = gpu_plan::plan(&header, 0, &header_frame, &options);
                    gpu.draw_volume_plane(viewport.matrix_for_gl(), &sampling, &plan)
                        .map_err(|e| format!("GPU: {e}"))?;
                    // The frame texture no longer shows on the canvas' program state.
                    self.uploaded = None;
                    let window = match header.voi(0, &header_frame, &options) {
                        Voi::Window(w) if header_frame.photometric.is_monochrome() => Some((w.center, w.width)),
                        _ => None,
                    };
                    return Ok(Drawn { window, renderer: "webgl2" });
                }
                Err(GpuError::VolumeTooLarge(reason)) => self.volume_note = Some(reason),
                Err(e) => return Err(format!("the volume could not be sent to the GPU: {e}")),
            }
        }
        let source = PlaneSource {
            key,
            display_set: entry.display_set.clone(),
            volume_revision: volume.revision,
            plane: *plane,
            slab,
        };
        let (frame, plane_header) = match self.plane.take() {
            Some((cached, frame, header)) if cached == source => (frame, header),
            _ => {
                let resliced = reslice(&volume, plane, slab);
                let header = plane_image(image, &resliced);
                // Same key, new content (the volume filled further): forget what was uploaded.
                if self.uploaded == Some(key) {
                    self.uploaded = None;
                }
                if matches!(&self.rendered, Some((k, ..)) if *k == key) {
                    self.rendered = None;
                }
                (resliced.frame, header)
            }
        };
        drop(volume);
        let drawn = self.draw_frame(canvas, key, 0, &plane_header, &frame, &options, viewport, None, layer);
        self.plane = Some((source, frame, plane_header));
        drawn
    }

    /// Ray casts `view` of the volume of `entry` over the whole canvas on the GPU, with steps
    /// of `step_factor` reference steps (`render3d::STEP_FACTOR` for a full-quality frame,
    /// more while rotating). Ok(false) when this canvas draws without WebGL2 or the GPU cannot
    /// hold the volume (`volume_note` says why): the caller renders `render3d` on the CPU.
    pub fn draw_volume_3d(
        &mut self,
        canvas: &HtmlCanvasElement,
        entry: &VolumeEntry,
        view: &View3d,
        step_factor: f64,
    ) -> Result<bool, String> {
        self.ensure_gpu(canvas);
        let Some(gpu) = self.gpu.as_mut() else { return Ok(false) };
        let volume = entry.volume.try_borrow().map_err(|_| "the volume is being filled; try again".to_string())?;
        match gpu.upload_volume(&entry.display_set, &volume) {
            Ok(note) => self.volume_note = note,
            Err(GpuError::VolumeTooLarge(reason)) => {
                self.volume_note = Some(reason);
                return Ok(false);
            }
            Err(e) => return Err(format!("the volume could not be sent to the GPU: {e}")),
        }
        let cached = matches!(&self.volume_range, Some((set, revision, _))
            if *set == entry.display_set && *revision == volume.revision);
        if !cached {
            self.volume_range = Some((entry.display_set.clone(), volume.revision, modality_range(&volume)));
        }
        let range = self.volume_range.as_ref().and_then(|(_, _, range)| *range);
        let (width, height) = (canvas.width(), canvas.height());
        let mut cast = RayCast::new(&volume, view, width, height, step_factor, range);
        if let Some(grid) = gpu.volume_grid().filter(|grid| **grid != volume.grid) {
            // A downsampled texture: the same camera over the texture's grid.
            cast = ray_cast_on_grid(cast, grid, &view.camera);
        }
        match gpu.draw_volume_3d(&cast) {
            Ok(()) => Ok(true),
            Err(GpuError::VolumeTooLarge(reason)) => {
                self.volume_note = Some(reason);
                Ok(false)
            }
            Err(e) => Err(format!("GPU: {e}")),
        }
    }

    /// Why the GPU shows reformatted planes from a coarser copy of the volume, or computes them
    /// on the CPU (the volume exceeds its 3-D texture limit); None when it shows them exactly.
    pub fn volume_note(&self) -> Option<&str> {
        self.volume_note.as_deref()
    }

    /// Why the frame on show lacks detail: WebGL2 shows it from a shrunk copy because it exceeds
    /// the GPU's texture limit (the message for the user); None when every pixel is shown.
    pub fn texture_note(&self) -> Option<String> {
        let (columns, rows, max, factor) = self.gpu.as_ref()?.texture_note()?;
        self.uploaded?;
        Some(super::super::i18n::trf(
            "common.viewport.texture_shrunk",
            &[
                ("columns", &columns.to_string()),
                ("rows", &rows.to_string()),
                ("max", &max.to_string()),
                ("factor", &factor.to_string()),
            ],
        ))
    }

    /// Creates the WebGL2 renderer on first use (unless WebGL2 was ruled out).
    fn ensure_gpu(&mut self, canvas: &HtmlCanvasElement) {
        if self.gpu.is_none() && !self.gpu_failed {
            let created =
                if self.choice == Choice::AnyWebGl2 { GpuRenderer::new(canvas) } else { GpuRenderer::hardware(canvas) };
            match created {
                Ok(gpu) => self.gpu = Some(gpu),
                Err(e) => {
                    web_sys::console::warn_1(&format!("WebGL2 unavailable, drawing with Canvas2D: {e}").into());
                    self.gpu_failed = true;
                }
            }
        }
    }

    /// Draws `frame` with `layer` (derived objects' pixels, with a revision that changes when
    /// its content does) blended over it and `overlay` (the overlay planes on it, None when
    /// hidden or absent) in `OVERLAY_RGBA` on top, the same in both renderers.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        canvas: &HtmlCanvasElement,
        key: FrameKey,
        image: &DicomImage,
        frame: &Frame,
        options: &RenderOptions,
        viewport: &Viewport,
        overlay: Option<&OverlayMask>,
        layer: Option<(&RgbaLayer, u64)>,
    ) -> Result<Drawn, String> {
        self.draw_frame(canvas, key, key.1, image, frame, options, viewport, overlay, layer)
    }

    /// `draw` of frame `frame_index` of `image`, under cache key `key`.
    #[allow(clippy::too_many_arguments)]
    fn draw_frame(
        &mut self,
        canvas: &HtmlCanvasElement,
        key: FrameKey,
        frame_index: u32,
        image: &DicomImage,
        frame: &Frame,
        options: &RenderOptions,
        viewport: &Viewport,
        overlay: Option<&OverlayMask>,
        layer: Option<(&RgbaLayer, u64)>,
    ) -> Result<Drawn, String> {
        let window = match image.voi(frame_index, frame, options) {
            Voi::Window(w) if frame.photometric.is_monochrome() => Some((w.center, w.width)),
            _ => None,
        };
        self.ensure_gpu(canvas);
        if let Some(gpu) = self.gpu.as_mut() {
            let plan = gpu_plan::plan(image, frame_index, frame, options);
            if self.uploaded != Some(key) {
                gpu.upload(frame, &plan).map_err(|e| format!("the image could not be sent to the GPU: {e}"))?;
                self.uploaded = Some(key);
                self.overlay_uploaded = None;
                self.layer_uploaded = None;
            } else {
                gpu.set_plan_uniforms(&plan).map_err(|e| format!("GPU: {e}"))?;
            }
            if self.overlay_uploaded != Some((key, overlay.is_some())) {
                gpu.set_overlay(overlay, OVERLAY_RGBA).map_err(|e| format!("GPU overlay: {e}"))?;
                self.overlay_uploaded = Some((key, overlay.is_some()));
            }
            let layer_state = (key, layer.map(|(_, revision)| revision));
            if self.layer_uploaded != Some(layer_state) {
                gpu.set_layer(layer.map(|(l, _)| l)).map_err(|e| format!("GPU layer: {e}"))?;
                self.layer_uploaded = Some(layer_state);
            }
            gpu.draw_within(viewport.matrix_for_gl(), viewport.image_box_on_canvas())
                .map_err(|e| format!("GPU: {e}"))?;
            return Ok(Drawn { window, renderer: "webgl2" });
        }
        self.draw_2d(canvas, key, frame_index, image, frame, options, viewport, overlay, layer)?;
        Ok(Drawn { window, renderer: "canvas2d" })
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_2d(
        &mut self,
        canvas: &HtmlCanvasElement,
        key: FrameKey,
        frame_index: u32,
        image: &DicomImage,
        frame: &Frame,
        options: &RenderOptions,
        viewport: &Viewport,
        overlay: Option<&OverlayMask>,
        layer: Option<(&RgbaLayer, u64)>,
    ) -> Result<(), String> {
        let (width, height) = (canvas.width(), canvas.height());
        if frame.photometric.is_monochrome() && ScreenSampling::pays(frame.columns, frame.rows, width, height) {
            return self.draw_2d_sampled(canvas, frame_index, image, frame, options, viewport, overlay, layer);
        }
        let with_overlay = overlay.is_some();
        let layer_revision = layer.map(|(_, revision)| revision);
        let fresh = matches!(&self.rendered, Some((k, o, v, r, _))
            if *k == key && o == options && *v == with_overlay && *r == layer_revision);
        if !fresh {
            let mut rendered = image.render(frame_index, frame, options);
            if let Some((layer, _)) = layer.filter(|(l, _)| (l.columns, l.rows) == (rendered.columns, rendered.rows)) {
                composite_layer(&mut rendered.rgba, layer);
            }
            if let Some(mask) = overlay.filter(|m| (m.columns, m.rows) == (rendered.columns, rendered.rows)) {
                composite_overlay(&mut rendered.rgba, mask, OVERLAY_RGBA);
            }
            let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
            let source: HtmlCanvasElement =
                document.create_element("canvas").map_err(|e| js_text(&e))?.unchecked_into();
            source.set_width(rendered.columns);
            source.set_height(rendered.rows);
            let context = context_2d(&source)?;
            let data =
                ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rendered.rgba), rendered.columns, rendered.rows)
                    .map_err(|e| js_text(&e))?;
            context.put_image_data(&data, 0.0, 0.0).map_err(|e| js_text(&e))?;
            self.rendered = Some((key, options.clone(), with_overlay, layer_revision, source));
        }
        let Some((_, _, _, _, source)) = &self.rendered else { return Ok(()) };
        let context = context_2d(canvas)?;
        context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).map_err(|e| js_text(&e))?;
        context.set_fill_style_str("#000");
        context.fill_rect(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()));
        let [a, b, c, d, e, f] = viewport.canvas_2d_transform();
        context.set_transform(a, b, c, d, e, f).map_err(|e| js_text(&e))?;
        context.set_image_smoothing_enabled(false);
        context.draw_image_with_html_canvas_element(source, 0.0, 0.0).map_err(|e| js_text(&e))?;
        context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).map_err(|e| js_text(&e))
    }
}

impl Renderer {
    /// The 2-D path for a grey image larger than the canvas: only the image pixels the canvas
    /// shows are rendered (`viewer::screen_sampling`), at the canvas's resolution, so a window
    /// drag or a pan costs the canvas's size, not the image's.
    #[allow(clippy::too_many_arguments)]
    fn draw_2d_sampled(
        &mut self,
        canvas: &HtmlCanvasElement,
        frame_index: u32,
        image: &DicomImage,
        frame: &Frame,
        options: &RenderOptions,
        viewport: &Viewport,
        overlay: Option<&OverlayMask>,
        layer: Option<(&RgbaLayer, u64)>,
    ) -> Result<(), String> {
        let (width, height) = (canvas.width(), canvas.height());
        let placed = (*viewport, frame.columns, frame.rows, width, height);
        let cached = matches!(&self.sampling, Some((p, _)) if *p == placed);
        if !cached {
            let sampling = ScreenSampling::of(viewport, frame.columns, frame.rows, width, height)
                .ok_or_else(|| format!("a {width} × {height} canvas is too large to draw on"))?;
            self.sampling = Some((placed, sampling));
        }
        let Some((_, sampling)) = &self.sampling else { return Ok(()) };
        let mut rgba = image.render_at(frame_index, frame, options, &sampling.indices);
        if let Some((layer, _)) = layer.filter(|(l, _)| (l.columns, l.rows) == (frame.columns, frame.rows)) {
            composite_layer_at(&mut rgba, layer, &sampling.indices);
        }
        if let Some(mask) = overlay.filter(|m| (m.columns, m.rows) == (frame.columns, frame.rows)) {
            composite_overlay_at(&mut rgba, mask, OVERLAY_RGBA, &sampling.indices);
        }
        // The full-size rendering of the other path is not kept for this frame.
        self.rendered = None;
        let context = context_2d(canvas)?;
        context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).map_err(|e| js_text(&e))?;
        let data =
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), width, height).map_err(|e| js_text(&e))?;
        context.put_image_data(&data, 0.0, 0.0).map_err(|e| js_text(&e))
    }
}

fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
    canvas
        .get_context("2d")
        .map_err(|e| js_text(&e))?
        .ok_or("this canvas has no 2-D context")?
        .dyn_into()
        .map_err(|_| "not a 2-D context".to_string())
}
