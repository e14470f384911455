//! The display program for one sampler kind: compiled, linked, its uniform locations, and the
//! uniform values a `GpuPlan` turns into (the only thing a window change touches).

use web_sys::{WebGl2RenderingContext as Gl, WebGlProgram, WebGlShader, WebGlUniformLocation};

use super::shaders::{self, SamplerKind};
use super::GpuError;
use crate::pipeline::gpu_plan::{GpuDisplay, GpuModality, GpuPlan, GpuVoi, LutSlot, ATLAS_WIDTH};
use crate::pipeline::VoiLutFunction;

/// Attribute location of the quad's corners.
pub const POSITION: u32 = 0;

/// Uniform values of a plan (see the fragment shader in shaders.rs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanUniforms {
    display: i32,
    modality_table: i32,
    rescale: [f32; 2],
    voi_function: i32,
    window: [f32; 2],
    invert: i32,
    rgb_max: f32,
    slots: [i32; 9],
    slot_max: [f32; 3],
}

impl PlanUniforms {
    pub fn of(plan: &GpuPlan) -> PlanUniforms {
        let mut slots = [0, 1, 0, 0, 1, 0, 0, 1, 0];
        let mut slot_max = [1.0; 3];
        let mut slot = |index: usize, lut: LutSlot| {
            slots[index * 3..index * 3 + 3].copy_from_slice(&[lut.offset as i32, lut.length as i32, lut.first_mapped]);
            slot_max[index] = lut.max_output;
        };
        let mut uniforms = PlanUniforms {
            display: 0,
            modality_table: 0,
            rescale: [1.0, 0.0],
            voi_function: 0,
            window: [0.0, 1.0],
            invert: 0,
            rgb_max: 255.0,
            slots: [0; 9],
            slot_max: [1.0; 3],
        };
        match plan.display {
            GpuDisplay::Grey { modality, voi, invert } => {
                match modality {
                    GpuModality::Rescale { slope, intercept } => uniforms.rescale = [slope, intercept],
                    GpuModality::Table(lut) => {
                        uniforms.modality_table = 1;
                        slot(0, lut);
                    }
                }
                match voi {
                    GpuVoi::Window { center, width, function } => {
                        uniforms.window = [center, width];
                        uniforms.voi_function = match function {
                            VoiLutFunction::Linear => 0,
                            VoiLutFunction::LinearExact => 1,
                            VoiLutFunction::Sigmoid => 2,
                        };
                    }
                    GpuVoi::Table(lut) => {
                        uniforms.voi_function = 3;
                        slot(1, lut);
                    }
                }
                uniforms.invert = i32::from(invert);
            }
            GpuDisplay::Palette { red, green, blue } => {
                uniforms.display = 1;
                slot(0, red);
                slot(1, green);
                slot(2, blue);
            }
            GpuDisplay::Rgb { max_value } => {
                uniforms.display = 2;
                uniforms.rgb_max = max_value;
            }
        }
        PlanUniforms { slots, slot_max, ..uniforms }
    }
}

/// A linked display program and where its uniforms are.
pub struct Program {
    pub program: WebGlProgram,
    locations: Vec<Option<WebGlUniformLocation>>,
}

const UNIFORMS: [&str; 17] = [
    "u_view",
    "u_image",
    "u_luts",
    "u_display",
    "u_modality_table",
    "u_rescale",
    "u_voi_function",
    "u_window",
    "u_invert",
    "u_rgb_max",
    "u_slots",
    "u_slot_max",
    "u_overlay",
    "u_overlay_on",
    "u_overlay_color",
    "u_layer",
    "u_layer_on",
];

pub(super) fn compile(gl: &Gl, kind: u32, source: &str) -> Result<WebGlShader, GpuError> {
    let shader = gl.create_shader(kind).ok_or(GpuError::Resource("shader"))?;
    gl.shader_source(&shader, source);
    gl.compile_shader(&shader);
    if gl.get_shader_parameter(&shader, Gl::COMPILE_STATUS).as_bool() == Some(true) {
        Ok(shader)
    } else {
        let log = gl.get_shader_info_log(&shader).unwrap_or_default();
        gl.delete_shader(Some(&shader));
        Err(GpuError::Shader(log))
    }
}

impl Program {
    pub fn new(gl: &Gl, kind: SamplerKind) -> Result<Program, GpuError> {
        Program::with_fragment(gl, &shaders::fragment(kind, ATLAS_WIDTH))
    }

    /// The display program with another fragment shader built by `shaders::fragment_with_source`.
    pub fn with_fragment(gl: &Gl, fragment_source: &str) -> Result<Program, GpuError> {
        let vertex = compile(gl, Gl::VERTEX_SHADER, shaders::VERTEX)?;
        let fragment = compile(gl, Gl::FRAGMENT_SHADER, fragment_source)?;
        let program = gl.create_program().ok_or(GpuError::Resource("program"))?;
        gl.attach_shader(&program, &vertex);
        gl.attach_shader(&program, &fragment);
        gl.bind_attrib_location(&program, POSITION, "a_position");
        gl.link_program(&program);
        gl.delete_shader(Some(&vertex));
        gl.delete_shader(Some(&fragment));
        if gl.get_program_parameter(&program, Gl::LINK_STATUS).as_bool() != Some(true) {
            let log = gl.get_program_info_log(&program).unwrap_or_default();
            gl.delete_program(Some(&program));
            return Err(GpuError::Shader(log));
        }
        let locations = UNIFORMS.iter().map(|name| gl.get_uniform_location(&program, name)).collect();
        Ok(Program { program, locations })
    }

    fn at(&self, index: usize) -> Option<&WebGlUniformLocation> {
        self.locations.get(index).and_then(Option::as_ref)
    }

    /// Sets every uniform; the program must be in use. Texture units: image 0, atlas 1,
    /// overlay mask 2 (`overlay`: its colour, 0..255, when one is bound), derived-object
    /// layer 3 (`layer`: whether one is bound).
    pub fn set(&self, gl: &Gl, view: &[f32; 9], u: &PlanUniforms, overlay: Option<[f32; 3]>, layer: bool) {
        gl.uniform_matrix3fv_with_f32_array(self.at(0), false, view);
        gl.uniform1i(self.at(1), 0);
        gl.uniform1i(self.at(2), 1);
        gl.uniform1i(self.at(3), u.display);
        gl.uniform1i(self.at(4), u.modality_table);
        gl.uniform2f(self.at(5), u.rescale[0], u.rescale[1]);
        gl.uniform1i(self.at(6), u.voi_function);
        gl.uniform2f(self.at(7), u.window[0], u.window[1]);
        gl.uniform1i(self.at(8), u.invert);
        gl.uniform1f(self.at(9), u.rgb_max);
        gl.uniform3iv_with_i32_array(self.at(10), &u.slots);
        gl.uniform1fv_with_f32_array(self.at(11), &u.slot_max);
        gl.uniform1i(self.at(12), 2);
        gl.uniform1i(self.at(13), i32::from(overlay.is_some()));
        let [red, green, blue] = overlay.unwrap_or_default();
        gl.uniform3f(self.at(14), red, green, blue);
        gl.uniform1i(self.at(15), 3);
        gl.uniform1i(self.at(16), i32::from(layer));
    }
}
