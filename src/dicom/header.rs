//! Header-only parsing: the data set up to, not including, the first pixel data element
//! (PS3.5 §7.1 element ordering: Float Pixel Data (7FE0,0008), Double Float Pixel Data
//! (7FE0,0009) and Pixel Data (7FE0,0010) follow every other root attribute), so that listing
//! a study never copies its pixels.

use dicom_core::header::{DataElementHeader, Length};
use dicom_core::value::{DataSetSequence, PixelFragmentSequence, Value};
use dicom_core::{DataElement, Tag, VR};
use dicom_encoding::transfer_syntax::{Codec, TransferSyntaxIndex};
use dicom_object::meta::FileMetaTable;
use dicom_object::InMemDicomObject;
use dicom_parser::dataset::{DataSetReader, DataToken};
use dicom_parser::StatefulDecode;
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

use super::{DataLayout, DOUBLE_FLOAT_PIXEL_DATA, FLOAT_PIXEL_DATA, PIXEL_DATA};
use crate::error::DecodeError;

/// Deepest sequence nesting accepted (real objects nest a handful of levels).
const MAX_DEPTH: usize = 64;

/// The attributes before the pixel data, and which pixel data element stopped the read.
pub(crate) struct Header {
    pub dataset: InMemDicomObject,
    pub transfer_syntax_uid: String,
    /// (7FE0,0008), (7FE0,0009) or (7FE0,0010) when the object has pixel data.
    pub pixel_tag: Option<Tag>,
}

fn parse_error(reason: impl std::fmt::Display) -> DecodeError {
    DecodeError::Parse { reason: reason.to_string() }
}

fn is_pixel_tag(tag: Tag) -> bool {
    tag == PIXEL_DATA || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_FLOAT_PIXEL_DATA
}

/// Reads the header of a PS3.10 file (with or without preamble) or of a bare data set.
pub(crate) fn read_header(bytes: &[u8]) -> Result<Header, DecodeError> {
    let (mut rest, uid) = match DataLayout::detect(bytes)? {
        DataLayout::File { meta_start } => {
            let mut rest = bytes.get(meta_start..).unwrap_or_default();
            let meta = FileMetaTable::from_reader(&mut rest).map_err(parse_error)?;
            (rest, meta.transfer_syntax().to_string())
        }
        DataLayout::Bare { transfer_syntax_uid } => (bytes, transfer_syntax_uid.to_string()),
    };
    let ts =
        TransferSyntaxRegistry.get(&uid).ok_or_else(|| DecodeError::UnsupportedTransferSyntax { uid: uid.clone() })?;
    let (dataset, pixel_tag) = match ts.codec() {
        Codec::Dataset(Some(adapter)) => {
            let reader = adapter.adapt_reader(Box::new(&mut rest));
            read_root(DataSetReader::new_with_ts(reader, ts).map_err(parse_error)?)?
        }
        Codec::Dataset(None) => return Err(DecodeError::UnsupportedTransferSyntax { uid }),
        _ => read_root(DataSetReader::new_with_ts(rest, ts).map_err(parse_error)?)?,
    };
    Ok(Header { dataset, transfer_syntax_uid: uid, pixel_tag })
}

/// Builds the root data set, stopping at the first pixel data element.
fn read_root<S: StatefulDecode>(mut tokens: DataSetReader<S>) -> Result<(InMemDicomObject, Option<Tag>), DecodeError> {
    let mut elements = Vec::new();
    while let Some(token) = tokens.next() {
        let pixel_tag = match token.map_err(parse_error)? {
            DataToken::PixelSequenceStart => Some(PIXEL_DATA),
            DataToken::ElementHeader(header) if is_pixel_tag(header.tag) => Some(header.tag),
            DataToken::SequenceStart { tag, .. } if is_pixel_tag(tag) => Some(tag),
            token => {
                elements.push(read_element(token, &mut tokens, 0)?);
                None
            }
        };
        if pixel_tag.is_some() {
            return Ok((InMemDicomObject::from_element_iter(elements), pixel_tag));
        }
    }
    Ok((InMemDicomObject::from_element_iter(elements), None))
}

type Element = DataElement<InMemDicomObject>;

/// One element starting with `token` (a header, a sequence or encapsulated pixel data).
fn read_element<S: StatefulDecode>(
    token: DataToken,
    tokens: &mut DataSetReader<S>,
    depth: usize,
) -> Result<Element, DecodeError> {
    match token {
        DataToken::ElementHeader(DataElementHeader { tag, vr, len }) => match next(tokens)? {
            DataToken::PrimitiveValue(value) => Ok(DataElement::new_with_len(tag, vr, len, Value::Primitive(value))),
            other => Err(parse_error(format!("expected the value of {tag}, found {other:?}"))),
        },
        DataToken::SequenceStart { tag, len } => {
            if depth >= MAX_DEPTH {
                return Err(parse_error(format!("sequences nested deeper than {MAX_DEPTH} levels")));
            }
            let items = read_items(tokens, depth + 1)?;
            Ok(DataElement::new_with_len(tag, VR::SQ, len, Value::Sequence(DataSetSequence::new(items, len))))
        }
        DataToken::PixelSequenceStart => read_fragments(tokens),
        other => Err(parse_error(format!("unexpected {other:?} in a data set"))),
    }
}

fn next<S: StatefulDecode>(tokens: &mut DataSetReader<S>) -> Result<DataToken, DecodeError> {
    tokens.next().ok_or_else(|| parse_error("the data set ends inside an element"))?.map_err(parse_error)
}

/// Items of a sequence, up to its end.
fn read_items<S: StatefulDecode>(
    tokens: &mut DataSetReader<S>,
    depth: usize,
) -> Result<Vec<InMemDicomObject>, DecodeError> {
    let mut items = Vec::new();
    loop {
        match next(tokens)? {
            DataToken::ItemStart { .. } => {
                let mut elements = Vec::new();
                loop {
                    match next(tokens)? {
                        DataToken::ItemEnd => break,
                        token => elements.push(read_element(token, tokens, depth)?),
                    }
                }
                items.push(InMemDicomObject::from_element_iter(elements));
            }
            DataToken::SequenceEnd => return Ok(items),
            other => return Err(parse_error(format!("unexpected {other:?} in a sequence"))),
        }
    }
}

/// Encapsulated pixel data inside an item (e.g. an Icon Image Sequence, PS3.3 C.7.6.1.1.6).
fn read_fragments<S: StatefulDecode>(tokens: &mut DataSetReader<S>) -> Result<Element, DecodeError> {
    let mut offset_table = Vec::new();
    let mut fragments = Vec::new();
    loop {
        match next(tokens)? {
            DataToken::OffsetTable(table) => offset_table = table,
            DataToken::ItemValue(data) => fragments.push(data),
            DataToken::ItemStart { .. } | DataToken::ItemEnd => {}
            DataToken::SequenceEnd => break,
            other => return Err(parse_error(format!("unexpected {other:?} in encapsulated pixel data"))),
        }
    }
    let value = Value::PixelSequence(PixelFragmentSequence::new(offset_table, fragments));
    Ok(DataElement::new_with_len(PIXEL_DATA, VR::OB, Length::UNDEFINED, value))
}
