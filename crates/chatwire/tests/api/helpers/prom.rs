//! A strict reader of the Prometheus text exposition format (0.0.4), enough to check what
//! `/metrics` serves: `# HELP` / `# TYPE` lines, then samples `name{label="value",…} number`.
//! Anything else is a parse error naming the line, so a malformed exposition fails the test.

use std::collections::{BTreeMap, HashMap};

/// One sample.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sample {
    pub(crate) name: String,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) value: f64,
}

/// A parsed exposition: metric families' types, and every sample.
#[derive(Debug, Default)]
pub(crate) struct Exposition {
    pub(crate) types: HashMap<String, String>,
    pub(crate) samples: Vec<Sample>,
}

impl Exposition {
    /// Samples named `name` whose labels include every pair of `labels`.
    pub(crate) fn find<'a>(&'a self, name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
        self.samples
            .iter()
            .filter(|s| {
                s.name == name
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(*k).is_some_and(|x| x == v))
            })
            .collect()
    }

    /// The one sample named `name` with exactly these labels' values; panics if absent.
    pub(crate) fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let found = self.find(name, labels);
        assert_eq!(found.len(), 1, "{name} {labels:?}: {found:?}");
        found[0].value
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Parses `text`, or says which line is wrong and why.
pub(crate) fn parse(text: &str) -> Result<Exposition, String> {
    let mut out = Exposition::default();
    for (n, line) in text.lines().enumerate() {
        let fail = |why: &str| format!("line {}: {why}: {line:?}", n + 1);
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (kind, name, tail) = (parts.next(), parts.next(), parts.next());
            match (kind, name) {
                (Some("HELP"), Some(name)) if is_name(name) => {}
                (Some("TYPE"), Some(name)) if is_name(name) => {
                    let ty = tail.ok_or_else(|| fail("TYPE without a type"))?;
                    if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&ty) {
                        return Err(fail("unknown type"));
                    }
                    if out.types.insert(name.to_owned(), ty.to_owned()).is_some() {
                        return Err(fail("second TYPE for one family"));
                    }
                }
                _ => return Err(fail("a comment that is neither HELP nor TYPE")),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').ok_or_else(|| fail("no value"))?;
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().map_err(|_| fail("value is not a number"))?,
        };
        let (name, labels) = match series.split_once('{') {
            None => (series, BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').ok_or_else(|| fail("unclosed {"))?;
                (name, parse_labels(body).map_err(|why| fail(&why))?)
            }
        };
        if !is_name(name) {
            return Err(fail("bad metric name"));
        }
        let family = ["_bucket", "_sum", "_count", "_total"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .filter(|f| out.types.contains_key(*f) || out.types.contains_key(name))
            .unwrap_or(name);
        if !out.types.contains_key(family) && !out.types.contains_key(name) {
            return Err(fail("sample before its TYPE line"));
        }
        out.samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    Ok(out)
}

/// `k="v",k2="v2"` with `\\`, `\"` and `\n` escapes in values.
fn parse_labels(body: &str) -> Result<BTreeMap<String, String>, String> {
    let mut labels = BTreeMap::new();
    let mut rest = body;
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"").ok_or("label without =\"")?;
        if !is_name(key) {
            return Err(format!("bad label name {key:?}"));
        }
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err("unterminated label value".into()),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c @ ('\\' | '"'))) => value.push(c),
                    _ => return Err("bad escape".into()),
                },
                Some((_, c)) => value.push(c),
            }
        };
        labels.insert(key.to_owned(), value);
        rest = &after[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
    Ok(labels)
}

#[test]
fn the_reader_accepts_a_well_formed_exposition_and_refuses_broken_lines() {
    let good = "# HELP x_total X.\n# TYPE x_total counter\nx_total{a=\"1\",b=\"q\\\"\"} 3\n";
    let parsed = parse(good).expect("parses");
    assert_eq!(parsed.value("x_total", &[("a", "1"), ("b", "q\"")]), 3.0);
    for bad in [
        "x_total 1\n",
        "# TYPE x counter\nx{a=1} 1\n",
        "# TYPE x counter\nx one\n",
        "# BOGUS\n",
    ] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
}
