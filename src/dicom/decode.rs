//! Decoding one frame: frame bytes → codec → stored values → colour to RGB.

use std::borrow::Cow;

use super::image_info::SampleFormat;
use super::transfer_syntax::Encoding;
use super::{DicomImage, Frame};
use crate::codec::{self, rle, DecodedImage, Family};
use crate::error::DecodeError;
use crate::pipeline::{expand_422, from_float_bytes, interleave_planes, to_rgb_in_place, Photometric, PixelValues};

impl DicomImage {
    /// Decodes frame `frame` (0-based).
    pub fn decode_frame(&self, frame: u32) -> Result<Frame, DecodeError> {
        self.decode_with(frame, |encoding, bytes, count| self.decode_compressed(encoding, bytes, count))
    }

    /// Reads frame `frame` (0-based) when it needs no codec (native, encapsulated uncompressed
    /// or float Pixel Data): the page's UI module uses this and carries no codec (README
    /// "Modules and sizes"). A compressed frame is refused: the decode workers read those.
    pub fn decode_uncompressed_frame(&self, frame: u32) -> Result<Frame, DecodeError> {
        self.decode_with(frame, |_, _, _| {
            Err(DecodeError::Unsupported {
                feature: format!("{} frames outside the decoder module", self.transfer_syntax.name),
            })
        })
    }

    /// A compressed frame's bytes → stored values (PS3.5 8.2, Annex G for RLE).
    fn decode_compressed(
        &self,
        encoding: Encoding,
        bytes: &[u8],
        count: usize,
    ) -> Result<(PixelValues, Photometric), DecodeError> {
        let info = &self.info;
        if encoding == Encoding::Rle {
            // PS3.5 G: byte planes back to native samples, then read like native data.
            let geometry = self.rle_geometry();
            let values = if matches!(info.layout.bits_allocated, 8 | 16) {
                let decoded = rle::decode(bytes, geometry).map_err(|source| self.codec_error(source))?;
                if decoded.samples.len() < count {
                    return Err(DecodeError::PixelDataTooShort {
                        expected: count as u64,
                        actual: decoded.samples.len() as u64,
                    });
                }
                info.layout.from_native_samples(decoded.samples)
            } else {
                let native = rle::decode_native(bytes, geometry).map_err(|source| self.codec_error(source))?;
                info.layout.from_native(&native, count)?
            };
            return Ok((values, info.photometric));
        }
        let decoded = self.run_codec(encoding, bytes)?;
        self.check_decoded(&decoded)?;
        let photometric = if decoded.colour_transformed { Photometric::Rgb } else { info.photometric };
        Ok((info.layout.from_samples(decoded.samples), photometric))
    }

    /// Frame `frame` with `compressed` turning a compressed frame's bytes into stored values.
    fn decode_with<F>(&self, frame: u32, compressed: F) -> Result<Frame, DecodeError>
    where
        F: Fn(Encoding, &[u8], usize) -> Result<(PixelValues, Photometric), DecodeError>,
    {
        let info = &self.info;
        if frame >= info.number_of_frames {
            return Err(DecodeError::FrameOutOfRange { frame, frames: info.number_of_frames });
        }
        let count = usize::try_from(info.samples_per_frame())
            .map_err(|_| DecodeError::TooLarge { bytes: info.samples_per_frame(), limit: super::MAX_FRAME_BYTES })?;
        let (pixels, mut photometric) = match (info.sample_format, self.transfer_syntax.encoding) {
            (SampleFormat::Float32 | SampleFormat::Float64, _) => {
                let double = info.sample_format == SampleFormat::Float64;
                let bytes = self.native_frame_bytes(frame)?;
                (from_float_bytes(&bytes, count, double)?, info.photometric)
            }
            (_, Encoding::Native) => {
                let bytes = self.native_frame_bytes(frame)?;
                self.native_values(&bytes, count)?
            }
            (_, Encoding::EncapsulatedNative) => {
                let bytes = self.encapsulated_frame(frame)?;
                self.native_values(&bytes, count)?
            }
            (_, encoding) => {
                let bytes = self.encapsulated_frame(frame)?;
                compressed(encoding, &bytes[..], count)?
            }
        };
        let pixels = if info.samples_per_pixel == 3 && photometric != Photometric::Rgb {
            let converted = convert_to_rgb(pixels, photometric, info.layout.bits_stored);
            photometric = Photometric::Rgb;
            converted
        } else {
            pixels
        };
        Ok(Frame {
            rows: info.rows,
            columns: info.columns,
            samples_per_pixel: info.samples_per_pixel,
            bits_allocated: info.layout.bits_allocated,
            bits_stored: info.layout.bits_stored,
            pixel_representation: u16::from(info.layout.signed),
            photometric,
            pixels,
            embedded_overlays: self.embedded_overlays(frame).unwrap_or_default(),
        })
    }

    /// Native samples → stored values, planar and 4:2:2 layouts made interleaved per pixel.
    fn native_values(&self, bytes: &[u8], count: usize) -> Result<(PixelValues, Photometric), DecodeError> {
        let info = &self.info;
        let subsampled = matches!(info.photometric, Photometric::YbrFull422 | Photometric::YbrPartial422);
        if subsampled {
            // C.7.6.3.1.2: two pixels share Cb and Cr: 2 samples per pixel on average.
            let pairs = (info.columns as usize).div_ceil(2) * info.rows as usize;
            let values = info.layout.from_native(bytes, pairs * 4)?;
            let (columns, rows) = (info.columns as usize, info.rows as usize);
            let expanded = match values {
                PixelValues::U8(v) => PixelValues::U8(expand_422(&v, columns, rows)),
                PixelValues::U16(v) => PixelValues::U16(expand_422(&v, columns, rows)),
                other => other,
            };
            return Ok((expanded, info.photometric));
        }
        let values = info.layout.from_native(bytes, count)?;
        let values = if info.samples_per_pixel == 3 && info.planar_configuration == 1 {
            let pixels = count / 3;
            match values {
                PixelValues::U8(v) => PixelValues::U8(interleave_planes(&v, pixels)),
                PixelValues::U16(v) => PixelValues::U16(interleave_planes(&v, pixels)),
                PixelValues::I16(v) => PixelValues::I16(interleave_planes(&v, pixels)),
                PixelValues::U32(v) => PixelValues::U32(interleave_planes(&v, pixels)),
                PixelValues::I32(v) => PixelValues::I32(interleave_planes(&v, pixels)),
                other => other,
            }
        } else {
            values
        };
        Ok((values, info.photometric))
    }

    fn rle_geometry(&self) -> rle::RleGeometry {
        let info = &self.info;
        rle::RleGeometry {
            rows: info.rows,
            columns: info.columns,
            samples_per_pixel: info.samples_per_pixel,
            bits_allocated: info.layout.bits_allocated,
        }
    }

    fn codec_error(&self, source: codec::CodecError) -> DecodeError {
        DecodeError::Codec { transfer_syntax: self.transfer_syntax.name.to_string(), source }
    }

    fn run_codec(&self, encoding: Encoding, bytes: &[u8]) -> Result<DecodedImage, DecodeError> {
        let wrap = |source| self.codec_error(source);
        match encoding {
            Encoding::Rle => rle::decode(bytes, self.rle_geometry()).map_err(wrap),
            Encoding::Jpeg => codec::decode_family(Family::Jpeg, bytes).map_err(wrap),
            Encoding::JpegLs => codec::decode_family(Family::JpegLs, bytes).map_err(wrap),
            Encoding::Jpeg2000 => codec::decode_family(Family::Jpeg2000, bytes).map_err(wrap),
            Encoding::JpegXl => codec::decode_family(Family::JpegXl, bytes).map_err(wrap),
            Encoding::Native | Encoding::EncapsulatedNative => {
                Err(DecodeError::Unsupported { feature: "native pixel data passed to a codec".into() })
            }
        }
    }

    /// The codec's image must have the header's size and number of samples.
    fn check_decoded(&self, decoded: &DecodedImage) -> Result<(), DecodeError> {
        let info = &self.info;
        if decoded.width != info.columns || decoded.height != info.rows {
            return Err(DecodeError::Mismatch {
                reason: format!(
                    "the codestream is {}×{} but Rows×Columns say {}×{}",
                    decoded.width, decoded.height, info.columns, info.rows
                ),
            });
        }
        if decoded.components != info.samples_per_pixel {
            return Err(DecodeError::Mismatch {
                reason: format!(
                    "the codestream has {} components but Samples per Pixel is {}",
                    decoded.components, info.samples_per_pixel
                ),
            });
        }
        Ok(())
    }

    pub(super) fn native_frame_bytes(&self, frame: u32) -> Result<Cow<'_, [u8]>, DecodeError> {
        let info = &self.info;
        let data = self.pixel_bytes()?;
        let bits = info.layout.bits_allocated;
        let samples = if matches!(info.photometric, Photometric::YbrFull422 | Photometric::YbrPartial422) {
            u64::from(info.columns).div_ceil(2) * 4 * u64::from(info.rows)
        } else {
            info.samples_per_frame()
        };
        // Explicit VR Big Endian: dicom-rs reads Pixel Data (OW) as 16-bit words and hands
        // them back little endian, so 32-bit samples, which dcmtk writes as pairs of
        // big-endian 16-bit words (low word first), arrive already little endian.
        Ok(match data {
            Cow::Borrowed(data) => super::frames::native_frame(data, frame, samples, bits)?,
            Cow::Owned(data) => Cow::Owned(super::frames::native_frame(&data, frame, samples, bits)?.into_owned()),
        })
    }
}

fn convert_to_rgb(pixels: PixelValues, photometric: Photometric, bits_stored: u16) -> PixelValues {
    match pixels {
        PixelValues::U8(mut v) => {
            to_rgb_in_place(&mut v, photometric, bits_stored.min(8));
            PixelValues::U8(v)
        }
        PixelValues::U16(mut v) => {
            to_rgb_in_place(&mut v, photometric, bits_stored);
            PixelValues::U16(v)
        }
        other => other,
    }
}
