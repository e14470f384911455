//! GLSL ES 3.00 sources. The fragment shader is the display chain of a `GpuPlan`
//! (src/pipeline/gpu_plan.rs); `gpu_plan::reference_pixel` is the same arithmetic on the CPU,
//! operation for operation — change both together.

/// A full-canvas quad; `u_view` maps clip space (y up) to texture coordinates (v = 0 at the
/// first stored row).
pub const VERTEX: &str = r#"#version 300 es
in vec2 a_position;
uniform mat3 u_view;
out vec2 v_texcoord;
void main() {
  v_texcoord = (u_view * vec3(a_position, 1.0)).xy;
  gl_Position = vec4(a_position, 0.0, 1.0);
}
"#;

const FRAGMENT: &str = r#"#version 300 es
precision highp float;
precision highp int;
SOURCE
uniform highp usampler2D u_luts;
// 0 grey, 1 palette, 2 RGB.
uniform int u_display;
// Grey: 0 rescale (u_rescale = slope, intercept), 1 Modality LUT in slot 0.
uniform int u_modality_table;
uniform vec2 u_rescale;
// 0 LINEAR, 1 LINEAR_EXACT, 2 SIGMOID (u_window = center, width), 3 VOI LUT in slot 1.
uniform int u_voi_function;
uniform vec2 u_window;
uniform int u_invert;
uniform float u_rgb_max;
// Tables in the atlas: (offset, length, first mapped) and 2^bits - 1. Grey: modality, VOI;
// palette: red, green, blue.
uniform ivec3 u_slots[3];
uniform float u_slot_max[3];
// Overlay planes (PS3.3 C.9.2): an R8UI mask of the image's size, non-zero where covered, drawn
// in u_overlay_color (0..255) when u_overlay_on is 1 (src/dicom/overlay.rs composite_overlay).
uniform highp usampler2D u_overlay;
uniform int u_overlay_on;
uniform vec3 u_overlay_color;
// Derived-object layers (src/viewer/layers.rs): an RGBA8UI image of the frame's size with
// straight alpha, blended under the overlay planes when u_layer_on is 1 (composite_layer).
uniform highp usampler2D u_layer;
uniform int u_layer_on;
in vec2 v_texcoord;
out vec4 out_color;

float lut(int slot, float x) {
  ivec3 s = u_slots[slot];
  float index = clamp(floor(x) - float(s.z), 0.0, float(s.y - 1));
  int texel = s.x + int(index);
  return float(texelFetch(u_luts, ivec2(texel % ATLAS_WIDTH, texel / ATLAS_WIDTH), 0).r);
}

float to_byte(float value) {
  return clamp(floor(value + 0.5), 0.0, 255.0);
}

float voi(float x) {
  if (u_voi_function == 3) {
    return lut(1, x) / u_slot_max[1];
  }
  float center = u_window.x;
  float width = u_window.y;
  if (u_voi_function == 0) {
    width = max(width, 1.0);
    if (x <= center - 0.5 - (width - 1.0) / 2.0) {
      return 0.0;
    } else if (x > center - 0.5 + (width - 1.0) / 2.0 || width <= 1.0) {
      return 1.0;
    }
    return clamp((x - (center - 0.5)) / (width - 1.0) + 0.5, 0.0, 1.0);
  }
  width = max(width, 1.17549435e-38);
  if (u_voi_function == 1) {
    if (x <= center - width / 2.0) {
      return 0.0;
    } else if (x > center + width / 2.0) {
      return 1.0;
    }
    return clamp((x - center) / width + 0.5, 0.0, 1.0);
  }
  return 1.0 / (1.0 + exp(-4.0 * (x - center) / width));
}

void main() {
  ivec2 size = image_size();
  vec2 position = floor(v_texcoord * vec2(size));
  if (v_texcoord.x < 0.0 || v_texcoord.y < 0.0 || position.x >= float(size.x) || position.y >= float(size.y)) {
    out_color = vec4(0.0, 0.0, 0.0, 1.0);
    return;
  }
  vec3 texel = stored_texel(ivec2(position));
  vec3 rgb;
  if (u_display == 2) {
    rgb = vec3(to_byte(texel.r * 255.0 / u_rgb_max), to_byte(texel.g * 255.0 / u_rgb_max),
               to_byte(texel.b * 255.0 / u_rgb_max));
  } else if (u_display == 1) {
    rgb = vec3(to_byte(lut(0, texel.r) * 255.0 / u_slot_max[0]), to_byte(lut(1, texel.r) * 255.0 / u_slot_max[1]),
               to_byte(lut(2, texel.r) * 255.0 / u_slot_max[2]));
  } else {
    float modality = u_modality_table == 1 ? lut(0, texel.r) : texel.r * u_rescale.x + u_rescale.y;
    float intensity = voi(modality);
    if (u_invert == 1) {
      intensity = 1.0 - intensity;
    }
    rgb = vec3(to_byte(intensity * 255.0));
  }
  if (u_layer_on == 1) {
    uvec4 layer = texelFetch(u_layer, ivec2(position), 0);
    if (layer.a != 0u) {
      float a = float(layer.a) / 255.0;
      rgb = clamp(floor(rgb * (1.0 - a) + vec3(layer.rgb) * a + 0.5), 0.0, 255.0);
    }
  }
  if (u_overlay_on == 1 && texelFetch(u_overlay, ivec2(position), 0).r != 0u) {
    rgb = u_overlay_color;
  }
  out_color = vec4(rgb / 255.0, 1.0);
}
"#;

/// Which GLSL sampler reads the stored values: integer textures must be read by the matching
/// integer sampler (GLSL ES 3.00 §8.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SamplerKind {
    Unsigned,
    Signed,
    Float,
}

impl SamplerKind {
    pub fn index(self) -> usize {
        match self {
            SamplerKind::Unsigned => 0,
            SamplerKind::Signed => 1,
            SamplerKind::Float => 2,
        }
    }

    fn glsl(self) -> &'static str {
        match self {
            SamplerKind::Unsigned => "usampler2D",
            SamplerKind::Signed => "isampler2D",
            SamplerKind::Float => "sampler2D",
        }
    }

    fn glsl_3d(self) -> &'static str {
        match self {
            SamplerKind::Unsigned => "usampler3D",
            SamplerKind::Signed => "isampler3D",
            SamplerKind::Float => "sampler3D",
        }
    }
}

/// Where the display chain's stored values come from: a 2-D texture of the frame.
const FRAME_SOURCE: &str = r#"uniform highp SAMPLER u_image;
ivec2 image_size() {
  return textureSize(u_image, 0);
}
vec3 stored_texel(ivec2 position) {
  return vec3(texelFetch(u_image, position, 0).rgb);
}"#;

/// The GLSL 3-D sampler type reading textures of `kind`.
pub fn glsl_3d(kind: SamplerKind) -> &'static str {
    kind.glsl_3d()
}

/// The fragment shader for stored values read through `kind`.
pub fn fragment(kind: SamplerKind, atlas_width: u32) -> String {
    fragment_with_source(FRAME_SOURCE, kind, atlas_width)
}

/// The display chain with `source` defining `ivec2 image_size()` and `vec3 stored_texel(ivec2)`
/// (the stored value of a pixel; SAMPLER/SAMPLER3D stand for the sampler types of `kind`), so
/// reformatted planes (src/web/gpu/volume.rs) reuse the same chain.
pub fn fragment_with_source(source: &str, kind: SamplerKind, atlas_width: u32) -> String {
    FRAGMENT
        .replace("SOURCE", source)
        .replace("SAMPLER3D", kind.glsl_3d())
        .replace("SAMPLER", kind.glsl())
        .replace("ATLAS_WIDTH", &atlas_width.to_string())
}
