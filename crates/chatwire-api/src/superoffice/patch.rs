//! RFC 6902 JSON Patch for the REST `PATCH` routes (spec §3.4): turned into the merge object the
//! save methods take, so both patch styles share one code path.
//!
//! Supported ops: `add` / `replace` (set a property), `remove` (set it to its empty value) and
//! `test` (compare with the current entity; a mismatch is 409, spec §3.6). `move` / `copy` are
//! refused, as SuperOffice does. Paths are property names, case-insensitive, the leading `/`
//! optional; nested paths (`/OpeningHours/MonStart`) address nested properties.

use serde_json::{Map, Value};

use crate::ApiError;

fn segments(path: &str) -> Vec<String> {
    path.trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The current value at `path` in `entity` (PascalCase keys, matched case-insensitively).
fn lookup<'a>(entity: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(entity, |v, seg| {
        v.as_object()?
            .iter()
            .find(|(k, _)| k.to_ascii_lowercase() == *seg)
            .map(|(_, v)| v)
    })
}

fn set(merge: &mut Map<String, Value>, path: &[String], value: Value) {
    match path {
        [] => {}
        [last] => {
            merge.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let slot = merge
                .entry(first.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(inner) = slot {
                set(inner, rest, value);
            }
        }
    }
}

/// The merge object equivalent to `ops` applied to `current` (keys lower-cased, as `Fields`).
pub fn to_merge(current: &Value, ops: &[Value]) -> Result<Value, ApiError> {
    let mut merge = Map::new();
    for op in ops {
        let kind = op
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::BadRequest("every JSON Patch operation needs an op".into()))?;
        let path = segments(op.get("path").and_then(Value::as_str).ok_or_else(|| {
            ApiError::BadRequest("every JSON Patch operation needs a path".into())
        })?);
        if path.is_empty() {
            return Err(ApiError::BadRequest(
                "a JSON Patch path must name a property".into(),
            ));
        }
        let value = op.get("value").cloned();
        match kind.to_ascii_lowercase().as_str() {
            "add" | "replace" => set(
                &mut merge,
                &path,
                value.ok_or_else(|| ApiError::BadRequest(format!("{kind} needs a value")))?,
            ),
            "remove" => {
                // The property's empty value of its current type.
                let empty = match lookup(current, &path) {
                    Some(Value::String(_)) => Value::String(String::new()),
                    Some(Value::Bool(_)) => Value::Bool(false),
                    Some(Value::Number(_)) => Value::from(0),
                    _ => Value::Null,
                };
                set(&mut merge, &path, empty);
            }
            "test" => {
                let want = value.unwrap_or(Value::Null);
                let have = lookup(current, &path).cloned().unwrap_or(Value::Null);
                if have != want {
                    return Err(ApiError::Conflict(format!(
                        "JSON Patch test failed at {}: the value is {have}",
                        path.join("/")
                    )));
                }
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "JSON Patch op {other:?} is not supported (add, replace, remove, test)"
                )));
            }
        }
    }
    Ok(Value::Object(merge))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn ops_become_a_merge_object_and_tests_guard_it() {
        let current =
            json!({"Name":"Sales","Description":"x","OpeningHours":{"MonStart":"08:00:00"}});
        let ops = [
            json!({"op":"test","path":"/Name","value":"Sales"}),
            json!({"op":"replace","path":"name","value":"Sales EU"}),
            json!({"op":"remove","path":"/Description"}),
            json!({"op":"add","path":"/OpeningHours/MonStart","value":"09:00:00"}),
        ];
        assert_eq!(
            to_merge(&current, &ops).expect("merge"),
            json!({"name":"Sales EU","description":"","openinghours":{"monstart":"09:00:00"}})
        );
        let failing = [json!({"op":"test","path":"/Name","value":"Support"})];
        assert!(matches!(
            to_merge(&current, &failing),
            Err(ApiError::Conflict(_))
        ));
        assert!(matches!(
            to_merge(&current, &[json!({"op":"move","from":"/a","path":"/b"})]),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            to_merge(&current, &[json!({"op":"replace","path":"/"})]),
            Err(ApiError::BadRequest(_))
        ));
    }
}
