//! A small tree of named values, printed as aligned text or as JSON.

use std::fmt::Write;

/// One value of a report.
#[derive(Debug, Clone)]
pub enum Val {
    /// Text.
    Str(String),
    /// A count or version, printed in decimal.
    Dec(u64),
    /// An offset, size or mask, printed in hex (a number in JSON).
    Hex(u64),
    /// A size in bytes, printed in decimal and hex (a number in JSON).
    Bytes(u64),
    /// A flag.
    Bool(bool),
    /// A region: offset and size.
    Region(u64, u64),
    /// A copy into falcon memory: source, destination, length.
    Copy(u64, u64, u64),
    /// Named values.
    Obj(Obj),
    /// A list.
    List(Vec<Val>),
}

/// Named values, in order.
#[derive(Debug, Clone, Default)]
pub struct Obj(pub Vec<(String, Val)>);

impl Obj {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value.
    pub fn put(&mut self, key: &str, val: Val) -> &mut Self {
        self.0.push((key.to_string(), val));
        self
    }

    /// Adds text.
    pub fn str(&mut self, key: &str, v: impl Into<String>) -> &mut Self {
        self.put(key, Val::Str(v.into()))
    }

    /// Adds a decimal number.
    pub fn dec(&mut self, key: &str, v: impl Into<u64>) -> &mut Self {
        self.put(key, Val::Dec(v.into()))
    }

    /// Adds a hex number.
    pub fn hex(&mut self, key: &str, v: impl Into<u64>) -> &mut Self {
        self.put(key, Val::Hex(v.into()))
    }

    /// Adds a flag.
    pub fn bool(&mut self, key: &str, v: bool) -> &mut Self {
        self.put(key, Val::Bool(v))
    }

    /// Adds a region.
    pub fn region(&mut self, key: &str, off: impl Into<u64>, size: impl Into<u64>) -> &mut Self {
        self.put(key, Val::Region(off.into(), size.into()))
    }

    /// Adds a nested object.
    pub fn obj(&mut self, key: &str, v: Obj) -> &mut Self {
        self.put(key, Val::Obj(v))
    }

    /// Adds a list.
    pub fn list(&mut self, key: &str, v: Vec<Val>) -> &mut Self {
        self.put(key, Val::List(v))
    }
}

/// Prints `obj` as indented text with aligned values.
pub fn text(obj: &Obj) -> String {
    let mut out = String::new();
    text_obj(&mut out, obj, 0);
    out
}

fn scalar(v: &Val) -> Option<String> {
    Some(match v {
        Val::Str(s) => s.clone(),
        Val::Dec(n) => n.to_string(),
        Val::Hex(n) => format!("{n:#x}"),
        Val::Bytes(n) => format!("{n} bytes ({n:#x})"),
        Val::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Val::Region(o, s) => format!("{:#x}..{:#x} ({:#x} bytes)", o, o.saturating_add(*s), s),
        Val::Copy(s, d, l) => format!("src {s:#x} -> dst {d:#x}, {l:#x} bytes"),
        Val::Obj(_) => return None,
        Val::List(items) => {
            if items.is_empty() {
                return Some("none".to_string());
            }
            let parts: Option<Vec<_>> = items.iter().map(scalar).collect();
            return parts.map(|p| p.join(", "));
        }
    })
}

fn text_obj(out: &mut String, obj: &Obj, indent: usize) {
    let width = obj.0.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, val) in &obj.0 {
        match (scalar(val), val) {
            (Some(s), _) => {
                let _ = writeln!(out, "{:indent$}{key:width$}  {s}", "");
            }
            (None, Val::Obj(o)) => {
                let _ = writeln!(out, "{:indent$}{key}:", "");
                text_obj(out, o, indent + 2);
            }
            (None, Val::List(items)) if table_rows(items).is_some() => {
                let _ = writeln!(out, "{:indent$}{key}:", "");
                if let Some((cols, rows)) = table_rows(items) {
                    text_table(out, &cols, &rows, indent + 2);
                }
            }
            (None, Val::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Val::Obj(o) => {
                            let _ = writeln!(out, "{:indent$}{key}[{i}]:", "");
                            text_obj(out, o, indent + 2);
                        }
                        other => {
                            let s = scalar(other).unwrap_or_default();
                            let _ = writeln!(out, "{:indent$}{key}[{i}]  {s}", "");
                        }
                    }
                }
            }
            (None, _) => {}
        }
    }
}

/// If `items` are objects with the same keys and only scalar values,
/// returns the keys and the rows of printed values.
fn table_rows(items: &[Val]) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let mut cols: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for item in items {
        let Val::Obj(o) = item else { return None };
        let keys: Vec<String> = o.0.iter().map(|(k, _)| k.clone()).collect();
        if cols.get_or_insert_with(|| keys.clone()) != &keys {
            return None;
        }
        rows.push(
            o.0.iter()
                .map(|(_, v)| scalar(v))
                .collect::<Option<Vec<_>>>()?,
        );
    }
    Some((cols?, rows))
}

/// Prints rows under a header, columns aligned, with an index column.
fn text_table(out: &mut String, cols: &[String], rows: &[Vec<String>], indent: usize) {
    let mut widths: Vec<usize> = cols.iter().map(String::len).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let iw = rows.len().saturating_sub(1).to_string().len().max(1);
    let line = |out: &mut String, first: &str, cells: &[String]| {
        let mut l = format!("{:indent$}{first:>iw$}", "");
        for (cell, w) in cells.iter().zip(&widths) {
            let _ = write!(l, "  {cell:w$}");
        }
        let _ = writeln!(out, "{}", l.trim_end());
    };
    line(out, "#", cols);
    for (i, row) in rows.iter().enumerate() {
        line(out, &i.to_string(), row);
    }
}

/// Prints `obj` as JSON.
pub fn json(obj: &Obj) -> String {
    let mut out = String::new();
    json_val(&mut out, &Val::Obj(obj.clone()));
    out.push('\n');
    out
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_val(out: &mut String, v: &Val) {
    match v {
        Val::Str(s) => json_str(out, s),
        Val::Dec(n) | Val::Hex(n) | Val::Bytes(n) => {
            let _ = write!(out, "{n}");
        }
        Val::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Val::Region(o, s) => {
            let _ = write!(out, "{{\"offset\":{o},\"size\":{s}}}");
        }
        Val::Copy(s, d, l) => {
            let _ = write!(out, "{{\"src\":{s},\"dst\":{d},\"len\":{l}}}");
        }
        Val::Obj(o) => {
            out.push('{');
            for (i, (k, v)) in o.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(out, k);
                out.push(':');
                json_val(out, v);
            }
            out.push('}');
        }
        Val::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_val(out, v);
            }
            out.push(']');
        }
    }
}
