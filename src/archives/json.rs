//! Lenient reading of the archives' JSON: text and counts that may come as strings or numbers,
//! and paths into nested objects that may be missing. Absent values read as empty.

use serde_json::Value;

/// The value at `path` (object keys, or array indices written as digits), if every step exists.
pub fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |current, key| match current {
        Value::Array(items) => key.parse::<usize>().ok().and_then(|index| items.get(index)),
        _ => current.get(key),
    })
}

/// Text of a string, number or boolean at `path`; empty when absent or structured.
pub fn text(value: &Value, path: &[&str]) -> String {
    at(value, path).map(scalar_text).unwrap_or_default()
}

/// Text of a scalar: strings as they are (trimmed), numbers and booleans in JSON form.
pub fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.trim().to_string(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}

/// A non-negative integer given as a number (integral or `12.0`) or as a decimal string.
pub fn count<T: TryFrom<u64>>(value: &Value, path: &[&str]) -> Option<T> {
    let number = match at(value, path)? {
        Value::Number(number) => number.as_u64().or_else(|| {
            number.as_f64().filter(|float| float.fract() == 0.0 && *float >= 0.0 && *float < 1e18).map(|f| f as u64)
        }),
        Value::String(text) => text.trim().parse::<u64>().ok(),
        _ => None,
    }?;
    T::try_from(number).ok()
}

/// The items of the array at `path`; empty when absent or not an array.
pub fn items<'a>(value: &'a Value, path: &[&str]) -> &'a [Value] {
    at(value, path).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_strings_numbers_and_absence() {
        let value = json!({"a": {"b": [{"c": "x "}, {"c": 7}]}, "n": "12", "f": 3.0, "neg": -1, "big": 1e30});
        assert_eq!(text(&value, &["a", "b", "0", "c"]), "x");
        assert_eq!(text(&value, &["a", "b", "1", "c"]), "7");
        assert_eq!(text(&value, &["a", "missing"]), "");
        assert_eq!(text(&value, &["a"]), "", "an object is not text");
        assert_eq!(count::<u32>(&value, &["n"]), Some(12));
        assert_eq!(count::<u32>(&value, &["f"]), Some(3));
        assert_eq!(count::<u32>(&value, &["neg"]), None);
        assert_eq!(count::<u32>(&value, &["big"]), None);
        assert_eq!(items(&value, &["a", "b"]).len(), 2);
        assert!(items(&value, &["n"]).is_empty());
    }
}
