//! One XML part read into a small tree of elements, by local name.
//!
//! Word's parts are small enough to hold whole, and a tree lets the importer
//! skip a hidden or unknown element with everything in it, which a stream of
//! events makes easy to get wrong. Names are local names (`w:vanish` is
//! `vanish`): the prefixes Word uses are conventions, not guarantees, and
//! matching the local name alone errs towards recognising a hidden thing.
//!
//! A part that is not well-formed XML, uses an entity it does not define
//! (XML here never expands a DTD's entities), or nests deeper than
//! [`MAX_DEPTH`] is an error naming the part, never a panic.

use quick_xml::events::Event;

use super::ImportError;

/// The deepest nesting read; Word's own documents stay far below it, and a
/// deeper one could only be made to exhaust the stack of whatever walks it.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name: `p` for `w:p`.
    pub name: String,
    /// Attributes by local name, in the order written.
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The value of attribute `name` (a local name).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first element named `name` at any depth below this one.
    pub fn find(&self, name: &str) -> Option<&Element> {
        for e in self.elements() {
            if e.name == name {
                return Some(e);
            }
            if let Some(found) = e.find(name) {
                return Some(found);
            }
        }
        None
    }

    /// Every element named `name` at any depth below this one, in order.
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            }
            e.find_all(name, out);
        }
    }

    /// Whether any text at any depth below this one is more than spaces.
    pub fn has_text(&self) -> bool {
        self.children.iter().any(|n| match n {
            Node::Text(t) => !t.trim().is_empty(),
            Node::Element(e) => e.has_text(),
        })
    }

    /// A toggle or on/off property (`<w:vanish/>`, `<w:b w:val="0"/>`):
    /// `Some(true)` when present and not turned off, `Some(false)` when
    /// turned off, `None` when absent.
    pub fn flag(&self, name: &str) -> Option<bool> {
        let e = self.child(name)?;
        Some(!matches!(
            e.attr("val"),
            Some("0" | "false" | "off" | "False" | "FALSE")
        ))
    }

    /// The `val` attribute of child `name`.
    pub fn val(&self, name: &str) -> Option<&str> {
        self.child(name)?.attr("val")
    }
}

/// Reads part `part` (named in errors) into its root element.
pub fn parse(part: &str, bytes: &[u8]) -> Result<Element, ImportError> {
    let bad = |message: String| ImportError::Malformed {
        part: part.to_string(),
        message,
    };
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut buf = Vec::new();
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| bad(format!("{e} (near byte {at})")))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let mut attrs = Vec::new();
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| bad(format!("{e} (near byte {at})")))?;
                    let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| bad(format!("{e} (near byte {at})")))?
                        .into_owned();
                    attrs.push((key, value));
                }
                let element = Element {
                    name,
                    attrs,
                    children: Vec::new(),
                };
                if empty {
                    let parent = stack.last_mut().expect("the root is never popped");
                    parent.children.push(Node::Element(element));
                } else {
                    if stack.len() > MAX_DEPTH {
                        return Err(bad(format!("its elements nest more than {MAX_DEPTH} deep")));
                    }
                    stack.push(element);
                }
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err(bad(format!("an end tag closes nothing (near byte {at})")));
                }
                let done = stack.pop().expect("checked");
                stack
                    .last_mut()
                    .expect("checked")
                    .children
                    .push(Node::Element(done));
            }
            Event::Text(text) => {
                let text = text
                    .xml10_content()
                    .map_err(|e| bad(format!("{e} (near byte {at})")))?;
                push_text(stack.last_mut().expect("the root"), &text);
            }
            Event::CData(data) => {
                let text = data
                    .decode()
                    .map_err(|e| bad(format!("{e} (near byte {at})")))?;
                push_text(stack.last_mut().expect("the root"), &text);
            }
            Event::GeneralRef(reference) => {
                let c = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        let name = reference
                            .decode()
                            .map_err(|e| bad(format!("{e} (near byte {at})")))?;
                        match predefined(&name) {
                            Some(c) => c,
                            None => {
                                return Err(bad(format!(
                                    "it uses an entity `&{name};` that XML does not define (near byte {at})"
                                )));
                            }
                        }
                    }
                    Err(e) => return Err(bad(format!("{e} (near byte {at})"))),
                };
                push_text(
                    stack.last_mut().expect("the root"),
                    c.encode_utf8(&mut [0; 4]),
                );
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
        buf.clear();
    }
    if stack.len() != 1 {
        return Err(bad("it ends before its elements are closed".to_string()));
    }
    let mut root = stack.pop().expect("checked");
    let mut elements = root.children.drain(..).filter_map(|n| match n {
        Node::Element(e) => Some(e),
        Node::Text(_) => None,
    });
    match (elements.next(), elements.next()) {
        (Some(e), None) => Ok(e),
        (None, _) => Err(bad("it holds no element".to_string())),
        (Some(_), Some(_)) => Err(bad("it has more than one root element".to_string())),
    }
}

/// Text is joined to the text just before it, so that `a&amp;b` is one text.
fn push_text(parent: &mut Element, text: &str) {
    if let Some(Node::Text(last)) = parent.children.last_mut() {
        last.push_str(text);
    } else {
        parent.children.push(Node::Text(text.to_string()));
    }
}

/// The five entities XML defines.
fn predefined(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_local_and_text_is_decoded() {
        let root = parse(
            "word/document.xml",
            br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:p><w:r><w:t xml:space="preserve">a &amp; b &#x263A;</w:t></w:r><w:vanish w:val="0"/></w:p></w:document>"#,
        )
        .unwrap();
        assert_eq!(root.name, "document");
        let p = root.child("p").unwrap();
        let t = p.find("t").unwrap();
        assert_eq!(t.children, vec![Node::Text("a & b \u{263A}".to_string())]);
        assert_eq!(t.attr("space"), Some("preserve"));
        assert_eq!(p.flag("vanish"), Some(false));
    }

    #[test]
    fn malformed_parts_are_errors_naming_the_part() {
        for bad in [
            &b"<a><b></a>"[..],
            b"<a>",
            b"",
            b"<a/><b/>",
            b"<a>&secret;</a>",
            b"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
            b"<a x='1' x='2'/>",
            b"\xff\xfe<\x00a\x00/\x00>\x00",
        ] {
            match parse("word/comments.xml", bad) {
                Err(ImportError::Malformed { part, .. }) => assert_eq!(part, "word/comments.xml"),
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(bad)),
            }
        }
        let deep = "<a>".repeat(MAX_DEPTH + 2) + &"</a>".repeat(MAX_DEPTH + 2);
        assert!(matches!(
            parse("p", deep.as_bytes()),
            Err(ImportError::Malformed { .. })
        ));
    }
}
