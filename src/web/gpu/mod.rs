//! WebGL2 display of decoded frames. The stored values are uploaded once, at their own width;
//! the display chain of a `GpuPlan` (modality LUT, VOI, palette, inversion) runs in the fragment
//! shader, so a window change is a uniform change. Without WebGL2 `GpuRenderer::new` fails and
//! the caller draws with Canvas2D (`DicomImage::render`) instead.

mod program;
mod shaders;
mod textures;
mod volume;

use std::fmt;

use wasm_bindgen::JsCast;
use web_sys::{
    HtmlCanvasElement, WebGl2RenderingContext as Gl, WebGlBuffer, WebGlContextAttributes, WebGlTexture,
    WebGlVertexArrayObject,
};

use crate::dicom::overlay::OverlayMask;
use crate::dicom::Frame;
use crate::pipeline::gpu_plan::{GpuPlan, LutAtlas, TextureFit, TextureFormat};
use crate::viewer::layers::RgbaLayer;
use program::{PlanUniforms, Program, POSITION};

/// Why the GPU path cannot draw; every case means "fall back to Canvas2D" to the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum GpuError {
    /// The browser offers no WebGL2 context for this canvas.
    Unavailable(String),
    /// The WebGL context was lost (GPU reset, too many contexts); create a new renderer.
    ContextLost,
    /// A WebGL object could not be created (usually a lost context).
    Resource(&'static str),
    /// The shader did not compile or link (driver message).
    Shader(String),
    /// The frame is larger than the GPU's MAX_TEXTURE_SIZE.
    TooLarge { columns: u32, rows: u32, max_size: u32 },
    /// A texture upload failed.
    Upload(String),
    /// `set_plan_uniforms` or `draw` was called before `upload`, or with a plan for another frame layout.
    PlanMismatch,
    /// The volume does not fit this GPU's 3-D textures even downsampled (the reason).
    VolumeTooLarge(String),
}

impl fmt::Display for GpuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GpuError::Unavailable(reason) => write!(f, "WebGL2 is not available ({reason}); drawing without the GPU"),
            GpuError::ContextLost => write!(f, "the WebGL context was lost; create a new renderer"),
            GpuError::Resource(what) => write!(f, "WebGL could not create a {what} (is the context lost?)"),
            GpuError::Shader(log) => write!(f, "the display shader failed to build: {log}"),
            GpuError::TooLarge { columns, rows, max_size } => {
                write!(
                    f,
                    "the frame ({columns} × {rows}) exceeds this GPU's texture limit {max_size}; open the viewer with ?renderer=canvas2d to see it"
                )
            }
            GpuError::Upload(reason) => write!(f, "texture upload failed: {reason}"),
            GpuError::PlanMismatch => write!(f, "the plan does not match the uploaded frame; upload the frame first"),
            GpuError::VolumeTooLarge(reason) => write!(f, "{reason}"),
        }
    }
}

impl std::error::Error for GpuError {}

/// The uploaded frame.
struct Uploaded {
    image: WebGlTexture,
    format: TextureFormat,
    /// The frame exceeds MAX_TEXTURE_SIZE: the textures hold a shrunk copy.
    fit: Option<TextureFit>,
    size: (u32, u32),
    luts: Option<(WebGlTexture, LutAtlas)>,
    uniforms: PlanUniforms,
    /// The overlay mask drawn over this frame and its colour (0..255).
    overlay: Option<(WebGlTexture, [f32; 3])>,
    /// Derived-object layer (RGBA8UI), when one is shown.
    layer: Option<WebGlTexture>,
}

pub struct GpuRenderer {
    gl: Gl,
    programs: [Option<Program>; 3],
    _quad: WebGlBuffer,
    vertex_array: WebGlVertexArrayObject,
    uploaded: Option<Uploaded>,
    /// MAX_TEXTURE_SIZE, read once (getParameter is a round trip to the GPU process).
    max_texture_size: u32,
    /// The volume reformatted planes sample (src/web/gpu/volume.rs) and its plane programs.
    volume: Option<volume::VolumeTexture>,
    plane_programs: [Option<volume::PlaneProgram>; 3],
    ray_programs: [Option<volume::RayProgram>; 3],
}

/// The view matrix (column-major 3×3, clip space → texture coordinates) that shows the image
/// filling the canvas, first stored row at the top: 1:1 when the canvas has the image's size.
pub const FILL_VIEW: [f32; 9] = [0.5, 0.0, 0.0, 0.0, -0.5, 0.0, 0.5, 0.5, 1.0];

/// Whether WebGL2 is available on real graphics hardware.
fn hardware_webgl2() -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return false };
    let Some(scratch) = document.create_element("canvas").ok().and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return false;
    };
    let attributes = WebGlContextAttributes::new();
    attributes.set_fail_if_major_performance_caveat(true);
    let Some(gl) = scratch
        .get_context_with_context_options("webgl2", &attributes)
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<Gl>().ok())
    else {
        return false;
    };
    // WEBGL_debug_renderer_info: UNMASKED_RENDERER_WEBGL = 0x9246.
    let renderer = match gl.get_extension("WEBGL_debug_renderer_info") {
        Ok(Some(_)) => gl.get_parameter(0x9246).ok().and_then(|v| v.as_string()).unwrap_or_default(),
        _ => String::new(),
    };
    let software = ["swiftshader", "llvmpipe", "softpipe", "software"];
    let lower = renderer.to_ascii_lowercase();
    if let Some(context) = gl.get_extension("WEBGL_lose_context").ok().flatten() {
        let _ = js_sys::Reflect::get(&context, &"loseContext".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .map(|f| f.call0(&context));
    }
    !software.iter().any(|name| lower.contains(name))
}

impl GpuRenderer {
    /// A WebGL2 context on `canvas` (drawing buffer preserved so pixels can be read back),
    /// software renderers included.
    pub fn new(canvas: &HtmlCanvasElement) -> Result<GpuRenderer, GpuError> {
        GpuRenderer::with_options(canvas, true)
    }

    /// Like `new`, but refuses a software rasterizer (failIfMajorPerformanceCaveat, or a
    /// renderer named SwiftShader/llvmpipe): there the CPU renderer is faster, and its output is
    /// the same. The check runs once per page on a scratch canvas, so `canvas` stays free for a
    /// 2-D context when this fails.
    pub fn hardware(canvas: &HtmlCanvasElement) -> Result<GpuRenderer, GpuError> {
        thread_local! {
            static HARDWARE: std::cell::OnceCell<bool> = const { std::cell::OnceCell::new() };
        }
        if !HARDWARE.with(|cell| *cell.get_or_init(hardware_webgl2)) {
            return Err(GpuError::Unavailable("WebGL2 runs on a software rasterizer here".into()));
        }
        GpuRenderer::with_options(canvas, false)
    }

    fn with_options(canvas: &HtmlCanvasElement, software_allowed: bool) -> Result<GpuRenderer, GpuError> {
        let attributes = WebGlContextAttributes::new();
        attributes.set_fail_if_major_performance_caveat(!software_allowed);
        attributes.set_preserve_drawing_buffer(true);
        attributes.set_antialias(false);
        attributes.set_depth(false);
        let context = canvas
            .get_context_with_context_options("webgl2", &attributes)
            .map_err(|e| GpuError::Unavailable(format!("{e:?}")))?
            .ok_or_else(|| GpuError::Unavailable("getContext(\"webgl2\") returned null".into()))?;
        let gl: Gl = context.dyn_into().map_err(|_| GpuError::Unavailable("not a WebGL2 context".into()))?;
        let quad = gl.create_buffer().ok_or(GpuError::Resource("buffer"))?;
        let vertex_array = gl.create_vertex_array().ok_or(GpuError::Resource("vertex array"))?;
        gl.bind_vertex_array(Some(&vertex_array));
        gl.bind_buffer(Gl::ARRAY_BUFFER, Some(&quad));
        let corners: [f32; 8] = [-1.0, -1.0, 1.0, -1.0, -1.0, 1.0, 1.0, 1.0];
        gl.buffer_data_with_array_buffer_view(
            Gl::ARRAY_BUFFER,
            &js_sys::Float32Array::from(&corners[..]),
            Gl::STATIC_DRAW,
        );
        gl.enable_vertex_attrib_array(POSITION);
        gl.vertex_attrib_pointer_with_i32(POSITION, 2, Gl::FLOAT, false, 0, 0);
        gl.bind_vertex_array(None);
        let max_texture_size =
            gl.get_parameter(Gl::MAX_TEXTURE_SIZE).ok().and_then(|v| v.as_f64()).unwrap_or(2048.0) as u32;
        // Test hook: `?maxTextureSize=N` lowers the limit (to exercise the shrunk path).
        let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let max_texture_size = query
            .split(['?', '&'])
            .find_map(|part| part.strip_prefix("maxTextureSize="))
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| *n >= 16)
            .map_or(max_texture_size, |n| n.min(max_texture_size));
        Ok(GpuRenderer {
            gl,
            programs: [None, None, None],
            _quad: quad,
            vertex_array,
            uploaded: None,
            max_texture_size,
            volume: None,
            plane_programs: [None, None, None],
            ray_programs: [None, None, None],
        })
    }

    fn alive(&self) -> Result<(), GpuError> {
        if self.gl.is_context_lost() {
            Err(GpuError::ContextLost)
        } else {
            Ok(())
        }
    }

    /// Uploads the frame's stored values and the plan's tables (replacing any previous frame).
    pub fn upload(&mut self, frame: &Frame, plan: &GpuPlan) -> Result<(), GpuError> {
        self.alive()?;
        let max_size = self.max_texture_size;
        self.release();
        let (_, _, _, kind) = textures::gl_format(plan.texture);
        if self.programs[kind.index()].is_none() {
            self.programs[kind.index()] = Some(Program::new(&self.gl, kind)?);
        }
        // Larger than the GPU's textures: a shrunk copy, said in `texture_note`.
        let fit = TextureFit::of(plan.columns, plan.rows, max_size);
        let image = match &fit {
            None => textures::upload_image(&self.gl, &frame.pixels, plan.texture, plan.columns, plan.rows, max_size)?,
            Some(fit) => {
                let channels = usize::from(plan.texture.channels);
                let small = fit.shrink_values(&frame.pixels, channels, (plan.columns, plan.rows));
                textures::upload_image(&self.gl, &small, plan.texture, fit.columns, fit.rows, max_size)?
            }
        };
        self.uploaded = Some(Uploaded {
            image,
            format: plan.texture,
            fit,
            size: (plan.columns, plan.rows),
            luts: None,
            uniforms: PlanUniforms::of(plan),
            overlay: None,
            layer: None,
        });
        self.set_plan_uniforms(plan)
    }

    /// Takes the display parameters of `plan` (a new window, VOI, invert) without touching the
    /// image texture; the lookup-table texture is re-uploaded only when the tables changed.
    pub fn set_plan_uniforms(&mut self, plan: &GpuPlan) -> Result<(), GpuError> {
        self.alive()?;
        let uploaded = self.uploaded.as_mut().ok_or(GpuError::PlanMismatch)?;
        if uploaded.format != plan.texture || uploaded.size != (plan.columns, plan.rows) {
            return Err(GpuError::PlanMismatch);
        }
        if uploaded.luts.as_ref().map(|(_, atlas)| atlas) != Some(&plan.luts) {
            if let Some((texture, _)) = uploaded.luts.take() {
                self.gl.delete_texture(Some(&texture));
            }
            uploaded.luts = Some((textures::upload_atlas(&self.gl, &plan.luts)?, plan.luts.clone()));
        }
        uploaded.uniforms = PlanUniforms::of(plan);
        Ok(())
    }

    /// Shows `mask` (same size as the uploaded frame) in `rgba` over the frame, or no overlay.
    pub fn set_overlay(&mut self, mask: Option<&OverlayMask>, rgba: [u8; 4]) -> Result<(), GpuError> {
        self.alive()?;
        let uploaded = self.uploaded.as_mut().ok_or(GpuError::PlanMismatch)?;
        if let Some((texture, _)) = uploaded.overlay.take() {
            self.gl.delete_texture(Some(&texture));
        }
        if let Some(mask) = mask {
            if (mask.columns, mask.rows) != uploaded.size {
                return Err(GpuError::PlanMismatch);
            }
            let texture = match &uploaded.fit {
                None => textures::upload_mask(&self.gl, &mask.covered, mask.columns, mask.rows)?,
                Some(fit) => {
                    let small = fit.shrink(&mask.covered, 1, (mask.columns, mask.rows));
                    textures::upload_mask(&self.gl, &small, fit.columns, fit.rows)?
                }
            };
            let colour = [f32::from(rgba[0]), f32::from(rgba[1]), f32::from(rgba[2])];
            uploaded.overlay = Some((texture, colour));
        }
        Ok(())
    }

    /// Shows `layer` (same size as the uploaded frame; straight-alpha RGBA) blended over the
    /// frame and under the overlay planes, or no layer.
    pub fn set_layer(&mut self, layer: Option<&RgbaLayer>) -> Result<(), GpuError> {
        self.alive()?;
        let uploaded = self.uploaded.as_mut().ok_or(GpuError::PlanMismatch)?;
        if let Some(texture) = uploaded.layer.take() {
            self.gl.delete_texture(Some(&texture));
        }
        if let Some(layer) = layer {
            if (layer.columns, layer.rows) != uploaded.size {
                return Err(GpuError::PlanMismatch);
            }
            uploaded.layer = Some(match &uploaded.fit {
                None => textures::upload_rgba(&self.gl, &layer.rgba, layer.columns, layer.rows)?,
                Some(fit) => {
                    let small = fit.shrink(&layer.rgba, 4, (layer.columns, layer.rows));
                    textures::upload_rgba(&self.gl, &small, fit.columns, fit.rows)?
                }
            });
        }
        Ok(())
    }

    /// Why the frame on show is drawn from a shrunk copy (it exceeds this GPU's texture limit);
    /// None when every stored pixel is in the texture.
    pub fn texture_note(&self) -> Option<(u32, u32, u32, u32)> {
        let uploaded = self.uploaded.as_ref()?;
        let fit = uploaded.fit?;
        Some((uploaded.size.0, uploaded.size.1, self.max_texture_size, fit.factor))
    }

    /// Draws the uploaded frame over the whole canvas; `view_matrix` (column-major 3×3) maps
    /// clip space (−1..1, y up) to texture coordinates (0..1, v = 0 at the first stored row).
    pub fn draw(&self, view_matrix: [f32; 9]) -> Result<(), GpuError> {
        let (width, height) =
            (self.gl.drawing_buffer_width().max(0) as u32, self.gl.drawing_buffer_height().max(0) as u32);
        self.draw_within(view_matrix, Some((0, 0, width, height)))
    }

    /// `draw`, shading only `image_box`: the canvas pixels the image covers (x, y from the top, width, height;
    /// `Viewport::image_box_on_canvas`): only they are shaded, the rest is cleared to black (what
    /// the shader writes outside the image), which halves the work of a portrait mammogram on
    /// a landscape canvas. None: the image is off the canvas, which is cleared.
    pub fn draw_within(&self, view_matrix: [f32; 9], image_box: Option<(u32, u32, u32, u32)>) -> Result<(), GpuError> {
        self.alive()?;
        let uploaded = self.uploaded.as_ref().ok_or(GpuError::PlanMismatch)?;
        let (_, _, _, kind) = textures::gl_format(uploaded.format);
        let program = self.programs[kind.index()].as_ref().ok_or(GpuError::Resource("program"))?;
        let gl = &self.gl;
        let (width, height) = (gl.drawing_buffer_width(), gl.drawing_buffer_height());
        gl.viewport(0, 0, width, height);
        gl.clear_color(0.0, 0.0, 0.0, 1.0);
        gl.clear(Gl::COLOR_BUFFER_BIT);
        let Some((x, y, box_width, box_height)) = image_box else { return Ok(()) };
        // WebGL's window coordinates count rows from the bottom.
        let bottom = height - (y.saturating_add(box_height)).min(i32::MAX as u32) as i32;
        gl.enable(Gl::SCISSOR_TEST);
        gl.scissor(x as i32, bottom, box_width as i32, box_height as i32);
        gl.use_program(Some(&program.program));
        gl.active_texture(Gl::TEXTURE0);
        gl.bind_texture(Gl::TEXTURE_2D, Some(&uploaded.image));
        gl.active_texture(Gl::TEXTURE1);
        gl.bind_texture(Gl::TEXTURE_2D, uploaded.luts.as_ref().map(|(texture, _)| texture));
        gl.active_texture(Gl::TEXTURE2);
        gl.bind_texture(Gl::TEXTURE_2D, uploaded.overlay.as_ref().map(|(texture, _)| texture));
        gl.active_texture(Gl::TEXTURE3);
        gl.bind_texture(Gl::TEXTURE_2D, uploaded.layer.as_ref());
        gl.active_texture(Gl::TEXTURE0);
        program.set(
            gl,
            &view_matrix,
            &uploaded.uniforms,
            uploaded.overlay.as_ref().map(|(_, colour)| *colour),
            uploaded.layer.is_some(),
        );
        gl.bind_vertex_array(Some(&self.vertex_array));
        gl.draw_arrays(Gl::TRIANGLE_STRIP, 0, 4);
        gl.bind_vertex_array(None);
        gl.disable(Gl::SCISSOR_TEST);
        // No getError here: it waits for the GPU to finish the frame (tens of milliseconds with
        // a software renderer) and would make every scroll step a long task.
        Ok(())
    }

    /// The canvas's pixels as RGBA, rows top-first (for tests).
    pub fn read_pixels(&self) -> Result<Vec<u8>, GpuError> {
        self.alive()?;
        let (width, height) = (self.gl.drawing_buffer_width().max(0), self.gl.drawing_buffer_height().max(0));
        let row = width as usize * 4;
        let mut bottom_up = vec![0u8; row * height as usize];
        self.gl
            .read_pixels_with_opt_u8_array(0, 0, width, height, Gl::RGBA, Gl::UNSIGNED_BYTE, Some(&mut bottom_up))
            .map_err(|e| GpuError::Upload(format!("readPixels: {e:?}")))?;
        Ok(bottom_up.chunks_exact(row.max(1)).rev().flatten().copied().collect())
    }

    fn release(&mut self) {
        if let Some(uploaded) = self.uploaded.take() {
            self.gl.delete_texture(Some(&uploaded.image));
            if let Some((texture, _)) = uploaded.luts {
                self.gl.delete_texture(Some(&texture));
            }
            if let Some((texture, _)) = uploaded.overlay {
                self.gl.delete_texture(Some(&texture));
            }
            if let Some(texture) = uploaded.layer {
                self.gl.delete_texture(Some(&texture));
            }
        }
    }
}

impl Drop for GpuRenderer {
    fn drop(&mut self) {
        self.release();
        self.release_volume();
    }
}
