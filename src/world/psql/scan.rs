//! psql's input scanner (psqlscan.l in miniature): it splits what the user
//! types into SQL statements, ended by `;` outside quotes, comments and
//! parentheses, and backslash meta-commands; and it knows the state the
//! prompt shows (`-#` continuing, `'#` in a string, `(#` in parentheses).

/// What one line produced, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// A complete statement, its `;` included, as psql sends it.
    Sql(String),
    /// A meta-command: the text after the backslash (`d users`).
    Meta(String),
}

/// The scanner's state between lines: the query buffer and what is open in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanner {
    /// The statement typed so far, not yet ended by `;`.
    pub buffer: String,
    quote: Option<char>,
    /// The tag of an open dollar quote (`$$` or `$tag$`).
    dollar: Option<String>,
    block_comment: usize,
    parens: usize,
}

impl Scanner {
    /// The prompt's middle character: `=`, `-`, `'`, `"` or `(`.
    pub fn state_char(&self) -> char {
        if self.dollar.is_some() {
            return '$';
        }
        match (self.quote, self.parens, self.buffer.trim().is_empty()) {
            (Some(q), _, _) => q,
            (None, 0, true) if self.block_comment == 0 => '=',
            (None, p, _) if p > 0 => '(',
            _ => '-',
        }
    }

    /// Forgets the query buffer (`\r`, or a connection reset).
    pub fn reset(&mut self) {
        *self = Scanner::default();
    }

    /// Scans one input line.
    pub fn feed(&mut self, line: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        if !self.buffer.trim().is_empty() {
            self.buffer.push('\n');
        }
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if self.block_comment > 0 {
                self.buffer.push(c);
                if c == '*' && next == Some('/') {
                    self.buffer.push('/');
                    self.block_comment -= 1;
                    i += 1;
                } else if c == '/' && next == Some('*') {
                    self.buffer.push('*');
                    self.block_comment += 1;
                    i += 1;
                }
                i += 1;
                continue;
            }
            if let Some(tag) = &self.dollar {
                if chars[i..].starts_with(&tag.chars().collect::<Vec<_>>()) {
                    self.buffer.push_str(tag);
                    i += tag.chars().count();
                    self.dollar = None;
                } else {
                    self.buffer.push(c);
                    i += 1;
                }
                continue;
            }
            if let Some(q) = self.quote {
                self.buffer.push(c);
                if c == q {
                    if next == Some(q) {
                        self.buffer.push(q);
                        i += 1;
                    } else {
                        self.quote = None;
                    }
                }
                i += 1;
                continue;
            }
            match c {
                '\'' | '"' => {
                    self.quote = Some(c);
                    self.buffer.push(c);
                }
                '-' if next == Some('-') => {
                    // A comment runs to the end of the line; psql drops it
                    // when nothing else is in the buffer.
                    if !self.buffer.trim().is_empty() {
                        self.buffer.extend(&chars[i..]);
                    }
                    break;
                }
                '/' if next == Some('*') => {
                    self.block_comment += 1;
                    self.buffer.push_str("/*");
                    i += 1;
                }
                '$' if dollar_tag(&chars[i..]).is_some() => {
                    let tag = dollar_tag(&chars[i..]).unwrap_or_default();
                    i += tag.chars().count();
                    self.buffer.push_str(&tag);
                    self.dollar = Some(tag);
                    continue;
                }
                '(' => {
                    self.parens += 1;
                    self.buffer.push(c);
                }
                ')' => {
                    self.parens = self.parens.saturating_sub(1);
                    self.buffer.push(c);
                }
                ';' if self.parens == 0 => {
                    self.buffer.push(';');
                    let statement = std::mem::take(&mut self.buffer).trim().to_string();
                    pieces.push(Piece::Sql(statement));
                }
                '\\' => {
                    let rest: String = chars[i + 1..].iter().collect();
                    pieces.push(Piece::Meta(rest));
                    break;
                }
                c => {
                    if !(self.buffer.is_empty() && c.is_whitespace()) {
                        self.buffer.push(c);
                    }
                }
            }
            i += 1;
        }
        if self.buffer.trim().is_empty() {
            self.buffer.clear();
        }
        pieces
    }
}

/// `$$` or `$tag$` at the start of `chars`, when it opens a dollar quote.
fn dollar_tag(chars: &[char]) -> Option<String> {
    let end = chars.iter().skip(1).position(|&c| c == '$')? + 1;
    let tag = &chars[1..end];
    let valid = tag
        .iter()
        .enumerate()
        .all(|(i, &c)| c == '_' || c.is_alphabetic() || (i > 0 && c.is_ascii_digit()));
    valid.then(|| chars[..=end].iter().collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dollar_quotes_hide_semicolons() {
        let mut s = Scanner::default();
        assert!(s.feed("SELECT $$a;b").is_empty());
        assert_eq!(s.state_char(), '$');
        assert_eq!(
            s.feed("c$$;"),
            vec![Piece::Sql("SELECT $$a;b\nc$$;".into())]
        );
        assert_eq!(
            s.feed("SELECT $x$;$x$, $1;"),
            vec![Piece::Sql("SELECT $x$;$x$, $1;".into())]
        );
    }

    use super::*;

    #[test]
    fn statements_end_at_semicolons_outside_quotes() {
        let mut s = Scanner::default();
        assert_eq!(
            s.feed("SELECT 'a;b'; SELECT (1;"),
            vec![Piece::Sql("SELECT 'a;b';".into())]
        );
        assert_eq!(s.state_char(), '(');
        assert_eq!(s.feed("2);"), vec![Piece::Sql("SELECT (1;\n2);".into())]);
        assert_eq!(s.state_char(), '=');
    }

    #[test]
    fn continuation_and_quotes_show_in_the_prompt() {
        let mut s = Scanner::default();
        assert!(s.feed("SELECT").is_empty());
        assert_eq!(s.state_char(), '-');
        assert!(s.feed("'open").is_empty());
        assert_eq!(s.state_char(), '\'');
        assert_eq!(s.feed("';"), vec![Piece::Sql("SELECT\n'open\n';".into())]);
    }

    #[test]
    fn meta_commands_take_the_rest_of_the_line() {
        let mut s = Scanner::default();
        assert_eq!(s.feed("\\d users"), vec![Piece::Meta("d users".into())]);
        assert_eq!(s.feed("-- just a comment"), vec![]);
        assert_eq!(s.state_char(), '=');
    }
}
