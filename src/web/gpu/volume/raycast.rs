//! The 3-D view ray cast on the GPU: the rule of `crate::volume::render3d` (clip to the voxel
//! box, samples at whole multiples of the step along each ray, trilinear values through the
//! Modality LUT, front-to-back compositing through the transfer-function table with step-
//! corrected opacity, gradient shading and early termination; or MIP through a LINEAR window),
//! with the uniforms of a `RayCast`. Reads the volume texture `upload_volume` made.

use web_sys::{WebGl2RenderingContext as Gl, WebGlProgram, WebGlTexture, WebGlUniformLocation};

use super::super::program::compile;
use super::super::shaders::{self, SamplerKind};
use super::super::{GpuError, GpuRenderer};
use super::TRILINEAR;
use crate::pipeline::ModalityLut;
use crate::volume::render3d::{Compositing, RayCast, AMBIENT, DIFFUSE, LUT_SIZE, OPAQUE};

/// Longest ray, in samples (a 2048-voxel diagonal at the finest step).
const MAX_SAMPLES: u32 = 4096;

const RAYCAST: &str = r#"#version 300 es
precision highp float;
precision highp int;
TRILINEAR
uniform highp usampler2D u_transfer;
uniform ivec2 u_view_size;
uniform vec3 u_origin;
uniform vec3 u_dx;
uniform vec3 u_dy;
uniform vec3 u_forward;
uniform vec3 u_light_forward;
uniform vec3 u_gradient_rows[3];
uniform float u_step;
uniform float u_exponent;
// 0 composite, 1 maximum.
uniform int u_mode;
uniform int u_shade;
// MIP window (center, width); transfer table range (low, high); rescale (slope, intercept).
uniform vec2 u_window;
uniform vec2 u_transfer_range;
uniform vec2 u_rescale;
out vec4 out_color;

float modality(float v) {
  return v * u_rescale.x + u_rescale.y;
}

bool clip(vec3 origin, vec3 direction, out float near, out float far) {
  near = -3.4e38;
  far = 3.4e38;
  vec3 high = vec3(textureSize(u_volume, 0)) - 0.5;
  for (int axis = 0; axis < 3; axis++) {
    float o = origin[axis];
    float d = direction[axis];
    if (abs(d) < 1e-12) {
      if (o < -0.5 || o > high[axis]) {
        return false;
      }
      continue;
    }
    float a = (-0.5 - o) / d;
    float b = (high[axis] - o) / d;
    near = max(near, min(a, b));
    far = min(far, max(a, b));
  }
  return near <= far;
}

bool sample_ray(vec3 p, out float value) {
  value = 0.0;
  vec3 high = vec3(textureSize(u_volume, 0)) - 0.5;
  if (any(lessThan(p, vec3(-0.5 - 1e-4))) || any(greaterThan(p, high + 1e-4))) {
    return false;
  }
  return sample_clamped(p, value);
}

float light(vec3 p) {
  vec3 g;
  for (int axis = 0; axis < 3; axis++) {
    vec3 before = p;
    vec3 after = p;
    before[axis] -= 1.0;
    after[axis] += 1.0;
    float a;
    float b;
    if (!sample_clamped(before, a) || !sample_clamped(after, b)) {
      return 1.0;
    }
    g[axis] = (modality(b) - modality(a)) / 2.0;
  }
  vec3 patient = g.x * u_gradient_rows[0] + g.y * u_gradient_rows[1] + g.z * u_gradient_rows[2];
  float len = length(patient);
  if (!(len > 0.0)) {
    return 1.0;
  }
  return AMBIENT + DIFFUSE * abs(dot(patient, u_light_forward) / len);
}

void main() {
  int x = int(gl_FragCoord.x);
  int y = u_view_size.y - 1 - int(gl_FragCoord.y);
  vec3 origin = u_origin + float(x) * u_dx + float(y) * u_dy;
  float near;
  float far;
  out_color = vec4(0.0, 0.0, 0.0, 1.0);
  if (!clip(origin, u_forward, near, far)) {
    return;
  }
  int first = int(ceil(near / u_step));
  int last = int(floor(far / u_step));
  if (u_mode == 1) {
    float best = -3.4e38;
    bool any_sample = false;
    for (int n = 0; n < MAX_SAMPLES; n++) {
      int k = first + n;
      if (k > last) {
        break;
      }
      float v;
      if (sample_ray(origin + u_forward * (float(k) * u_step), v)) {
        best = max(best, modality(v));
        any_sample = true;
      }
    }
    if (!any_sample) {
      return;
    }
    float grey = clamp((best - (u_window.x - 0.5)) / max(u_window.y - 1.0, 1.2e-7) + 0.5, 0.0, 1.0);
    out_color = vec4(vec3(floor(grey * 255.0 + 0.5) / 255.0), 1.0);
    return;
  }
  vec3 colour = vec3(0.0);
  float opacity = 0.0;
  float span = u_transfer_range.y - u_transfer_range.x;
  for (int n = 0; n < MAX_SAMPLES; n++) {
    int k = first + n;
    if (k > last) {
      break;
    }
    vec3 p = origin + u_forward * (float(k) * u_step);
    float v;
    if (!sample_ray(p, v)) {
      continue;
    }
    float entry_index = clamp(floor((modality(v) - u_transfer_range.x) / span * float(LUT_SIZE - 1) + 0.5), 0.0, float(LUT_SIZE - 1));
    uvec4 entry = texelFetch(u_transfer, ivec2(int(entry_index), 0), 0);
    if (entry.a == 0u) {
      continue;
    }
    float a = float(entry.a) / 255.0;
    float alpha = a >= 1.0 ? 1.0 : 1.0 - pow(1.0 - a, u_exponent);
    float lit = u_shade == 1 ? light(p) : 1.0;
    float weight = (1.0 - opacity) * alpha;
    colour += weight * vec3(entry.rgb) / 255.0 * lit;
    opacity += weight;
    if (opacity >= OPAQUE) {
      break;
    }
  }
  out_color = vec4(floor(clamp(colour, 0.0, 1.0) * 255.0 + 0.5) / 255.0, 1.0);
}
"#;

const UNIFORMS: [&str; 17] = [
    "u_volume",
    "u_filled",
    "u_transfer",
    "u_view_size",
    "u_origin",
    "u_dx",
    "u_dy",
    "u_forward",
    "u_light_forward",
    "u_gradient_rows",
    "u_step",
    "u_exponent",
    "u_mode",
    "u_shade",
    "u_window",
    "u_transfer_range",
    "u_rescale",
];

/// The ray-casting program of one sampler kind.
pub(in crate::web::gpu) struct RayProgram {
    program: WebGlProgram,
    locations: Vec<Option<WebGlUniformLocation>>,
}

/// The fragment shader of the ray caster for volumes read through `kind`.
pub fn fragment(kind: SamplerKind) -> String {
    let float = |x: f64| format!("{x:.6}");
    RAYCAST
        .replace("TRILINEAR", TRILINEAR)
        .replace("SAMPLER3D", shaders::glsl_3d(kind))
        .replace("MAX_SAMPLES", &MAX_SAMPLES.to_string())
        .replace("LUT_SIZE", &LUT_SIZE.to_string())
        .replace("AMBIENT", &float(AMBIENT))
        .replace("DIFFUSE", &float(DIFFUSE))
        .replace("OPAQUE", &float(OPAQUE))
}

fn link(gl: &Gl, kind: SamplerKind) -> Result<RayProgram, GpuError> {
    let vertex = compile(gl, Gl::VERTEX_SHADER, shaders::VERTEX)?;
    let fragment = compile(gl, Gl::FRAGMENT_SHADER, &fragment(kind))?;
    let program = gl.create_program().ok_or(GpuError::Resource("program"))?;
    gl.attach_shader(&program, &vertex);
    gl.attach_shader(&program, &fragment);
    gl.bind_attrib_location(&program, super::super::program::POSITION, "a_position");
    gl.link_program(&program);
    gl.delete_shader(Some(&vertex));
    gl.delete_shader(Some(&fragment));
    if gl.get_program_parameter(&program, Gl::LINK_STATUS).as_bool() != Some(true) {
        let log = gl.get_program_info_log(&program).unwrap_or_default();
        gl.delete_program(Some(&program));
        return Err(GpuError::Shader(log));
    }
    let locations = UNIFORMS.iter().map(|name| gl.get_uniform_location(&program, name)).collect();
    Ok(RayProgram { program, locations })
}

impl GpuRenderer {
    /// Ray casts the uploaded volume (`upload_volume`) as `cast` describes (a `RayCast` of the
    /// volume at the canvas' size; for a downsampled texture, of the texture's grid) over the
    /// whole canvas. Modality LUT tables are not supported here (Err: render on the CPU).
    pub fn draw_volume_3d(&mut self, cast: &RayCast) -> Result<(), GpuError> {
        self.alive()?;
        let rescale = match &cast.modality {
            ModalityLut::Identity => [1.0f32, 0.0],
            ModalityLut::Rescale(r) => [r.slope as f32, r.intercept as f32],
            ModalityLut::Table(_) => {
                return Err(GpuError::VolumeTooLarge(
                    "volumes with a Modality LUT table are rendered in 3-D on the CPU".into(),
                ))
            }
        };
        let state = self.volume.as_mut().ok_or(GpuError::PlanMismatch)?;
        if [state.grid.columns, state.grid.rows, state.grid.slices] != cast.size {
            return Err(GpuError::PlanMismatch);
        }
        let (_, _, _, kind) = super::gl_kind(state.format);
        if self.ray_programs[kind.index()].is_none() {
            self.ray_programs[kind.index()] = Some(link(&self.gl, kind)?);
        }
        let transfer = match &cast.compositing {
            Compositing::Composite { lut, .. } => Some(lut),
            Compositing::Maximum { .. } => None,
        };
        if let Some(lut) = transfer {
            let bytes = lut.rgba_bytes();
            if state.transfer.as_ref().map(|(_, b)| b) != Some(&bytes) {
                if let Some((texture, _)) = state.transfer.take() {
                    self.gl.delete_texture(Some(&texture));
                }
                let texture: WebGlTexture =
                    super::super::textures::upload_rgba(&self.gl, &bytes, (bytes.len() / 4) as u32, 1)?;
                state.transfer = Some((texture, bytes));
            }
        }
        let ray = self.ray_programs[kind.index()].as_ref().ok_or(GpuError::Resource("program"))?;
        let gl = &self.gl;
        gl.viewport(0, 0, gl.drawing_buffer_width(), gl.drawing_buffer_height());
        gl.use_program(Some(&ray.program));
        gl.active_texture(Gl::TEXTURE4);
        gl.bind_texture(Gl::TEXTURE_2D, Some(&state.filled_texture));
        gl.active_texture(Gl::TEXTURE5);
        gl.bind_texture(Gl::TEXTURE_3D, Some(&state.texture));
        gl.active_texture(Gl::TEXTURE6);
        gl.bind_texture(Gl::TEXTURE_2D, state.transfer.as_ref().map(|(texture, _)| texture));
        gl.active_texture(Gl::TEXTURE0);
        let at = |index: usize| ray.locations.get(index).and_then(Option::as_ref);
        let v3 = |v: [f64; 3]| [v[0] as f32, v[1] as f32, v[2] as f32];
        let p = &cast.projection;
        gl.uniform1i(at(0), 5);
        gl.uniform1i(at(1), 4);
        gl.uniform1i(at(2), 6);
        gl.uniform2i(at(3), p.width as i32, p.height as i32);
        gl.uniform3fv_with_f32_array(at(4), &v3(p.voxel_origin));
        gl.uniform3fv_with_f32_array(at(5), &v3(p.voxel_dx));
        gl.uniform3fv_with_f32_array(at(6), &v3(p.voxel_dy));
        gl.uniform3fv_with_f32_array(at(7), &v3(p.voxel_forward));
        gl.uniform3fv_with_f32_array(at(8), &v3(p.axes.forward));
        let rows: Vec<f32> = cast.gradient_rows.iter().flat_map(|r| v3(*r)).collect();
        gl.uniform3fv_with_f32_array(at(9), &rows);
        gl.uniform1f(at(10), cast.step_mm as f32);
        gl.uniform1f(at(11), (cast.step_mm / cast.reference_mm) as f32);
        match &cast.compositing {
            Compositing::Composite { lut, shade } => {
                gl.uniform1i(at(12), 0);
                gl.uniform1i(at(13), i32::from(*shade));
                gl.uniform2f(at(15), lut.low as f32, lut.high as f32);
            }
            Compositing::Maximum { window_center, window_width } => {
                gl.uniform1i(at(12), 1);
                gl.uniform1i(at(13), 0);
                gl.uniform2f(at(14), *window_center as f32, *window_width as f32);
            }
        }
        gl.uniform2f(at(16), rescale[0], rescale[1]);
        gl.bind_vertex_array(Some(&self.vertex_array));
        gl.draw_arrays(Gl::TRIANGLE_STRIP, 0, 4);
        gl.bind_vertex_array(None);
        Ok(())
    }
}
