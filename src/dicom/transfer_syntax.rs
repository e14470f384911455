//! Transfer syntaxes this viewer decodes (PS3.5 §10 and Annex A) and the codec each needs.

/// How the Pixel Data of a transfer syntax is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Native (uncompressed) pixel data, PS3.5 §8.1.1.
    Native,
    /// RLE Lossless, PS3.5 Annex G.
    Rle,
    /// JPEG (ISO 10918-1) baseline, extended or lossless, PS3.5 §8.2.1.
    Jpeg,
    /// JPEG-LS (ISO 14495-1), PS3.5 §8.2.3.
    JpegLs,
    /// JPEG 2000 (ISO 15444-1) and High-Throughput JPEG 2000 (ISO 15444-15), PS3.5 §8.2.4, §8.2.14.
    Jpeg2000,
    /// JPEG XL (ISO 18181-1), PS3.5 §8.2.15.
    JpegXl,
    /// Encapsulated Uncompressed Explicit VR Little Endian, PS3.5 §A.4.11: each fragment is native data.
    EncapsulatedNative,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferSyntax {
    pub uid: String,
    pub name: &'static str,
    pub encoding: Encoding,
    /// Explicit VR Big Endian (retired): native multi-byte values are big endian.
    pub big_endian: bool,
}

impl TransferSyntax {
    /// Looks up a transfer syntax UID (trailing NUL/space padding removed).
    /// Returns None for syntaxes this viewer does not decode.
    pub fn from_uid(uid: &str) -> Option<TransferSyntax> {
        let uid = uid.trim_end_matches(['\0', ' ']);
        let (name, encoding, big_endian) = match uid {
            "1.2.840.10008.1.2" => ("Implicit VR Little Endian", Encoding::Native, false),
            "1.2.840.10008.1.2.1" => ("Explicit VR Little Endian", Encoding::Native, false),
            "1.2.840.10008.1.2.1.99" => ("Deflated Explicit VR Little Endian", Encoding::Native, false),
            "1.2.840.10008.1.2.2" => ("Explicit VR Big Endian", Encoding::Native, true),
            "1.2.840.10008.1.2.1.98" => ("Encapsulated Uncompressed", Encoding::EncapsulatedNative, false),
            "1.2.840.10008.1.2.5" => ("RLE Lossless", Encoding::Rle, false),
            "1.2.840.10008.1.2.4.50" => ("JPEG Baseline (Process 1)", Encoding::Jpeg, false),
            "1.2.840.10008.1.2.4.51" => ("JPEG Extended (Process 2 & 4)", Encoding::Jpeg, false),
            "1.2.840.10008.1.2.4.57" => ("JPEG Lossless (Process 14)", Encoding::Jpeg, false),
            "1.2.840.10008.1.2.4.70" => ("JPEG Lossless SV1 (Process 14)", Encoding::Jpeg, false),
            "1.2.840.10008.1.2.4.80" => ("JPEG-LS Lossless", Encoding::JpegLs, false),
            "1.2.840.10008.1.2.4.81" => ("JPEG-LS Near-Lossless", Encoding::JpegLs, false),
            "1.2.840.10008.1.2.4.90" => ("JPEG 2000 Lossless", Encoding::Jpeg2000, false),
            "1.2.840.10008.1.2.4.91" => ("JPEG 2000", Encoding::Jpeg2000, false),
            "1.2.840.10008.1.2.4.201" => ("HTJ2K Lossless", Encoding::Jpeg2000, false),
            "1.2.840.10008.1.2.4.202" => ("HTJ2K Lossless RPCL", Encoding::Jpeg2000, false),
            "1.2.840.10008.1.2.4.203" => ("HTJ2K", Encoding::Jpeg2000, false),
            "1.2.840.10008.1.2.4.110" => ("JPEG XL Lossless", Encoding::JpegXl, false),
            "1.2.840.10008.1.2.4.111" => ("JPEG XL JPEG Recompression", Encoding::JpegXl, false),
            "1.2.840.10008.1.2.4.112" => ("JPEG XL", Encoding::JpegXl, false),
            _ => return None,
        };
        Some(TransferSyntax { uid: uid.to_string(), name, encoding, big_endian })
    }

    pub fn implicit_vr_little_endian() -> TransferSyntax {
        TransferSyntax {
            uid: "1.2.840.10008.1.2".into(),
            name: "Implicit VR Little Endian",
            encoding: Encoding::Native,
            big_endian: false,
        }
    }

    pub fn is_encapsulated(&self) -> bool {
        self.encoding != Encoding::Native
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_padded_uids() {
        let ts = TransferSyntax::from_uid("1.2.840.10008.1.2.4.70\0").expect("known");
        assert_eq!(ts.encoding, Encoding::Jpeg);
        assert!(TransferSyntax::from_uid("1.2.840.10008.1.2.2").expect("known").big_endian);
        assert!(TransferSyntax::from_uid("1.2.3.4").is_none());
    }
}
