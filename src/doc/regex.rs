//! A small backtracking regular-expression engine for `$regex` and `/…/` literals: literals,
//! `.`, anchors, classes (`[a-z]`, `\d \w \s`), groups, alternation and greedy or lazy
//! quantifiers, with the `i`, `m` and `s` flags.
//!
//! Invariant: matching does bounded work ([`STEP_LIMIT`] steps); a pattern that would
//! backtrack catastrophically simply does not match.

/// Upper bound on matcher steps per subject string.
pub const STEP_LIMIT: usize = 200_000;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Char(char),
    Any,
    Start,
    End,
    WordBoundary(bool),
    Class(Vec<ClassItem>, bool),
    Group(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, Option<usize>, bool),
}

#[derive(Clone, Debug, PartialEq)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

/// A compiled pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Regex {
    alts: Vec<Vec<Node>>,
    icase: bool,
    multiline: bool,
    dotall: bool,
}

impl Regex {
    /// Compiles `pattern` with JavaScript/PCRE flags; `Err` carries the reason.
    pub fn new(pattern: &str, flags: &str) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let alts = parse_alts(&chars, &mut pos, 0)?;
        if pos < chars.len() {
            return Err("unmatched parentheses".into());
        }
        Ok(Regex {
            alts,
            icase: flags.contains('i'),
            multiline: flags.contains('m'),
            dotall: flags.contains('s'),
        })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let mut steps = 0usize;
        for start in 0..=chars.len() {
            let group = Node::Group(self.alts.clone());
            if self.m(&[group], 0, &chars, start, &mut steps) {
                return true;
            }
            if steps > STEP_LIMIT {
                return false;
            }
        }
        false
    }

    fn m(&self, nodes: &[Node], i: usize, s: &[char], p: usize, steps: &mut usize) -> bool {
        self.m_cont(nodes, i, s, p, steps, &mut |_, _| true)
    }

    fn m_cont(
        &self,
        nodes: &[Node],
        i: usize,
        s: &[char],
        p: usize,
        steps: &mut usize,
        k: &mut dyn FnMut(usize, &mut usize) -> bool,
    ) -> bool {
        *steps += 1;
        if *steps > STEP_LIMIT {
            return false;
        }
        let Some(node) = nodes.get(i) else {
            return k(p, steps);
        };
        match node {
            Node::Repeat(inner, min, max, lazy) => {
                self.repeat(inner, *min, *max, *lazy, 0, nodes, i, s, p, steps, k)
            }
            Node::Group(alts) => {
                for alt in alts {
                    let mut next =
                        |q: usize, st: &mut usize| self.m_cont(nodes, i + 1, s, q, st, k);
                    if self.m_cont(alt, 0, s, p, steps, &mut next) {
                        return true;
                    }
                    if *steps > STEP_LIMIT {
                        return false;
                    }
                }
                false
            }
            single => match self.step(single, s, p) {
                Some(q) => self.m_cont(nodes, i + 1, s, q, steps, k),
                None => false,
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn repeat(
        &self,
        inner: &Node,
        min: usize,
        max: Option<usize>,
        lazy: bool,
        count: usize,
        nodes: &[Node],
        i: usize,
        s: &[char],
        p: usize,
        steps: &mut usize,
        k: &mut dyn FnMut(usize, &mut usize) -> bool,
    ) -> bool {
        *steps += 1;
        if *steps > STEP_LIMIT {
            return false;
        }
        let can_more = max.is_none_or(|m| count < m);
        let try_more = |steps: &mut usize, k: &mut dyn FnMut(usize, &mut usize) -> bool| {
            if !can_more {
                return false;
            }
            let one = [inner.clone()];
            let mut next = |q: usize, st: &mut usize| {
                q != p && self.repeat(inner, min, max, lazy, count + 1, nodes, i, s, q, st, k)
            };
            self.m_cont(&one, 0, s, p, steps, &mut next)
        };
        if count < min {
            let one = [inner.clone()];
            let mut next = |q: usize, st: &mut usize| {
                self.repeat(inner, min, max, lazy, count + 1, nodes, i, s, q, st, k)
            };
            return self.m_cont(&one, 0, s, p, steps, &mut next);
        }
        // Greedy tries one more repetition first; lazy tries the rest of the pattern first.
        if lazy {
            if self.m_cont(nodes, i + 1, s, p, steps, k) {
                return true;
            }
            try_more(steps, k)
        } else {
            if try_more(steps, k) {
                return true;
            }
            self.m_cont(nodes, i + 1, s, p, steps, k)
        }
    }

    fn step(&self, node: &Node, s: &[char], p: usize) -> Option<usize> {
        match node {
            Node::Char(c) => {
                let x = *s.get(p)?;
                let eq = if self.icase {
                    x.to_lowercase().eq(c.to_lowercase())
                } else {
                    x == *c
                };
                eq.then_some(p + 1)
            }
            Node::Any => {
                let x = *s.get(p)?;
                (self.dotall || x != '\n').then_some(p + 1)
            }
            Node::Start => (p == 0 || (self.multiline && s.get(p - 1) == Some(&'\n'))).then_some(p),
            Node::End => (p == s.len() || (self.multiline && s.get(p) == Some(&'\n'))).then_some(p),
            Node::WordBoundary(want) => {
                let w = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
                let at = w(if p == 0 { None } else { s.get(p - 1) }) != w(s.get(p));
                (at == *want).then_some(p)
            }
            Node::Class(items, negated) => {
                let x = *s.get(p)?;
                let hit = items.iter().any(|it| self.class_hit(it, x));
                (hit != *negated).then_some(p + 1)
            }
            Node::Group(_) | Node::Repeat(..) => None,
        }
    }

    fn class_hit(&self, item: &ClassItem, x: char) -> bool {
        match item {
            ClassItem::Range(a, b) => {
                if (*a..=*b).contains(&x) {
                    return true;
                }
                if self.icase {
                    let lo = x.to_lowercase().next().unwrap_or(x);
                    let up = x.to_uppercase().next().unwrap_or(x);
                    return (*a..=*b).contains(&lo) || (*a..=*b).contains(&up);
                }
                false
            }
            ClassItem::Digit(pos) => x.is_ascii_digit() == *pos,
            ClassItem::Word(pos) => (x.is_ascii_alphanumeric() || x == '_') == *pos,
            ClassItem::Space(pos) => x.is_whitespace() == *pos,
        }
    }
}

fn parse_alts(c: &[char], pos: &mut usize, depth: usize) -> Result<Vec<Vec<Node>>, String> {
    if depth > 32 {
        return Err("pattern nested too deeply".into());
    }
    let mut alts = vec![Vec::new()];
    while *pos < c.len() {
        let ch = c[*pos];
        match ch {
            '|' => {
                *pos += 1;
                alts.push(Vec::new());
                continue;
            }
            ')' => break,
            _ => {}
        }
        let atom = parse_atom(c, pos, depth)?;
        let atom = parse_quant(c, pos, atom)?;
        if let Some(seq) = alts.last_mut() {
            seq.push(atom);
        }
    }
    Ok(alts)
}

fn parse_atom(c: &[char], pos: &mut usize, depth: usize) -> Result<Node, String> {
    let ch = c[*pos];
    *pos += 1;
    Ok(match ch {
        '.' => Node::Any,
        '^' => Node::Start,
        '$' => Node::End,
        '(' => {
            if c.get(*pos) == Some(&'?') {
                if c.get(*pos + 1) == Some(&':') {
                    *pos += 2;
                } else {
                    return Err("unsupported group".into());
                }
            }
            let alts = parse_alts(c, pos, depth + 1)?;
            if c.get(*pos) != Some(&')') {
                return Err("missing closing parenthesis".into());
            }
            *pos += 1;
            Node::Group(alts)
        }
        '[' => parse_class(c, pos)?,
        '\\' => parse_escape(c, pos)?,
        '*' | '+' | '?' => return Err("quantifier does not follow a repeatable item".into()),
        other => Node::Char(other),
    })
}

fn parse_escape(c: &[char], pos: &mut usize) -> Result<Node, String> {
    let e = *c.get(*pos).ok_or("\\ at end of pattern")?;
    *pos += 1;
    Ok(match e {
        'd' => Node::Class(vec![ClassItem::Digit(true)], false),
        'D' => Node::Class(vec![ClassItem::Digit(false)], false),
        'w' => Node::Class(vec![ClassItem::Word(true)], false),
        'W' => Node::Class(vec![ClassItem::Word(false)], false),
        's' => Node::Class(vec![ClassItem::Space(true)], false),
        'S' => Node::Class(vec![ClassItem::Space(false)], false),
        'b' => Node::WordBoundary(true),
        'B' => Node::WordBoundary(false),
        'n' => Node::Char('\n'),
        't' => Node::Char('\t'),
        other => Node::Char(other),
    })
}

fn parse_class(c: &[char], pos: &mut usize) -> Result<Node, String> {
    let mut negated = false;
    if c.get(*pos) == Some(&'^') {
        negated = true;
        *pos += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let ch = *c
            .get(*pos)
            .ok_or("missing terminating ] for character class")?;
        if ch == ']' && !first {
            *pos += 1;
            break;
        }
        first = false;
        *pos += 1;
        let lo = if ch == '\\' {
            let e = *c.get(*pos).ok_or("\\ at end of pattern")?;
            *pos += 1;
            match e {
                'd' => {
                    items.push(ClassItem::Digit(true));
                    continue;
                }
                'w' => {
                    items.push(ClassItem::Word(true));
                    continue;
                }
                's' => {
                    items.push(ClassItem::Space(true));
                    continue;
                }
                'n' => '\n',
                't' => '\t',
                other => other,
            }
        } else {
            ch
        };
        if c.get(*pos) == Some(&'-') && c.get(*pos + 1).is_some_and(|x| *x != ']') {
            let hi = c[*pos + 1];
            *pos += 2;
            if hi < lo {
                return Err("range out of order in character class".into());
            }
            items.push(ClassItem::Range(lo, hi));
        } else {
            items.push(ClassItem::Range(lo, lo));
        }
    }
    Ok(Node::Class(items, negated))
}

fn parse_quant(c: &[char], pos: &mut usize, atom: Node) -> Result<Node, String> {
    let (min, max) = match c.get(*pos) {
        Some('*') => (0, None),
        Some('+') => (1, None),
        Some('?') => (0, Some(1)),
        Some('{') => {
            let close = c[*pos..].iter().position(|x| *x == '}');
            let Some(close) = close else {
                return Ok(atom);
            };
            let body: String = c[*pos + 1..*pos + close].iter().collect();
            let (a, b) = match body.split_once(',') {
                Some((a, b)) => (a.trim().to_string(), Some(b.trim().to_string())),
                None => (body.trim().to_string(), None),
            };
            let Ok(min) = a.parse::<usize>() else {
                return Ok(atom);
            };
            let max = match b {
                None => Some(min),
                Some(b) if b.is_empty() => None,
                Some(b) => Some(b.parse::<usize>().map_err(|_| "bad repeat")?),
            };
            if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                return Err("bad repetition count".into());
            }
            *pos += close;
            (min, max)
        }
        _ => return Ok(atom),
    };
    if matches!(atom, Node::Start | Node::End | Node::WordBoundary(_)) {
        return Err("quantifier does not follow a repeatable item".into());
    }
    *pos += 1;
    let lazy = c.get(*pos) == Some(&'?');
    if lazy {
        *pos += 1;
    }
    Ok(Node::Repeat(Box::new(atom), min, max, lazy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_pcre() {
        let cases = [
            ("ab", "", "xaby", true),
            ("^ab", "", "xab", false),
            ("^A", "i", "ada", true),
            ("a.c", "", "abc", true),
            ("colou?r", "", "color", true),
            ("^[a-z]+@[a-z]+\\.com$", "", "ada@lab.com", true),
            ("^\\d{3}-\\d{4}$", "", "555-1234", true),
            ("(cat|dog)s?$", "", "hotdogs", true),
            (
                "^(a+)+$",
                "",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
                false,
            ),
        ];
        for (p, f, s, want) in cases {
            assert_eq!(Regex::new(p, f).unwrap().is_match(s), want, "{p} on {s}");
        }
        assert!(Regex::new("(", "").is_err());
    }
}
