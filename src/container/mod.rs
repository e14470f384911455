//! What users drop on the page besides single DICOM files: ZIP archives, DICOMDIR media
//! directories (PS3.10 §8, PS3.3 F.5), and the test that tells DICOM bytes from other files.

pub mod dicomdir;
pub mod sniff;
pub mod zip;

pub use zip::{read_zip, read_zip_with, ZipContents, ZipEntry, ZipError, ZipLimits, ZipStream};
