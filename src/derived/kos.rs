//! Key Object Selection documents (PS3.3 C.17.6; TID 2010 Key Object Selection).
//! (Foundation skeleton: the helper owning this module replaces it.)

use dicom_object::InMemDicomObject;

use super::{DerivedError, References};

#[derive(Debug)]
pub struct KeyObjects {}

impl KeyObjects {
    pub fn parse(_dataset: &InMemDicomObject) -> Result<KeyObjects, DerivedError> {
        Err(DerivedError::Unsupported { feature: "KeyObjects".into() })
    }

    pub fn references(&self) -> References {
        References::default()
    }
}
