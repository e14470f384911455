//! Texture uploads: the stored values at their own width in an integer (or float) texture read
//! with NEAREST sampling, and the plan's lookup-table atlas as R16UI.

use js_sys::{Float32Array, Int16Array, Int32Array, Object, Uint16Array, Uint32Array, Uint8Array};
use web_sys::{WebGl2RenderingContext as Gl, WebGlTexture};

use super::shaders::SamplerKind;
use super::GpuError;
use crate::pipeline::gpu_plan::{LutAtlas, SampleType, TextureFormat, ATLAS_WIDTH};
use crate::pipeline::PixelValues;

/// WebGL2 internal format, format and type of a texture format (ES 3.0 table 3.2), and the
/// sampler that reads it.
pub fn gl_format(format: TextureFormat) -> (u32, u32, u32, SamplerKind) {
    let rgb = format.channels == 3;
    let integer_format = if rgb { Gl::RGB_INTEGER } else { Gl::RED_INTEGER };
    let pick = |single: u32, triple: u32| if rgb { triple } else { single };
    match format.sample {
        SampleType::U8 => (pick(Gl::R8UI, Gl::RGB8UI), integer_format, Gl::UNSIGNED_BYTE, SamplerKind::Unsigned),
        SampleType::U16 => (pick(Gl::R16UI, Gl::RGB16UI), integer_format, Gl::UNSIGNED_SHORT, SamplerKind::Unsigned),
        SampleType::I16 => (pick(Gl::R16I, Gl::RGB16I), integer_format, Gl::SHORT, SamplerKind::Signed),
        SampleType::U32 => (pick(Gl::R32UI, Gl::RGB32UI), integer_format, Gl::UNSIGNED_INT, SamplerKind::Unsigned),
        SampleType::I32 => (pick(Gl::R32I, Gl::RGB32I), integer_format, Gl::INT, SamplerKind::Signed),
        SampleType::F32 => (pick(Gl::R32F, Gl::RGB32F), pick(Gl::RED, Gl::RGB), Gl::FLOAT, SamplerKind::Float),
    }
}

/// Calls `use_array` with the values as the typed array WebGL2 requires for the texture's type,
/// as a view of the wasm memory (no copy into JS: texImage2D's own copy is the only one).
fn with_typed_array<R>(values: &PixelValues, use_array: impl FnOnce(&Object) -> R) -> R {
    // SAFETY: a view is invalidated when the wasm memory grows; nothing allocates between making
    // the view and `use_array` handing it to WebGL, which copies it before returning, and the
    // view is dropped before this function returns.
    unsafe {
        match values {
            PixelValues::U8(v) => use_array(&Uint8Array::view(v).into()),
            PixelValues::U16(v) => use_array(&Uint16Array::view(v).into()),
            PixelValues::I16(v) => use_array(&Int16Array::view(v).into()),
            PixelValues::U32(v) => use_array(&Uint32Array::view(v).into()),
            PixelValues::I32(v) => use_array(&Int32Array::view(v).into()),
            PixelValues::F32(v) => use_array(&Float32Array::view(v).into()),
            PixelValues::F64(v) => {
                let narrowed: Vec<f32> = v.iter().map(|x| *x as f32).collect();
                use_array(&Float32Array::view(&narrowed).into())
            }
        }
    }
}

fn new_texture(gl: &Gl) -> Result<WebGlTexture, GpuError> {
    let texture = gl.create_texture().ok_or(GpuError::Resource("texture"))?;
    gl.bind_texture(Gl::TEXTURE_2D, Some(&texture));
    for (parameter, value) in [
        (Gl::TEXTURE_MIN_FILTER, Gl::NEAREST),
        (Gl::TEXTURE_MAG_FILTER, Gl::NEAREST),
        (Gl::TEXTURE_WRAP_S, Gl::CLAMP_TO_EDGE),
        (Gl::TEXTURE_WRAP_T, Gl::CLAMP_TO_EDGE),
    ] {
        gl.tex_parameteri(Gl::TEXTURE_2D, parameter, value as i32);
    }
    Ok(texture)
}

fn upload(
    gl: &Gl,
    texture: WebGlTexture,
    size: (u32, u32),
    format: (u32, u32, u32),
    data: &Object,
) -> Result<WebGlTexture, GpuError> {
    let (internal, pixel_format, pixel_type) = format;
    gl.pixel_storei(Gl::UNPACK_ALIGNMENT, 1);
    gl.tex_image_2d_with_i32_and_i32_and_i32_and_format_and_type_and_opt_array_buffer_view(
        Gl::TEXTURE_2D,
        0,
        internal as i32,
        size.0 as i32,
        size.1 as i32,
        0,
        pixel_format,
        pixel_type,
        Some(data),
    )
    .map_err(|e| GpuError::Upload(format!("{e:?}")))?;
    // Sizes and formats are checked before the call; getError would stall on the GPU.
    Ok(texture)
}

/// Uploads the stored values of a `columns × rows` frame; `max_size` is MAX_TEXTURE_SIZE.
pub fn upload_image(
    gl: &Gl,
    values: &PixelValues,
    format: TextureFormat,
    columns: u32,
    rows: u32,
    max_size: u32,
) -> Result<WebGlTexture, GpuError> {
    if columns == 0 || rows == 0 || columns > max_size || rows > max_size {
        return Err(GpuError::TooLarge { columns, rows, max_size });
    }
    let expected = u64::from(columns) * u64::from(rows) * u64::from(format.channels);
    if values.len() as u64 != expected {
        return Err(GpuError::Upload(format!(
            "the frame has {} samples, {columns} × {rows} × {} expected",
            values.len(),
            format.channels
        )));
    }
    let (internal, pixel_format, pixel_type, _) = gl_format(format);
    let texture = new_texture(gl)?;
    with_typed_array(values, |data| upload(gl, texture, (columns, rows), (internal, pixel_format, pixel_type), data))
}

/// Uploads the lookup-table atlas (ATLAS_WIDTH × rows, R16UI).
pub fn upload_atlas(gl: &Gl, atlas: &LutAtlas) -> Result<WebGlTexture, GpuError> {
    let texture = new_texture(gl)?;
    let data: Object = Uint16Array::from(atlas.texels.as_slice()).into();
    upload(gl, texture, (ATLAS_WIDTH, atlas.rows()), (Gl::R16UI, Gl::RED_INTEGER, Gl::UNSIGNED_SHORT), &data)
}

/// Uploads an overlay mask (one byte per image pixel, R8UI).
/// An RGBA layer (src/viewer/layers.rs) as an RGBA8UI texture read with texelFetch.
pub fn upload_rgba(gl: &Gl, rgba: &[u8], columns: u32, rows: u32) -> Result<WebGlTexture, GpuError> {
    if rgba.len() as u64 != u64::from(columns) * u64::from(rows) * 4 {
        return Err(GpuError::Upload(format!("the layer has {} bytes, {columns} × {rows} × 4 expected", rgba.len())));
    }
    let texture = new_texture(gl)?;
    let data: Object = Uint8Array::from(rgba).into();
    upload(gl, texture, (columns, rows), (Gl::RGBA8UI, Gl::RGBA_INTEGER, Gl::UNSIGNED_BYTE), &data)
}

pub fn upload_mask(gl: &Gl, covered: &[u8], columns: u32, rows: u32) -> Result<WebGlTexture, GpuError> {
    if covered.len() as u64 != u64::from(columns) * u64::from(rows) {
        return Err(GpuError::Upload(format!(
            "the overlay mask has {} pixels, {columns} × {rows} expected",
            covered.len()
        )));
    }
    let texture = new_texture(gl)?;
    let data: Object = Uint8Array::from(covered).into();
    upload(gl, texture, (columns, rows), (Gl::R8UI, Gl::RED_INTEGER, Gl::UNSIGNED_BYTE), &data)
}
