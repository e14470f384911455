//! Volumes on the GPU: the voxels as one 3-D texture at their own width (R8UI/R16UI/R16I, read
//! with texelFetch and interpolated in the shader, or R32F), filled slice by slice with
//! texSubImage3D as slices arrive, box-downsampled when larger than MAX_3D_TEXTURE_SIZE; and
//! the plane program: the display chain of shaders.rs fed by trilinear samples of the volume
//! along a plane (a slab reduced by MIP/MinIP/mean) instead of a frame texture. The arithmetic
//! is `crate::volume::texture::PlaneSampling` (natively tested against `reslice`).

mod raycast;

use js_sys::{Float32Array, Int16Array, Object, Uint16Array, Uint8Array};
use web_sys::{WebGl2RenderingContext as Gl, WebGlTexture, WebGlUniformLocation};

use super::program::{PlanUniforms, Program};
use super::shaders::{self, SamplerKind};
use super::textures;
use super::{GpuError, GpuRenderer};
use crate::pipeline::gpu_plan::{GpuPlan, LutAtlas, TextureFormat, ATLAS_WIDTH};
use crate::volume::texture::{downsample, sample_type, PlaneSampling, TextureFit};
use crate::volume::{Grid, Volume, Voxels};

/// The stored value of a plane pixel: trilinear samples of the volume (texel coordinates)
/// reduced across the slab, rounded as `reslice` rounds (src/volume/texture.rs).
/// Trilinear sampling of the volume texture as `Volume::sample` does once the coordinate is
/// inside (clamped to [0, n − 1], x1 = min(x0 + 1, n − 1)); false between unfilled slices.
/// Shared by the plane and the ray-casting programs.
pub(super) const TRILINEAR: &str = r#"uniform highp SAMPLER3D u_volume;
uniform highp usampler2D u_filled;
bool slice_filled(int k) {
  return texelFetch(u_filled, ivec2(k, 0), 0).r != 0u;
}
float voxel(ivec3 p) {
  return float(texelFetch(u_volume, p, 0).r);
}
float bilinear(ivec3 p0, ivec3 p1, vec2 f, int z) {
  float a = voxel(ivec3(p0.x, p0.y, z));
  float b = voxel(ivec3(p1.x, p0.y, z));
  float c = voxel(ivec3(p0.x, p1.y, z));
  float d = voxel(ivec3(p1.x, p1.y, z));
  float top = a + (b - a) * f.x;
  float bottom = c + (d - c) * f.x;
  return top + (bottom - top) * f.y;
}
bool sample_clamped(vec3 c, out float value) {
  value = 0.0;
  ivec3 size = textureSize(u_volume, 0);
  vec3 last = vec3(max(size - 1, ivec3(0)));
  c = clamp(c, vec3(0.0), last);
  vec3 c0 = floor(c);
  vec3 f = c - c0;
  ivec3 p0 = ivec3(c0);
  ivec3 p1 = min(p0 + 1, size - 1);
  if (!slice_filled(p0.z)) {
    return false;
  }
  float near = bilinear(p0, p1, f.xy, p0.z);
  if (f.z == 0.0) {
    value = near;
    return true;
  }
  if (!slice_filled(p1.z)) {
    return false;
  }
  float far = bilinear(p0, p1, f.xy, p1.z);
  value = near + (far - near) * f.z;
  return true;
}
// Half a voxel of slack at the faces; nothing outside.
bool sample_volume(vec3 c, out float value) {
  value = 0.0;
  vec3 last = vec3(max(textureSize(u_volume, 0) - 1, ivec3(0)));
  if (any(lessThan(c, vec3(-0.5))) || any(greaterThan(c, last + 0.5))) {
    return false;
  }
  return sample_clamped(c, value);
}
"#;

/// The stored value of a plane pixel: trilinear samples of the volume (texel coordinates)
/// reduced across the slab, rounded as `reslice` rounds (src/volume/texture.rs).
const PLANE_SOURCE: &str = r#"uniform ivec2 u_plane_size;
uniform vec3 u_base;
uniform vec3 u_step_x;
uniform vec3 u_step_y;
uniform vec3 u_step_n;
// First offset (mm), step between offsets (mm), count.
uniform vec3 u_offsets;
// 0 mean, 1 maximum, 2 minimum.
uniform int u_slab_mode;
uniform float u_padding;
// Clamp low, high, and 1 to round half away from zero.
uniform vec3 u_rounding;
ivec2 image_size() {
  return u_plane_size;
}
vec3 stored_texel(ivec2 position) {
  vec3 at = u_base + float(position.x) * u_step_x + float(position.y) * u_step_y;
  float reduced = 0.0;
  float sum = 0.0;
  int n = 0;
  int count = int(u_offsets.z);
  for (int index = 0; index < count; index++) {
    float offset = u_offsets.x + u_offsets.y * float(index);
    float v;
    if (!sample_volume(at + u_step_n * offset, v)) {
      continue;
    }
    sum += v;
    if (n == 0) {
      reduced = v;
    } else if (u_slab_mode == 1) {
      reduced = max(reduced, v);
    } else if (u_slab_mode == 2) {
      reduced = min(reduced, v);
    }
    n += 1;
  }
  float value = n == 0 ? u_padding : (u_slab_mode == 0 ? sum / float(n) : reduced);
  if (u_rounding.z > 0.5) {
    value = clamp(sign(value) * floor(abs(value) + 0.5), u_rounding.x, u_rounding.y);
  }
  return vec3(value);
}"#;

const PLANE_UNIFORMS: [&str; 11] = [
    "u_filled",
    "u_plane_size",
    "u_base",
    "u_step_x",
    "u_step_y",
    "u_step_n",
    "u_offsets",
    "u_slab_mode",
    "u_padding",
    "u_rounding",
    "u_volume",
];

/// The plane program of one sampler kind and its own uniforms' locations.
pub(super) struct PlaneProgram {
    program: Program,
    locations: Vec<Option<WebGlUniformLocation>>,
}

/// The volume in GPU memory.
pub(super) struct VolumeTexture {
    /// Which volume (the caller's name, e.g. the display set).
    id: String,
    texture: WebGlTexture,
    /// Non-zero texel per filled texture slice (slices × 1, R8UI).
    filled_texture: WebGlTexture,
    format: TextureFormat,
    fit: TextureFit,
    /// The grid of the texture (the volume's, or the downsampled one).
    grid: Grid,
    revision: u64,
    /// Texture slices already holding their voxels.
    uploaded: Vec<bool>,
    /// Lookup tables of the last plan drawn.
    luts: Option<(WebGlTexture, LutAtlas)>,
    /// The transfer-function table of the last 3-D rendering (RGBA8UI, LUT_SIZE × 1).
    transfer: Option<(WebGlTexture, Vec<u8>)>,
}

pub(super) use raycast::RayProgram;

fn gl_kind(format: TextureFormat) -> (u32, u32, u32, SamplerKind) {
    textures::gl_format(format)
}

fn slice_data(voxels: &Voxels, start: usize, end: usize) -> Option<Object> {
    Some(match voxels {
        Voxels::U8(v) => Uint8Array::from(v.get(start..end)?).into(),
        Voxels::U16(v) => Uint16Array::from(v.get(start..end)?).into(),
        Voxels::I16(v) => Int16Array::from(v.get(start..end)?).into(),
        Voxels::F32(v) => Float32Array::from(v.get(start..end)?).into(),
    })
}

impl GpuRenderer {
    /// MAX_3D_TEXTURE_SIZE of this context.
    pub fn max_3d_texture_size(&self) -> u32 {
        self.gl.get_parameter(Gl::MAX_3D_TEXTURE_SIZE).ok().and_then(|v| v.as_f64()).unwrap_or(256.0) as u32
    }

    /// Puts `volume` (named `id`) on the GPU, or brings the copy there up to date: only the
    /// slices filled since the last call are sent (a downsampled copy is rebuilt whole). Returns
    /// the note to show when the GPU holds a downsampled copy; Err(TooLarge…) when the volume
    /// cannot fit (the caller reslices on the CPU).
    pub fn upload_volume(&mut self, id: &str, volume: &Volume) -> Result<Option<String>, GpuError> {
        let limit = self.max_3d_texture_size();
        self.upload_volume_within(id, volume, limit)
    }

    /// `upload_volume` as if MAX_3D_TEXTURE_SIZE were `max_size` (at most the real one): tests
    /// exercise downsampling with it.
    pub fn upload_volume_within(
        &mut self,
        id: &str,
        volume: &Volume,
        max_size: u32,
    ) -> Result<Option<String>, GpuError> {
        self.alive()?;
        let fit = TextureFit::of(&volume.grid, max_size.min(self.max_3d_texture_size()))
            .map_err(|e| GpuError::VolumeTooLarge(e.to_string()))?;
        let format = TextureFormat { sample: sample_type(volume.voxels.kind()), channels: 1 };
        let same = matches!(&self.volume, Some(v) if v.id == id && v.fit == fit && v.format == format);
        if !same {
            self.release_volume();
            let (internal, pixel_format, pixel_type, _) = gl_kind(format);
            let texture = self.gl.create_texture().ok_or(GpuError::Resource("3-D texture"))?;
            self.gl.bind_texture(Gl::TEXTURE_3D, Some(&texture));
            for (parameter, value) in [
                (Gl::TEXTURE_MIN_FILTER, Gl::NEAREST),
                (Gl::TEXTURE_MAG_FILTER, Gl::NEAREST),
                (Gl::TEXTURE_WRAP_S, Gl::CLAMP_TO_EDGE),
                (Gl::TEXTURE_WRAP_T, Gl::CLAMP_TO_EDGE),
                (Gl::TEXTURE_WRAP_R, Gl::CLAMP_TO_EDGE),
            ] {
                self.gl.tex_parameteri(Gl::TEXTURE_3D, parameter, value as i32);
            }
            let [c, r, s] = fit.size;
            self.gl.pixel_storei(Gl::UNPACK_ALIGNMENT, 1);
            self.gl
                .tex_image_3d_with_opt_array_buffer_view(
                    Gl::TEXTURE_3D,
                    0,
                    internal as i32,
                    c as i32,
                    r as i32,
                    s as i32,
                    0,
                    pixel_format,
                    pixel_type,
                    None,
                )
                .map_err(|e| GpuError::Upload(format!("texImage3D: {e:?}")))?;
            let filled_texture = textures::upload_mask(&self.gl, &vec![0u8; s as usize], s, 1)?;
            let grid = if fit.is_downsampled() {
                crate::volume::texture::downsampled_grid(&volume.grid, &fit)
            } else {
                volume.grid.clone()
            };
            self.volume = Some(VolumeTexture {
                id: id.to_string(),
                texture,
                filled_texture,
                format,
                fit,
                grid,
                revision: u64::MAX,
                uploaded: vec![false; s as usize],
                luts: None,
                transfer: None,
            });
        }
        let Some(state) = self.volume.as_mut() else { return Err(GpuError::Resource("3-D texture")) };
        if state.revision != volume.revision {
            let small;
            let (source, refill) = if fit.is_downsampled() {
                small = downsample(volume, &fit);
                (&small, true)
            } else {
                (volume, false)
            };
            let (_, pixel_format, pixel_type, _) = gl_kind(format);
            let [c, r, _] = fit.size;
            let per_slice = c as usize * r as usize;
            self.gl.bind_texture(Gl::TEXTURE_3D, Some(&state.texture));
            self.gl.pixel_storei(Gl::UNPACK_ALIGNMENT, 1);
            for (k, filled) in source.filled.iter().enumerate() {
                if !*filled || (state.uploaded.get(k).copied().unwrap_or(true) && !refill) {
                    continue;
                }
                let data = slice_data(&source.voxels, k * per_slice, (k + 1) * per_slice)
                    .ok_or_else(|| GpuError::Upload(format!("slice {k} is missing from the volume")))?;
                self.gl
                    .tex_sub_image_3d_with_opt_array_buffer_view(
                        Gl::TEXTURE_3D,
                        0,
                        0,
                        0,
                        k as i32,
                        c as i32,
                        r as i32,
                        1,
                        pixel_format,
                        pixel_type,
                        Some(&data),
                    )
                    .map_err(|e| GpuError::Upload(format!("texSubImage3D: {e:?}")))?;
                if let Some(flag) = state.uploaded.get_mut(k) {
                    *flag = true;
                }
            }
            let mask: Vec<u8> = state.uploaded.iter().map(|u| u8::from(*u)).collect();
            self.gl.delete_texture(Some(&state.filled_texture));
            state.filled_texture = textures::upload_mask(&self.gl, &mask, mask.len() as u32, 1)?;
            state.revision = volume.revision;
        }
        Ok(fit.note(&volume.grid))
    }

    /// The grid of the volume texture (to compute `PlaneSampling`), if one is uploaded.
    pub fn volume_grid(&self) -> Option<&Grid> {
        self.volume.as_ref().map(|v| &v.grid)
    }

    /// Draws the plane `sampling` describes through the uploaded volume with the display chain
    /// of `plan` (a plan for the plane: `gpu_plan::plan` of its `plane_image` header).
    pub fn draw_volume_plane(
        &mut self,
        view_matrix: [f32; 9],
        sampling: &PlaneSampling,
        plan: &GpuPlan,
    ) -> Result<(), GpuError> {
        self.alive()?;
        let state = self.volume.as_mut().ok_or(GpuError::PlanMismatch)?;
        if plan.texture != state.format || (plan.columns, plan.rows) != (sampling.columns, sampling.rows) {
            return Err(GpuError::PlanMismatch);
        }
        let (_, _, _, kind) = gl_kind(state.format);
        if self.plane_programs[kind.index()].is_none() {
            let source = shaders::fragment_with_source(&format!("{TRILINEAR}{PLANE_SOURCE}"), kind, ATLAS_WIDTH);
            let program = Program::with_fragment(&self.gl, &source)?;
            let locations =
                PLANE_UNIFORMS.iter().map(|name| self.gl.get_uniform_location(&program.program, name)).collect();
            self.plane_programs[kind.index()] = Some(PlaneProgram { program, locations });
        }
        if state.luts.as_ref().map(|(_, atlas)| atlas) != Some(&plan.luts) {
            if let Some((texture, _)) = state.luts.take() {
                self.gl.delete_texture(Some(&texture));
            }
            state.luts = Some((textures::upload_atlas(&self.gl, &plan.luts)?, plan.luts.clone()));
        }
        let plane = self.plane_programs[kind.index()].as_ref().ok_or(GpuError::Resource("program"))?;
        let gl = &self.gl;
        gl.viewport(0, 0, gl.drawing_buffer_width(), gl.drawing_buffer_height());
        gl.use_program(Some(&plane.program.program));
        gl.active_texture(Gl::TEXTURE1);
        gl.bind_texture(Gl::TEXTURE_2D, state.luts.as_ref().map(|(texture, _)| texture));
        gl.active_texture(Gl::TEXTURE2);
        gl.bind_texture(Gl::TEXTURE_2D, None);
        gl.active_texture(Gl::TEXTURE3);
        gl.bind_texture(Gl::TEXTURE_2D, None);
        gl.active_texture(Gl::TEXTURE4);
        gl.bind_texture(Gl::TEXTURE_2D, Some(&state.filled_texture));
        gl.active_texture(Gl::TEXTURE5);
        gl.bind_texture(Gl::TEXTURE_3D, Some(&state.texture));
        gl.active_texture(Gl::TEXTURE0);
        plane.program.set(gl, &view_matrix, &PlanUniforms::of(plan), None, false);
        let at = |index: usize| plane.locations.get(index).and_then(Option::as_ref);
        let v3 = |v: [f64; 3]| [v[0] as f32, v[1] as f32, v[2] as f32];
        gl.uniform1i(at(0), 4);
        gl.uniform2i(at(1), sampling.columns as i32, sampling.rows as i32);
        gl.uniform3fv_with_f32_array(at(2), &v3(sampling.base));
        gl.uniform3fv_with_f32_array(at(3), &v3(sampling.step_x));
        gl.uniform3fv_with_f32_array(at(4), &v3(sampling.step_y));
        gl.uniform3fv_with_f32_array(at(5), &v3(sampling.step_n));
        gl.uniform3f(
            at(6),
            sampling.first_offset_mm as f32,
            sampling.offset_step_mm as f32,
            sampling.offset_count as f32,
        );
        gl.uniform1i(at(7), sampling.mode_code());
        gl.uniform1f(at(8), sampling.padding as f32);
        let (low, high, round) = sampling.rounding.shader_range();
        gl.uniform3f(at(9), low, high, if round { 1.0 } else { 0.0 });
        // The 3-D texture on unit 5.
        gl.uniform1i(at(10), 5);
        gl.bind_vertex_array(Some(&self.vertex_array));
        gl.draw_arrays(Gl::TRIANGLE_STRIP, 0, 4);
        gl.bind_vertex_array(None);
        Ok(())
    }

    pub(super) fn release_volume(&mut self) {
        if let Some(state) = self.volume.take() {
            self.gl.delete_texture(Some(&state.texture));
            self.gl.delete_texture(Some(&state.filled_texture));
            if let Some((texture, _)) = state.luts {
                self.gl.delete_texture(Some(&texture));
            }
            if let Some((texture, _)) = state.transfer {
                self.gl.delete_texture(Some(&texture));
            }
        }
    }
}
