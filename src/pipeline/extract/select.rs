//! Resolving `select` and `remove` against a parsed page: which subtrees (or ranges) to render
//! and which elements (or ranges) to leave out.

use std::collections::{HashMap, HashSet};

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use super::ExtractError;
use crate::domain::declaration::{RangeEnd, RangeStart, Selector};

/// Something to render: a subtree, or the whole page limited to a range of text.
pub(super) struct Root<'a> {
    pub(super) node: NodeRef<'a, Node>,
    /// Half-open range of document-order positions whose text is kept.
    pub(super) range: Option<(usize, usize)>,
}

/// What to leave out while rendering.
pub(super) struct Filter {
    removed: HashSet<NodeId>,
    /// Document-order position of every node; only built when ranges are used.
    order: HashMap<NodeId, usize>,
    excluded: Vec<(usize, usize)>,
}

impl Filter {
    pub(super) fn is_removed(&self, id: NodeId) -> bool {
        self.removed.contains(&id)
    }

    /// Whether a text node is kept, given the range of the root being rendered.
    pub(super) fn text_allowed(&self, id: NodeId, include: Option<(usize, usize)>) -> bool {
        if include.is_none() && self.excluded.is_empty() {
            return true;
        }
        let Some(&position) = self.order.get(&id) else {
            return true;
        };
        let inside = |(start, end): (usize, usize)| start <= position && position < end;
        include.is_none_or(inside) && !self.excluded.iter().copied().any(inside)
    }
}

/// Resolves the selectors: every root to render, in order, and the filter to apply.
pub(super) fn plan<'a>(
    document: &'a Html,
    select: &[Selector],
    remove: &[Selector],
) -> Result<(Vec<Root<'a>>, Filter), ExtractError> {
    let uses_ranges = select.iter().chain(remove).any(|s| matches!(s, Selector::Range { .. }));
    let order = if uses_ranges {
        document.tree.root().descendants().enumerate().map(|(i, node)| (node.id(), i)).collect()
    } else {
        HashMap::new()
    };
    let mut filter = Filter { removed: HashSet::new(), order, excluded: Vec::new() };
    for selector in remove {
        match selector {
            Selector::Css(css) => {
                filter.removed.extend(document.select(&compile(css)?).map(|element| element.id()));
            }
            Selector::Range { start, end } => {
                if let Some(range) = resolve_range(document, &filter.order, start, end)? {
                    filter.excluded.push(range);
                }
            }
        }
    }
    let roots = select_roots(document, select, &filter)?;
    Ok((roots, filter))
}

fn select_roots<'a>(document: &'a Html, select: &[Selector], filter: &Filter) -> Result<Vec<Root<'a>>, ExtractError> {
    let mut roots = Vec::new();
    let mut chosen: HashSet<NodeId> = HashSet::new();
    for selector in select {
        let before = roots.len();
        match selector {
            Selector::Css(css) => {
                for element in document.select(&compile(css)?) {
                    chosen.insert(element.id());
                    roots.push(Root { node: *element, range: None });
                }
            }
            Selector::Range { start, end } => {
                if let Some(range) = resolve_range(document, &filter.order, start, end)? {
                    roots.push(Root { node: document.tree.root(), range: Some(range) });
                }
            }
        }
        if roots.len() == before {
            return Err(ExtractError::NothingSelected { selector: selector.to_string() });
        }
    }
    // A match inside another match (or inside removed content) would repeat or resurrect text.
    let mut seen = HashSet::new();
    roots.retain(|root| {
        root.range.is_some()
            || (seen.insert(root.node.id())
                && !root.node.ancestors().any(|a| chosen.contains(&a.id()) || filter.is_removed(a.id())))
    });
    Ok(roots)
}

/// The half-open document-order range a range selector covers (`None` if it is empty).
fn resolve_range(
    document: &Html,
    order: &HashMap<NodeId, usize>,
    start: &RangeStart,
    end: &RangeEnd,
) -> Result<Option<(usize, usize)>, ExtractError> {
    let (start_css, start_before) = match start {
        RangeStart::Before(css) => (css, true),
        RangeStart::After(css) => (css, false),
    };
    let (end_css, end_before) = match end {
        RangeEnd::Before(css) => (css, true),
        RangeEnd::After(css) => (css, false),
    };
    let (first, after_start) = span(document, order, start_css)?;
    let (end_first, after_end) = span(document, order, end_css)?;
    let from = if start_before { first } else { after_start };
    let to = if end_before { end_first } else { after_end };
    Ok((from < to).then_some((from, to)))
}

/// The position of the first element matching `css` and the position just after its subtree.
fn span(document: &Html, order: &HashMap<NodeId, usize>, css: &str) -> Result<(usize, usize), ExtractError> {
    let nothing = || ExtractError::NothingSelected { selector: css.to_owned() };
    let element = document.select(&compile(css)?).next().ok_or_else(nothing)?;
    let position = |node: NodeRef<'_, Node>| order.get(&node.id()).copied().ok_or_else(nothing);
    let first = position(*element)?;
    let last = element.descendants().last().map_or(Ok(first), position)?;
    Ok((first, last + 1))
}

/// Parses a CSS selector, naming it in the error.
pub(super) fn compile(css: &str) -> Result<scraper::Selector, ExtractError> {
    scraper::Selector::parse(css)
        .map_err(|err| ExtractError::InvalidSelector { selector: css.to_owned(), reason: err.to_string() })
}
