//! `--set KEY=VALUE` overrides applied to the parsed TOML document, and the
//! reverse lookup from a dotted key to its line for error messages.
//!
//! A key is a dotted path: tables by key, arrays of tables (`[[queue]]`) and
//! arrays of inline tables by the element's `name`, any array by index
//! (`agents.early.schedule.0.window`). A segment may be quoted as in TOML
//! (`agents."crew, day".count`, or with single quotes), so a name holding
//! `.`, `=` or `"` can be named; see [`segments`].

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use super::suggest::unknown;
use crate::error::Error;

/// Applies one `KEY=VALUE` override to `doc`, the scenario `origin`, and
/// returns the dotted key it set.
pub(super) fn apply(doc: &mut DocumentMut, arg: &str, origin: &str) -> Result<String, Error> {
    let fail = |message: String| Error::Override { origin: origin.to_owned(), arg: arg.to_owned(), message };
    let (key, value) = split_assignment(arg)
        .ok_or_else(|| fail("write KEY=VALUE, e.g. --set agents.early.count=11".into()))?;
    if key.trim() == REMOVE {
        return remove(doc, value.trim(), &fail);
    }
    if let Some(list) = key.trim_end().strip_suffix('+') {
        return append(doc, list.trim(), value, &fail);
    }
    let Some(segments) = segments(key.trim()) else {
        return Err(fail(format!("`{key}` is not a dotted key path")));
    };
    let Some((last, parents)) = segments.split_last() else {
        return Err(fail(format!("`{key}` is not a dotted key path")));
    };
    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
    let known = names_under(doc, &parents);
    let mut node = NodeMut::Item(doc.as_item_mut());
    for (depth, seg) in parents.iter().enumerate() {
        node = node.child(seg).ok_or_else(|| {
            let here = segments[..depth].join(".");
            let here = if here.is_empty() { "the top level".to_owned() } else { format!("`{here}`") };
            let names = known.get(depth).map(Vec::as_slice).unwrap_or_default();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            fail(unknown("name", seg, &format!("under {here}"), &names))
        })?;
    }
    let missing = || fail(format!("`{last}` cannot be set under `{}`", parents.join(".")));
    match node {
        NodeMut::Item(Item::Table(t)) | NodeMut::Table(t) => set_in(t, last, value),
        NodeMut::Item(Item::Value(Value::InlineTable(t))) | NodeMut::Value(Value::InlineTable(t)) => {
            set_in(t, last, value)
        }
        NodeMut::Item(Item::Value(Value::Array(a))) | NodeMut::Value(Value::Array(a)) => {
            let slot = last.parse::<usize>().ok().and_then(|i| a.get_mut(i)).ok_or_else(missing)?;
            *slot = parse_value(value, slot.is_str());
        }
        _ => return Err(missing()),
    }
    Ok(segments.join("."))
}

/// `--set 'KEY+=ELEMENT'`: appends ELEMENT, a TOML value (an inline table
/// for a list of tables), to the list KEY (docs/model.md §10): an array of
/// tables such as `status` or `queue` (created when the file has none), or
/// an array such as `agents.day.schedule`.
fn append(
    doc: &mut DocumentMut,
    key: &str,
    text: &str,
    fail: &dyn Fn(String) -> Error,
) -> Result<String, Error> {
    let example = "e.g. --set 'status+={ name = \"Coaching\" }'";
    let segments =
        segments(key).ok_or_else(|| fail(format!("`{key}` is not a dotted key path; {example}")))?;
    let (last, parents) =
        segments.split_last().ok_or_else(|| fail(format!("name the list to append to; {example}")))?;
    let element = text.trim().parse::<Value>().map_err(|_| {
        fail(format!(
            "`{}` is not a TOML value; write the new element as an inline table, {example}",
            text.trim()
        ))
    })?;
    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
    let known = names_under(doc, &parents);
    let mut node = NodeMut::Item(doc.as_item_mut());
    for (depth, seg) in parents.iter().enumerate() {
        node = node.child(seg).ok_or_else(|| {
            let here = segments[..depth].join(".");
            let here = if here.is_empty() { "the top level".to_owned() } else { format!("`{here}`") };
            let names = known.get(depth).map(Vec::as_slice).unwrap_or_default();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            fail(unknown("name", seg, &format!("under {here}"), &names))
        })?;
    }
    let not_a_list =
        || fail(format!("`{key}` is not a list; += appends to a list such as [[status]] or a schedule"));
    let slot: &mut Item = match node {
        NodeMut::Item(Item::Table(t)) | NodeMut::Table(t) => t.entry(last).or_insert(Item::None),
        NodeMut::Item(Item::Value(Value::InlineTable(t))) | NodeMut::Value(Value::InlineTable(t)) => {
            match t.get_mut(last) {
                Some(Value::Array(a)) => {
                    a.push(element.decorated(" ", ""));
                    return Ok(segments.join("."));
                }
                Some(_) => return Err(not_a_list()),
                None => {
                    let mut a = toml_edit::Array::new();
                    a.push(element.decorated("", ""));
                    t.insert(last, Value::Array(a));
                    return Ok(segments.join("."));
                }
            }
        }
        _ => return Err(not_a_list()),
    };
    match slot {
        Item::None => match element {
            Value::InlineTable(t) => {
                let mut aot = ArrayOfTables::new();
                aot.push(t.into_table());
                *slot = Item::ArrayOfTables(aot);
            }
            other => {
                let mut a = toml_edit::Array::new();
                a.push(other.decorated("", ""));
                *slot = Item::Value(Value::Array(a));
            }
        },
        Item::ArrayOfTables(aot) => match element {
            Value::InlineTable(t) => aot.push(t.into_table()),
            _ => {
                return Err(fail(format!(
                    "`{key}` is a list of tables; write the new element as an inline table, {example}"
                )));
            }
        },
        Item::Value(Value::Array(a)) => a.push(element.decorated(" ", "")),
        _ => return Err(not_a_list()),
    }
    Ok(segments.join("."))
}

/// The pseudo-key of `--set remove=KEY`: removes KEY (a table's key, or an
/// element of a list by index or `name`) instead of setting it.
pub(crate) const REMOVE: &str = "remove";

/// `--set remove=KEY`: takes KEY out of `doc` (docs/model.md §10): a key of
/// a table, or an element of a list, by index or by its `name`.
fn remove(doc: &mut DocumentMut, key: &str, fail: &dyn Fn(String) -> Error) -> Result<String, Error> {
    let not_a_path =
        || fail(format!("`{key}` is not a dotted key path; write e.g. --set remove=agents.early.schedule.1"));
    let segments = segments(key).ok_or_else(not_a_path)?;
    let (last, parents) = segments.split_last().ok_or_else(not_a_path)?;
    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
    let known = names_under(doc, &parents);
    // Removing never creates: the path must exist as written (checked
    // read-only first, since the editing walk makes missing tables).
    let mut probe = Some(Node::Item(doc.as_item()));
    let mut depth_found = 0;
    for seg in &parents {
        probe = probe.and_then(|n| n.child(seg).map(|(next, _)| next));
        if probe.is_some() {
            depth_found += 1;
        }
    }
    let mut node = NodeMut::Item(doc.as_item_mut());
    for (depth, seg) in parents.iter().enumerate() {
        let step = if depth < depth_found { node.child(seg) } else { None };
        node = step.ok_or_else(|| {
            let here = segments[..depth].join(".");
            let here = if here.is_empty() { "the top level".to_owned() } else { format!("`{here}`") };
            let names = known.get(depth).map(Vec::as_slice).unwrap_or_default();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            fail(unknown("name", seg, &format!("under {here}"), &names))
        })?;
    }
    let nothing = || fail(format!("there is no `{key}` to remove"));
    let removed = match node {
        NodeMut::Item(Item::Table(t)) | NodeMut::Table(t) => t.remove(last).is_some(),
        NodeMut::Item(Item::Value(Value::InlineTable(t))) | NodeMut::Value(Value::InlineTable(t)) => {
            t.remove(last).is_some()
        }
        NodeMut::Item(Item::ArrayOfTables(aot)) => {
            let at = last.parse::<usize>().ok().filter(|&i| i < aot.len()).or_else(|| {
                aot.iter().position(|t| t.get("name").and_then(Item::as_str) == Some(last.as_str()))
            });
            at.map(|i| aot.remove(i)).is_some()
        }
        NodeMut::Item(Item::Value(Value::Array(a))) | NodeMut::Value(Value::Array(a)) => {
            let at = last.parse::<usize>().ok().filter(|&i| i < a.len()).or_else(|| {
                a.iter().position(|e| {
                    e.as_inline_table().and_then(|t| t.get("name")).and_then(Value::as_str)
                        == Some(last.as_str())
                })
            });
            match at {
                Some(i) => {
                    a.remove(i);
                    true
                }
                None if last.parse::<usize>().is_ok() => {
                    return Err(fail(format!(
                        "`{key}`: the list `{}` has {} elements, numbered from 0",
                        parents.join("."),
                        a.len()
                    )));
                }
                None => false,
            }
        }
        _ => false,
    };
    if removed { Ok(segments.join(".")) } else { Err(nothing()) }
}

/// The segments of a dotted key path: split at each `.` outside quotes,
/// each trimmed; a segment written `"..."` (with `\"` and `\\` escapes)
/// or `'...'` is taken literally, as in TOML, so `agents."crew, day".count`
/// names the group `crew, day`. A bare segment is taken as written (it may
/// hold spaces or commas, not `.`). `None` for an empty bare segment, an
/// unclosed quote or text after a closing quote.
fn segments(key: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = key.trim_start();
    loop {
        let (seg, after) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let mut seg = String::new();
                let mut chars = rest.char_indices().skip(1);
                let end = loop {
                    match chars.next()? {
                        (i, c) if c == q => break i + 1,
                        (_, '\\') if q == '"' => seg.push(chars.next()?.1),
                        (_, c) => seg.push(c),
                    }
                };
                (seg, rest[end..].trim_start())
            }
            _ => {
                let end = rest.find('.').unwrap_or(rest.len());
                let seg = rest[..end].trim();
                if seg.is_empty() {
                    return None;
                }
                (seg.to_owned(), &rest[end..])
            }
        };
        out.push(seg);
        match after.strip_prefix('.') {
            Some(next) => rest = next.trim_start(),
            None if after.is_empty() => return Some(out),
            None => return None,
        }
    }
}

/// `KEY=VALUE` split at the first `=` outside a quoted key segment (a
/// quote opens one only at the start of a segment).
fn split_assignment(arg: &str) -> Option<(&str, &str)> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut at_start = true;
    for (i, c) in arg.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '=' => return Some((&arg[..i], &arg[i + 1..])),
                '"' | '\'' if at_start => quote = Some(c),
                '.' => at_start = true,
                c if c.is_whitespace() => {}
                _ => at_start = false,
            },
        }
        if quote.is_some() {
            at_start = false;
        }
    }
    None
}

/// For each step of `path`, the names that step could take (keys of a
/// table, names of the elements of a list of tables), as far as the path
/// can be followed in `doc`.
fn names_under(doc: &DocumentMut, path: &[&str]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut node = Some(Node::Item(doc.as_item()));
    for seg in path {
        let Some(n) = node else { break };
        out.push(n.names());
        node = n.child(seg).map(|(next, _)| next);
    }
    out
}

/// The 1-based line where `key` (a dotted path) is written in `text`, if it is.
#[cfg(test)]
pub(super) fn line_of(text: &str, key: &str) -> Option<usize> {
    let doc = toml_edit::Document::parse(text.to_owned()).ok()?;
    let mut node = Node::Item(doc.as_item());
    let mut span = None;
    for seg in segments(key)? {
        let (next, s) = node.child(&seg)?;
        span = s.or(span);
        node = next;
    }
    let start = span?.start.min(text.len());
    Some(text[..start].matches('\n').count() + 1)
}

/// The 1-based lines where `keys` (dotted paths) and the tables above them
/// are written in `text`: each key that is written maps to its line, as
/// `line_of` (the tests' reference) finds it one at a time. One parse and one walk of the
/// document for all of them, visiting only the paths that lead to a key
/// asked for, so the cost grows with the text and the keys, not their product.
pub(super) fn lines_of(text: &str, keys: &[&str]) -> HashMap<String, usize> {
    let mut wanted: HashSet<&str> = HashSet::new();
    for key in keys {
        let mut k = *key;
        loop {
            if !wanted.insert(k) {
                break; // its parents are in already
            }
            match k.rfind('.') {
                Some(i) => k = &k[..i],
                None => break,
            }
        }
    }
    let mut out = HashMap::new();
    let Ok(doc) = toml_edit::Document::parse(text.to_owned()) else { return out };
    let starts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let line = |at: usize| starts.partition_point(|&nl| nl < at.min(text.len())) + 1;
    let mut stack: Vec<(Node<'_>, String, Span)> = vec![(Node::Item(doc.as_item()), String::new(), None)];
    while let Some((node, path, span)) = stack.pop() {
        for (seg, (child, s)) in node.children() {
            let here = if path.is_empty() { seg } else { format!("{path}.{seg}") };
            if !wanted.contains(here.as_str()) {
                continue;
            }
            let span = s.or(span.clone());
            if let Some(at) = &span {
                out.insert(here.clone(), line(at.start));
            }
            stack.push((child, here, span));
        }
    }
    out
}

/// The dotted key (as `--set` spells it) of the innermost key written at
/// byte `offset` of `text`, if any.
pub(super) fn key_at(text: &str, offset: usize) -> Option<String> {
    let doc = toml_edit::Document::parse(text.to_owned()).ok()?;
    let path = find_in_table(doc.as_table(), offset, "")?;
    (!path.is_empty()).then_some(path)
}

fn contains(span: Option<Range<usize>>, offset: usize) -> bool {
    span.is_some_and(|s| s.start <= offset && offset < s.end.max(s.start + 1))
}

fn find_in_table(t: &dyn TableLike, offset: usize, path: &str) -> Option<String> {
    let join = |k: &str| if path.is_empty() { k.to_owned() } else { format!("{path}.{k}") };
    for (k, _) in t.iter() {
        let (key, item) = t.get_key_value(k)?;
        let here = join(k);
        if contains(key.span(), offset) {
            return Some(here);
        }
        match item {
            Item::Table(inner) => {
                if let Some(found) = find_in_table(inner, offset, &here) {
                    return Some(found);
                }
            }
            Item::ArrayOfTables(aot) => {
                for (i, inner) in aot.iter().enumerate() {
                    if let Some(found) = find_in_table(inner, offset, &label(&here, inner, i)) {
                        return Some(found);
                    }
                }
            }
            Item::Value(v) if contains(v.span(), offset) => return Some(find_in_value(v, offset, &here)),
            _ => {}
        }
    }
    None
}

fn find_in_value(v: &Value, offset: usize, path: &str) -> String {
    match v {
        Value::InlineTable(t) => find_in_table(t, offset, path).unwrap_or_else(|| path.to_owned()),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find(|(_, e)| contains(e.span(), offset))
            .map(|(i, e)| match e.as_inline_table() {
                Some(t) => find_in_value(e, offset, &label(path, t, i)),
                None => find_in_value(e, offset, &format!("{path}.{i}")),
            })
            .unwrap_or_else(|| path.to_owned()),
        _ => path.to_owned(),
    }
}

/// An element of a list of tables, by its `name` or else its index.
fn label(path: &str, t: &dyn TableLike, i: usize) -> String {
    match t.get("name").and_then(Item::as_str).filter(|n| !n.is_empty() && !n.contains('.')) {
        Some(name) => format!("{path}.{name}"),
        None => format!("{path}.{i}"),
    }
}

fn set_in(table: &mut dyn TableLike, key: &str, text: &str) {
    let as_string = table.get(key).is_some_and(|i| i.as_str().is_some());
    table.insert(key, Item::Value(parse_value(text, as_string)));
}

/// A parsed override value: TOML when it parses (numbers, booleans, arrays,
/// quoted strings), otherwise the text itself; always text where the key
/// already holds a string (durations, clock times, names).
fn parse_value(text: &str, as_string: bool) -> Value {
    let text = text.trim();
    match text.parse::<Value>() {
        Ok(v) if !as_string || v.is_str() => v.decorated(" ", ""),
        _ => Value::from(text.trim_matches('"')).decorated(" ", ""),
    }
}

/// A place in the document being edited.
enum NodeMut<'a> {
    Item(&'a mut Item),
    Table(&'a mut Table),
    Value(&'a mut Value),
}

impl<'a> NodeMut<'a> {
    /// One step down; a missing key under a table becomes a new empty table,
    /// so optional tables such as `[routing]` can be set from the command line.
    fn child(self, seg: &str) -> Option<NodeMut<'a>> {
        match self {
            NodeMut::Item(Item::Table(t)) | NodeMut::Table(t) => {
                Some(NodeMut::Item(t.entry(seg).or_insert_with(|| Item::Table(Table::new()))))
            }
            NodeMut::Item(Item::ArrayOfTables(aot)) => named_table_mut(aot, seg).map(NodeMut::Table),
            NodeMut::Item(Item::Value(v)) | NodeMut::Value(v) => value_child_mut(v, seg).map(NodeMut::Value),
            NodeMut::Item(_) => None,
        }
    }
}

fn named_table_mut<'a>(aot: &'a mut ArrayOfTables, name: &str) -> Option<&'a mut Table> {
    aot.iter_mut().find(|t| t.get("name").and_then(Item::as_str) == Some(name))
}

fn value_child_mut<'a>(v: &'a mut Value, seg: &str) -> Option<&'a mut Value> {
    match v {
        Value::InlineTable(t) => {
            if !t.contains_key(seg) {
                t.insert(seg, Value::InlineTable(InlineTable::new()));
            }
            t.get_mut(seg)
        }
        Value::Array(a) => {
            let idx = seg.parse::<usize>().ok().or_else(|| {
                a.iter().position(|e| {
                    e.as_inline_table().and_then(|t| t.get("name")).and_then(Value::as_str) == Some(seg)
                })
            })?;
            a.get_mut(idx)
        }
        _ => None,
    }
}

/// A place in the parsed (spanned) document, for finding lines.
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

type Span = Option<Range<usize>>;

impl<'a> Node<'a> {
    /// The names one step down: keys of a table, `name`s of listed tables.
    fn names(&self) -> Vec<String> {
        let named = |t: &dyn TableLike| t.get("name").and_then(Item::as_str).map(str::to_owned);
        match *self {
            Node::Item(Item::Table(t)) | Node::Table(t) => t.iter().map(|(k, _)| k.to_owned()).collect(),
            Node::Item(Item::ArrayOfTables(aot)) => aot.iter().filter_map(|t| named(t)).collect(),
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::InlineTable(t) => t.iter().map(|(k, _)| k.to_owned()).collect(),
                Value::Array(a) => {
                    a.iter().filter_map(|e| e.as_inline_table().and_then(|t| named(t))).collect()
                }
                _ => Vec::new(),
            },
            Node::Item(_) => Vec::new(),
        }
    }

    /// Every step down by the names [`Node::child`] resolves, each with
    /// the node it resolves to: keys; elements of a list of tables by
    /// `name` (the first so named) and else by index; elements of any other
    /// list by index and else by `name`.
    fn children(&self) -> Vec<(String, (Node<'a>, Span))> {
        let mut out = Vec::new();
        match *self {
            Node::Item(Item::Table(t)) | Node::Table(t) => {
                for (k, _) in t.iter() {
                    if let Some((key, v)) = t.get_key_value(k) {
                        out.push((k.to_owned(), (Node::Item(v), key.span())));
                    }
                }
            }
            Node::Item(Item::ArrayOfTables(aot)) => {
                let mut by: HashMap<String, usize> = HashMap::new();
                for (i, t) in aot.iter().enumerate() {
                    if let Some(name) = t.get("name").and_then(Item::as_str) {
                        by.entry(name.to_owned()).or_insert(i);
                    }
                }
                for i in 0..aot.len() {
                    by.entry(i.to_string()).or_insert(i);
                }
                for (seg, i) in by {
                    if let Some(t) = aot.get(i) {
                        let span = t.get_key_value("name").and_then(|(k, _)| k.span()).or(t.span());
                        out.push((seg, (Node::Table(t), span)));
                    }
                }
            }
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::InlineTable(t) => {
                    for (k, _) in t.iter() {
                        if let Some((key, v)) = t.get_key_value(k) {
                            out.push((k.to_owned(), (Node::Item(v), key.span())));
                        }
                    }
                }
                Value::Array(a) => {
                    let mut by: HashMap<String, usize> = (0..a.len()).map(|i| (i.to_string(), i)).collect();
                    for (i, e) in a.iter().enumerate() {
                        if let Some(name) =
                            e.as_inline_table().and_then(|t| t.get("name")).and_then(Value::as_str)
                        {
                            by.entry(name.to_owned()).or_insert(i);
                        }
                    }
                    for (seg, i) in by {
                        if let Some(e) = a.get(i) {
                            out.push((seg, (Node::Value(e), e.span())));
                        }
                    }
                }
                _ => {}
            },
            Node::Item(_) => {}
        }
        out
    }

    fn child(&self, seg: &str) -> Option<(Node<'a>, Span)> {
        match *self {
            Node::Item(Item::Table(t)) | Node::Table(t) => {
                let (k, v) = t.get_key_value(seg)?;
                Some((Node::Item(v), k.span()))
            }
            Node::Item(Item::ArrayOfTables(aot)) => {
                let t = aot
                    .iter()
                    .find(|t| t.get("name").and_then(Item::as_str) == Some(seg))
                    .or_else(|| seg.parse().ok().and_then(|i| aot.get(i)))?;
                Some((Node::Table(t), t.get_key_value("name").and_then(|(k, _)| k.span()).or(t.span())))
            }
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::InlineTable(t) => {
                    let (k, v) = t.get_key_value(seg)?;
                    Some((Node::Item(v), k.span()))
                }
                Value::Array(a) => {
                    let e = seg.parse::<usize>().ok().and_then(|i| a.get(i)).or_else(|| {
                        a.iter().find(|e| {
                            e.as_inline_table().and_then(|t| t.get("name")).and_then(Value::as_str)
                                == Some(seg)
                        })
                    })?;
                    Some((Node::Value(e), e.span()))
                }
                _ => None,
            },
            Node::Item(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_through_arrays_of_tables_and_inline_tables() {
        let text = "a = 1\n[[queue]]\nname = \"x\"\narrivals = { per_hour = 3 }\n\n[[queue]]\nname = \"y\"\nlist = [1, 2]\n";
        assert_eq!(line_of(text, "a"), Some(1));
        assert_eq!(line_of(text, "queue.x.arrivals.per_hour"), Some(4));
        assert_eq!(line_of(text, "queue.y"), Some(7));
        assert_eq!(line_of(text, "queue.y.list.1"), Some(8));
        assert_eq!(line_of(text, "queue.z"), None);
    }

    #[test]
    fn many_lines_are_found_in_one_walk_as_one_at_a_time() {
        let text = "[[queue]]\nname = \"1\"\nx = 1\n[[queue]]\nname = \"y\"\nlist = [{ name = \"0\" }, { name = \"e\", v = 2 }]\n";
        let keys = [
            "queue.1.x",
            "queue.1",
            "queue.0.x",
            "queue.y.list.0",
            "queue.y.list.e.v",
            "queue.y.list.1",
            "queue.q",
        ];
        let all = lines_of(text, &keys);
        for key in keys {
            let one = line_of(text, key);
            assert_eq!(all.get(key).copied(), one, "{key}");
        }
        // A name wins over an index among tables; an index over a name in a list.
        assert_eq!(all.get("queue.1").copied(), Some(2));
        assert_eq!(all.get("queue.y.list.0").copied(), Some(6));
    }

    #[test]
    fn keys_are_found_from_a_position() {
        let text = "a = 1\n[[queue]]\nname = \"x\"\narrivals = { per_hour = 3, per_hr = 4 }\nlist = [{ name = \"e\", v = 1 }]\n";
        let at = |needle: &str| key_at(text, text.find(needle).unwrap());
        assert_eq!(at("a ="), Some("a".into()));
        assert_eq!(at("per_hr "), Some("queue.x.arrivals.per_hr".into()));
        assert_eq!(at("4 }"), Some("queue.x.arrivals.per_hr".into()));
        assert_eq!(at("v = 1"), Some("queue.x.list.e.v".into()));
        assert_eq!(at("[[queue"), None);
    }

    #[test]
    fn key_segments_may_be_quoted_as_in_toml() {
        let seg = |k: &str| segments(k).map(|v| v.join("|"));
        assert_eq!(seg("agents.early.count").as_deref(), Some("agents|early|count"));
        assert_eq!(seg(r#"agents."crew, day".count"#).as_deref(), Some("agents|crew, day|count"));
        assert_eq!(seg("agents.'a.b'.count").as_deref(), Some("agents|a.b|count"));
        assert_eq!(seg(r#"queue."say \"hi\"".x"#).as_deref(), Some(r#"queue|say "hi"|x"#));
        assert_eq!(seg(r#"agents . "x" . count"#).as_deref(), Some("agents|x|count"));
        assert_eq!(seg("status.Café, break.enabled").as_deref(), Some("status|Café, break|enabled"));
        for bad in ["a..b", "a.", ".a", r#"a."b"#, r#"a."b"c.d"#, ""] {
            assert_eq!(seg(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_value_starts_after_the_first_equals_sign_outside_quotes() {
        assert_eq!(split_assignment("a.b=1=2"), Some(("a.b", "1=2")));
        assert_eq!(split_assignment(r#"a."x=y".b=3"#), Some((r#"a."x=y".b"#, "3")));
        assert_eq!(split_assignment(r#"a."x\"=".b=3"#), Some((r#"a."x\"=".b"#, "3")));
        assert_eq!(split_assignment("note=it's"), Some(("note", "it's")));
        assert_eq!(split_assignment("a.b"), None);
    }

    #[test]
    fn a_quoted_name_is_set_removed_and_found() {
        let text = "[[agents]]\nname = \"crew, day\"\ncount = 3\n\n[[agents]]\nname = \"a.b\"\ncount = 1\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        let key = apply(&mut doc, r#"agents."crew, day".count=6"#, "s.toml").unwrap();
        assert_eq!(key, "agents.crew, day.count");
        apply(&mut doc, "agents.'a.b'.count=2", "s.toml").unwrap();
        let out = doc.to_string();
        assert!(out.contains("count = 6") && out.contains("count = 2"), "{out}");
        assert_eq!(line_of(text, r#"agents."crew, day".count"#), Some(3));
        assert_eq!(line_of(text, "agents.'a.b'.count"), Some(7));
        apply(&mut doc, "remove='agents'.\"a.b\"", "s.toml").unwrap();
        assert!(!doc.to_string().contains("a.b"), "{doc}");
    }

    #[test]
    fn values_keep_strings_as_strings() {
        let mut doc: DocumentMut = "h = \"1d\"\nn = 3\n[t]\nx = { a = [\"1s\", \"2s\"] }\n".parse().unwrap();
        apply(&mut doc, "h=7d", "s.toml").unwrap();
        apply(&mut doc, "n=4", "s.toml").unwrap();
        apply(&mut doc, "t.x.a.1=5s", "s.toml").unwrap();
        apply(&mut doc, "t.x.b=true", "s.toml").unwrap();
        let out = doc.to_string();
        assert!(out.contains("h = \"7d\""), "{out}");
        assert!(out.contains("n = 4"), "{out}");
        assert!(out.contains("\"5s\""), "{out}");
        assert!(out.contains("b = true"), "{out}");
        assert!(apply(&mut doc, "n.q=1", "s.toml").is_err());
        assert!(apply(&mut doc, "=1", "s.toml").is_err());
        assert!(apply(&mut doc, "t.x.a.9=1", "s.toml").is_err());
        let mut doc: DocumentMut = "[[agents]]\nname = \"day\"\ncount = 3\n".parse().unwrap();
        let e = apply(&mut doc, "agents.dya.count=4", "s.toml").unwrap_err().to_string();
        assert!(e.contains("unknown name `dya` under `agents`; did you mean `day`?"), "{e}");
    }
}
