//! Response side of DICOMweb (PS3.18): DICOM JSON (Annex F.2) against hand-written fixtures,
//! corpus round trips and dcmtk's dcm2json; multipart/related splitting (RFC 2046 §5.1);
//! single frames wrapped as PS3.10 files and decoded like the original files.
//! Corpus tests read DICOM_CORPUS (default ../shared/dicom) and skip missing files.

#[path = "dicomweb_responses/corpus.rs"]
mod corpus;
#[path = "dicomweb_responses/frame_file.rs"]
mod frame_file;
#[path = "dicomweb_responses/json_corpus.rs"]
mod json_corpus;
#[path = "dicomweb_responses/json_model.rs"]
mod json_model;
#[path = "dicomweb_responses/multipart.rs"]
mod multipart;
#[path = "dicomweb_responses/qido_rows.rs"]
mod qido_rows;
