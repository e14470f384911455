//! The instance objects of a WADO-RS metadata response (a JSON array, PS3.18 F.2) located one by
//! one without parsing the whole body at once: a series' metadata runs to megabytes (300 CT
//! slices with private attributes: about 4 MB), and one `serde_json` parse of it is a single
//! long task on the page. [`item_ranges`] finds where each top-level item lies (a byte scan that
//! tracks strings and nesting); [`item_at`] parses one, so the caller can yield between items.
//! Anything that is not a well-formed array gets the same error as the one-shot parse.

use std::ops::Range;

use serde_json::Value;

use super::{parse_array, ResponseError};

fn unexpected_end() -> ResponseError {
    ResponseError::Json("the response ends inside the JSON array".to_string())
}

/// Byte ranges of the top-level items of a JSON array response, in order. A body of whitespace
/// only is an empty answer (PS3.18 §8.3.4.6: a search may answer 204 with no body).
pub fn item_ranges(body: &[u8]) -> Result<Vec<Range<usize>>, ResponseError> {
    let Some(open) = body.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(Vec::new());
    };
    if body.get(open) != Some(&b'[') {
        // Not an array: the one-shot parse says what it is (an object, a number, not JSON).
        return parse_array(body).map(|_| Vec::new());
    }
    let mut ranges = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start: Option<usize> = None;
    let mut close = None;
    for (index, &byte) in body.iter().enumerate().skip(open + 1) {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                start = start.or(Some(index));
            }
            b'{' | b'[' => {
                depth += 1;
                start = start.or(Some(index));
            }
            b'}' | b']' if depth > 0 => depth -= 1,
            b',' | b']' if depth == 0 => {
                match start.take() {
                    Some(from) => ranges.push(from..trim_end(body, from, index)),
                    // "[,…" or "[1,,2]" or "[1,]": let serde_json word the error.
                    None if byte == b',' || !ranges.is_empty() => {
                        return Err(ResponseError::Json(format!("an empty item in the JSON array at byte {index}")))
                    }
                    None => {}
                }
                if byte == b']' {
                    close = Some(index);
                    break;
                }
            }
            b'}' => return Err(ResponseError::Json(format!("an unmatched '}}' at byte {index}"))),
            byte if byte.is_ascii_whitespace() => {}
            _ => {
                start = start.or(Some(index));
            }
        }
    }
    let close = close.ok_or_else(unexpected_end)?;
    if let Some(extra) = body.get(close + 1..).and_then(|rest| rest.iter().position(|b| !b.is_ascii_whitespace())) {
        return Err(ResponseError::Json(format!("text after the JSON array at byte {}", close + 1 + extra)));
    }
    Ok(ranges)
}

/// The end of an item that runs from `from` to just before `to`, without trailing whitespace.
fn trim_end(body: &[u8], from: usize, to: usize) -> usize {
    let mut end = to;
    while end > from && body.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
        end -= 1;
    }
    end
}

/// Parses the item of `body` at `range` (from [`item_ranges`]).
pub fn item_at(body: &[u8], range: Range<usize>) -> Result<Value, ResponseError> {
    let bytes = body.get(range).ok_or_else(unexpected_end)?;
    serde_json::from_slice(bytes).map_err(|e| ResponseError::Json(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(body: &str) -> Result<Vec<Value>, ResponseError> {
        let body = body.as_bytes();
        item_ranges(body)?.into_iter().map(|range| item_at(body, range)).collect()
    }

    #[test]
    fn items_equal_the_one_shot_parse() {
        let bodies = [
            "",
            "  \n",
            "[]",
            " [ ] ",
            r#"[{"00100010":{"vr":"PN","Value":[{"Alphabetic":"Doe^J"}]}}]"#,
            "[\n  {\"a\": [1, 2, {\"b\": \"]},[\"}]},\n  {\"c\": \"\\\"]\\\\\"} ,{}\n]\n",
            r#"[{"k":"comma, bracket ] brace } quote \" backslash \\"},{"n":[[],[[]],{}]}]"#,
            r#"[1, "two", null, true, [3], {"x": -4.5e3}]"#,
            "[{\"u\":\"\\u005d \\u007b caf\u{e9}\"}]",
        ];
        for body in bodies {
            let expected = parse_array(body.as_bytes()).expect(body);
            assert_eq!(items(body).expect(body), expected, "{body}");
        }
    }

    #[test]
    fn ranges_cover_exactly_each_item() {
        let body = b"[ {\"a\":1} ,\n{\"b\":[2]}\t]";
        let ranges = item_ranges(body).unwrap();
        let texts: Vec<&[u8]> = ranges.into_iter().map(|r| &body[r]).collect();
        assert_eq!(texts, vec![&b"{\"a\":1}"[..], &b"{\"b\":[2]}"[..]]);
    }

    #[test]
    fn what_is_not_an_array_gets_the_one_shot_error() {
        for body in [r#"{"a":1}"#, "42", "not json", "\"text\""] {
            assert_eq!(item_ranges(body.as_bytes()).unwrap_err(), parse_array(body.as_bytes()).unwrap_err(), "{body}");
        }
    }

    #[test]
    fn damaged_arrays_are_json_errors() {
        for body in [
            "[",
            "[{\"a\":1}",
            "[{\"a\":1},",
            "[{\"a\":\"unterminated]",
            "[{\"a\":1}] trailing",
            "[,{}]",
            "[{},,{}]",
            "[{},]",
            "[}]",
            "[{\"a\":1]]",
        ] {
            let outcome = items(body);
            assert!(matches!(outcome, Err(ResponseError::Json(_))), "{body}: {outcome:?}");
            assert!(parse_array(body.as_bytes()).is_err(), "{body} is damaged for serde_json too");
        }
    }
}
