//! A small regular-expression engine for `$regex` and `/…/` literals: literals, `.`, anchors,
//! classes (`[a-z]`, `\d \w \s`), groups, alternation and greedy or lazy quantifiers, with
//! the `i`, `m` and `s` flags.
//!
//! Invariants: matching never recurses and does bounded work. The pattern compiles to a small
//! program run by a backtracking machine with an explicit stack and a visited set over
//! (instruction, position), so each pair is tried once: O(program × text) time, even for
//! patterns such as `^(a+)+$` that make naive backtrackers explode. Programs are capped at
//! [`MAX_PROGRAM`] instructions and the visited set at [`MAX_VISITED`] entries; a search that
//! would exceed the latter reports no match.

/// Largest compiled program accepted (counted repetitions are expanded).
pub const MAX_PROGRAM: usize = 20_000;
/// Largest (instruction × position) table a search may use.
pub const MAX_VISITED: usize = 32 * 1024 * 1024;

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

/// One instruction of a compiled pattern.
#[derive(Clone, Debug, PartialEq)]
enum Inst {
    Char(char),
    Any,
    Start,
    End,
    WordBoundary(bool),
    Class(Vec<ClassItem>, bool),
    /// Try the first target, then the second.
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Regex {
    prog: Vec<Inst>,
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
        let mut prog = Vec::new();
        compile(&Node::Group(alts), &mut prog)?;
        prog.push(Inst::Match);
        Ok(Regex {
            prog,
            icase: flags.contains('i'),
            multiline: flags.contains('m'),
            dotall: flags.contains('s'),
        })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let s: Vec<char> = text.chars().collect();
        let width = s.len() + 1;
        let Some(cells) = self.prog.len().checked_mul(width) else {
            return false;
        };
        if cells > MAX_VISITED {
            return false;
        }
        let mut visited = vec![false; cells];
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for start in 0..width {
            stack.push((0, start));
            while let Some((mut pc, mut p)) = stack.pop() {
                loop {
                    let cell = pc * width + p;
                    if visited[cell] {
                        break;
                    }
                    visited[cell] = true;
                    match &self.prog[pc] {
                        Inst::Match => return true,
                        Inst::Jmp(t) => pc = *t,
                        Inst::Split(a, b) => {
                            stack.push((*b, p));
                            pc = *a;
                        }
                        Inst::Start => {
                            if p == 0 || (self.multiline && s.get(p - 1) == Some(&'\n')) {
                                pc += 1;
                            } else {
                                break;
                            }
                        }
                        Inst::End => {
                            if p == s.len() || (self.multiline && s.get(p) == Some(&'\n')) {
                                pc += 1;
                            } else {
                                break;
                            }
                        }
                        Inst::WordBoundary(want) => {
                            let w = |c: Option<&char>| {
                                c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
                            };
                            let at = w(if p == 0 { None } else { s.get(p - 1) }) != w(s.get(p));
                            if at == *want {
                                pc += 1;
                            } else {
                                break;
                            }
                        }
                        inst => {
                            let Some(&x) = s.get(p) else {
                                break;
                            };
                            let ok = match inst {
                                Inst::Char(c) => {
                                    if self.icase {
                                        x.to_lowercase().eq(c.to_lowercase())
                                    } else {
                                        x == *c
                                    }
                                }
                                Inst::Any => self.dotall || x != '\n',
                                Inst::Class(items, negated) => {
                                    items.iter().any(|it| self.class_hit(it, x)) != *negated
                                }
                                _ => false,
                            };
                            if !ok {
                                break;
                            }
                            pc += 1;
                            p += 1;
                        }
                    }
                }
            }
        }
        false
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

/// Appends the instructions for `node`; jump targets are absolute.
fn compile(node: &Node, prog: &mut Vec<Inst>) -> Result<(), String> {
    if prog.len() > MAX_PROGRAM {
        return Err("regular expression is too large".into());
    }
    match node {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Start => prog.push(Inst::Start),
        Node::End => prog.push(Inst::End),
        Node::WordBoundary(b) => prog.push(Inst::WordBoundary(*b)),
        Node::Class(items, neg) => prog.push(Inst::Class(items.clone(), *neg)),
        Node::Group(alts) => {
            let mut jumps = Vec::new();
            for (i, alt) in alts.iter().enumerate() {
                let last = i + 1 == alts.len();
                let split = prog.len();
                if !last {
                    prog.push(Inst::Split(split + 1, 0));
                }
                for n in alt {
                    compile(n, prog)?;
                }
                if !last {
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let next = prog.len();
                    prog[split] = Inst::Split(split + 1, next);
                }
            }
            let end = prog.len();
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat(inner, min, max, lazy) => {
            for _ in 0..*min {
                compile(inner, prog)?;
            }
            match max {
                None => {
                    let split = prog.len();
                    prog.push(Inst::Split(0, 0));
                    compile(inner, prog)?;
                    prog.push(Inst::Jmp(split));
                    let exit = prog.len();
                    prog[split] = if *lazy {
                        Inst::Split(exit, split + 1)
                    } else {
                        Inst::Split(split + 1, exit)
                    };
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(prog.len());
                        prog.push(Inst::Split(0, 0));
                        compile(inner, prog)?;
                    }
                    let exit = prog.len();
                    for sp in splits {
                        prog[sp] = if *lazy {
                            Inst::Split(exit, sp + 1)
                        } else {
                            Inst::Split(sp + 1, exit)
                        };
                    }
                }
            }
        }
    }
    Ok(())
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
        let long = "a".repeat(100_000) + "z";
        assert!(Regex::new("a.*z", "").unwrap().is_match(&long));
        assert!(Regex::new("(a{1000}){1000}", "").is_err());
    }
}
