//! The command-line parser: bash's quoting, expansions, operators,
//! redirections and here-documents, for one input that may span lines.
//!
//! The parser tells a complete input from one that needs more lines
//! (`Error::Incomplete`: an open quote, a trailing `&&`, a here-document not
//! yet closed), so the terminal can show bash's `> ` continuation prompt.

use super::ast::{
    AndOr, Connector, HereDoc, Part, Pipeline, Redirect, RedirectOp, Script, Simple, Word,
};

/// Why an input could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// More lines are needed; the text is what bash says if the input ends here.
    Incomplete(String),
    /// A syntax error, worded as bash words it (without the `bash: ` prefix).
    Syntax(String),
}

/// The longest input the parser accepts, so no input can make it work for long.
pub const MAX_INPUT: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(Word, String),
    Op(&'static str),
    Newline,
    Eof,
}

impl Token {
    /// The token as bash names it in `syntax error near unexpected token`.
    fn describe(&self) -> String {
        match self {
            Token::Word(_, raw) => raw.clone(),
            Token::Op(op) => (*op).to_string(),
            Token::Newline | Token::Eof => "newline".to_string(),
        }
    }
}

/// Parses a whole input. With `final_input`, an unclosed here-document runs
/// to the end of the input with bash's warning instead of asking for more.
pub fn parse(input: &str, final_input: bool) -> Result<Script, Error> {
    if input.len() > MAX_INPUT {
        return Err(Error::Syntax("input too long".to_string()));
    }
    let mut parser = Parser {
        chars: input.chars().collect(),
        pos: 0,
        line: 1,
        pending: Vec::new(),
        script: Script::default(),
        peeked: None,
        final_input,
    };
    parser.parse_script()?;
    Ok(parser.script)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    /// Here-documents whose bodies start after the next newline: (index, delimiter, strip tabs).
    pending: Vec<(usize, String, bool)>,
    script: Script,
    peeked: Option<Token>,
    final_input: bool,
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

fn unexpected(token: &Token) -> Error {
    match token {
        Token::Eof => Error::Incomplete("syntax error: unexpected end of file".to_string()),
        t => Error::Syntax(format!(
            "syntax error near unexpected token `{}'",
            t.describe()
        )),
    }
}

impl Parser {
    fn peek_char(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn char_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn peek(&mut self) -> Result<Token, Error> {
        if self.peeked.is_none() {
            let token = self.lex()?;
            self.peeked = Some(token);
        }
        Ok(self.peeked.clone().unwrap_or(Token::Eof))
    }

    fn next(&mut self) -> Result<Token, Error> {
        let token = self.peek()?;
        self.peeked = None;
        if token == Token::Newline {
            self.read_heredoc_bodies()?;
        }
        Ok(token)
    }

    fn parse_script(&mut self) -> Result<(), Error> {
        loop {
            match self.peek()? {
                Token::Eof => break,
                Token::Newline => {
                    self.next()?;
                }
                _ => {
                    let mut list = self.parse_and_or()?;
                    let next = self.peek()?;
                    list.background = next == Token::Op("&");
                    self.script.lists.push(list);
                    match next {
                        Token::Op(";") | Token::Op("&") => {
                            self.next()?;
                            if let Token::Op(op @ (";" | "&")) = self.peek()? {
                                return Err(unexpected(&Token::Op(op)));
                            }
                        }
                        Token::Newline | Token::Eof => {}
                        t => return Err(unexpected(&t)),
                    }
                }
            }
        }
        if !self.pending.is_empty() {
            self.read_heredoc_bodies()?;
        }
        Ok(())
    }

    fn skip_newlines(&mut self) -> Result<(), Error> {
        while self.peek()? == Token::Newline {
            self.next()?;
        }
        Ok(())
    }

    fn parse_and_or(&mut self) -> Result<AndOr, Error> {
        let line = self.line;
        let first = self.parse_pipeline()?;
        let mut rest = Vec::new();
        loop {
            let connector = match self.peek()? {
                Token::Op("&&") => Connector::And,
                Token::Op("||") => Connector::Or,
                _ => break,
            };
            self.next()?;
            self.skip_newlines()?;
            rest.push((connector, self.parse_pipeline()?));
        }
        Ok(AndOr {
            first,
            rest,
            background: false,
            line,
        })
    }

    fn parse_pipeline(&mut self) -> Result<Pipeline, Error> {
        let mut commands = vec![self.parse_simple()?];
        while self.peek()? == Token::Op("|") {
            self.next()?;
            self.skip_newlines()?;
            commands.push(self.parse_simple()?);
        }
        Ok(Pipeline { commands })
    }

    fn parse_simple(&mut self) -> Result<Simple, Error> {
        let mut simple = Simple::default();
        loop {
            match self.peek()? {
                Token::Word(word, raw) => {
                    self.next()?;
                    match assignment(&word, &raw) {
                        Some((name, value)) if simple.words.is_empty() => {
                            simple.assigns.push((name, value))
                        }
                        _ => simple.words.push(word),
                    }
                }
                Token::Op(op) if op.contains('<') || op.contains('>') => {
                    self.next()?;
                    let redirect = self.parse_redirect(op)?;
                    simple.redirects.push(redirect);
                }
                Token::Op("(") => {
                    self.next()?;
                    return Err(self.function_definition(&simple)?);
                }
                t => {
                    if simple.words.is_empty()
                        && simple.assigns.is_empty()
                        && simple.redirects.is_empty()
                    {
                        return Err(unexpected(&t));
                    }
                    return Ok(simple);
                }
            }
        }
    }

    /// `name(` starts a function definition in bash, which the lab does not
    /// run; anything else before `(` is a syntax error. Either way the answer is
    /// bash's own error, at once, rather than a continuation prompt.
    fn function_definition(&mut self, simple: &Simple) -> Result<Error, Error> {
        if simple.words.len() != 1 || !simple.redirects.is_empty() {
            return Ok(unexpected(&Token::Op("(")));
        }
        let after = self.next()?;
        if after != Token::Op(")") {
            return Ok(unexpected(&after));
        }
        Ok(match self.next()? {
            Token::Eof | Token::Newline => {
                Error::Syntax("syntax error: unexpected end of file".to_string())
            }
            t => unexpected(&t),
        })
    }

    fn parse_redirect(&mut self, op: &'static str) -> Result<Redirect, Error> {
        let (fd, kind) = op.split_at(op.find(['<', '>']).unwrap_or(0));
        let default_fd = if kind.starts_with('<') { 0 } else { 1 };
        let fd = fd.parse::<u8>().unwrap_or(default_fd);
        let target = match self.next()? {
            Token::Word(word, _) => word,
            Token::Eof => return Err(unexpected(&Token::Newline)),
            t => return Err(unexpected(&t)),
        };
        let op = match kind {
            ">" => RedirectOp::Write(target),
            ">>" => RedirectOp::Append(target),
            "<" => RedirectOp::Read(target),
            "<<<" => RedirectOp::HereString(target),
            ">&" => match target.literal().as_deref() {
                Some("1") => RedirectOp::Dup(1),
                Some("2") => RedirectOp::Dup(2),
                _ => RedirectOp::Write(target),
            },
            _ => {
                let delimiter = target.literal().unwrap_or_else(|| raw_text(&target));
                let index = self.script.heredocs.len();
                self.script.heredocs.push(HereDoc {
                    delimiter: delimiter.clone(),
                    body: String::new(),
                    expand: !target.has_quotes(),
                });
                self.pending.push((index, delimiter, kind == "<<-"));
                RedirectOp::HereDoc(index)
            }
        };
        Ok(Redirect { fd, op })
    }

    /// Reads the bodies of the pending here-documents, line by line, from
    /// just after the newline that ended their command.
    fn read_heredoc_bodies(&mut self) -> Result<(), Error> {
        for (index, delimiter, strip_tabs) in std::mem::take(&mut self.pending) {
            let start_line = self.line;
            let mut body = String::new();
            loop {
                if self.pos >= self.chars.len() {
                    if !self.final_input {
                        return Err(Error::Incomplete(String::new()));
                    }
                    self.script.warnings.push(format!(
                        "warning: here-document at line {} delimited by end-of-file (wanted `{delimiter}')",
                        start_line.saturating_sub(1).max(1)
                    ));
                    break;
                }
                let end = self.chars[self.pos..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(self.chars.len(), |i| self.pos + i);
                let mut line: String = self.chars[self.pos..end].iter().collect();
                self.pos = (end + 1).min(self.chars.len());
                self.line += 1;
                if strip_tabs {
                    line = line.trim_start_matches('\t').to_string();
                }
                if line == delimiter {
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            if let Some(doc) = self.script.heredocs.get_mut(index) {
                doc.body = body;
            }
        }
        Ok(())
    }

    fn lex(&mut self) -> Result<Token, Error> {
        loop {
            match self.peek_char() {
                Some(' ' | '\t') => self.pos += 1,
                Some('\\') if self.char_at(1) == Some('\n') => self.pos += 2,
                Some('#') => {
                    while self.peek_char().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let Some(c) = self.peek_char() else {
            return Ok(Token::Eof);
        };
        if c == '\n' {
            self.pos += 1;
            self.line += 1;
            return Ok(Token::Newline);
        }
        if let Some(op) = self.lex_operator() {
            return Ok(Token::Op(op));
        }
        self.lex_word()
    }

    fn lex_operator(&mut self) -> Option<&'static str> {
        const OPS: [&str; 16] = [
            "2>&", "1>&", "2>>", "1>>", "<<<", "<<-", "&&", "||", ">>", "<<", ">&", "2>", "1>",
            "0<", ";", "|",
        ];
        const SINGLE: [&str; 5] = ["&", "<", ">", "(", ")"];
        let rest: String = self.chars[self.pos..self.chars.len().min(self.pos + 3)]
            .iter()
            .collect();
        for op in OPS.iter().chain(SINGLE.iter()) {
            if rest.starts_with(op) {
                self.pos += op.chars().count();
                return Some(op);
            }
        }
        None
    }

    fn lex_word(&mut self) -> Result<Token, Error> {
        let start = self.pos;
        let mut parts: Vec<Part> = Vec::new();
        let mut bare = String::new();
        if self.peek_char() == Some('~') && self.char_at(1).is_none_or(|c| c == '/' || is_meta(c)) {
            self.pos += 1;
            parts.push(Part::Tilde);
        }
        while let Some(c) = self.peek_char() {
            if is_meta(c) {
                break;
            }
            match c {
                '\'' => {
                    flush(&mut bare, &mut parts);
                    self.pos += 1;
                    let text = self.read_until('\'')?;
                    parts.push(Part::Quoted(text));
                }
                '"' => {
                    flush(&mut bare, &mut parts);
                    self.pos += 1;
                    self.lex_double_quoted(&mut parts)?;
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek_char() {
                        Some('\n') => {
                            self.pos += 1;
                            self.line += 1;
                        }
                        Some(escaped) => {
                            flush(&mut bare, &mut parts);
                            parts.push(Part::Quoted(escaped.to_string()));
                            self.pos += 1;
                        }
                        None => bare.push('\\'),
                    }
                }
                '$' => {
                    self.pos += 1;
                    match self.lex_param(false)? {
                        Some(param) => {
                            flush(&mut bare, &mut parts);
                            parts.push(param);
                        }
                        None => bare.push('$'),
                    }
                }
                c => {
                    bare.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut bare, &mut parts);
        let raw: String = self.chars[start..self.pos].iter().collect();
        Ok(Token::Word(Word { parts }, raw))
    }

    fn read_until(&mut self, close: char) -> Result<String, Error> {
        let mut text = String::new();
        loop {
            match self.peek_char() {
                None => return Err(eof_in_quote(close)),
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(text);
                }
                Some(c) => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn lex_double_quoted(&mut self, parts: &mut Vec<Part>) -> Result<(), Error> {
        let mut text = String::new();
        // `""` is an empty word, not no word.
        parts.push(Part::Quoted(String::new()));
        loop {
            match self.peek_char() {
                None => return Err(eof_in_quote('"')),
                Some('"') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek_char() {
                        Some(c @ ('$' | '`' | '"' | '\\')) => {
                            text.push(c);
                            self.pos += 1;
                        }
                        Some('\n') => {
                            self.pos += 1;
                            self.line += 1;
                        }
                        _ => text.push('\\'),
                    }
                }
                Some('$') => {
                    self.pos += 1;
                    match self.lex_param(true)? {
                        Some(param) => {
                            parts.push(Part::Quoted(std::mem::take(&mut text)));
                            parts.push(param);
                        }
                        None => text.push('$'),
                    }
                }
                Some(c) => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        parts.push(Part::Quoted(text));
        Ok(())
    }

    /// After a `$`: `NAME`, `{NAME}`, `?`, or `None` for a literal dollar.
    fn lex_param(&mut self, quoted: bool) -> Result<Option<Part>, Error> {
        let param = |name: String| Part::Param { name, quoted };
        match self.peek_char() {
            Some(c @ ('?' | '$' | '#' | '0'..='9')) => {
                self.pos += 1;
                Ok(Some(param(c.to_string())))
            }
            Some('{') => {
                self.pos += 1;
                let name = self.read_until('}')?;
                if !super::super::vars::is_name(&name) && name != "?" {
                    return Err(Error::Syntax(format!("${{{name}}}: bad substitution")));
                }
                Ok(Some(param(name)))
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                let mut name = String::new();
                while let Some(c) = self.peek_char() {
                    if c == '_' || c.is_ascii_alphanumeric() {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok(Some(param(name)))
            }
            _ => Ok(None),
        }
    }
}

fn flush(bare: &mut String, parts: &mut Vec<Part>) {
    if !bare.is_empty() {
        parts.push(Part::Bare(std::mem::take(bare)));
    }
}

fn eof_in_quote(close: char) -> Error {
    Error::Incomplete(format!(
        "unexpected EOF while looking for matching `{close}'"
    ))
}

fn raw_text(word: &Word) -> String {
    word.parts
        .iter()
        .map(|p| match p {
            Part::Bare(s) | Part::Quoted(s) => s.clone(),
            Part::Param { name, .. } => format!("${name}"),
            Part::Tilde => "~".to_string(),
        })
        .collect()
}

/// `NAME=value` at the start of a command is an assignment, not a word.
fn assignment(word: &Word, raw: &str) -> Option<(String, Word)> {
    let eq = raw.find('=')?;
    let name = &raw[..eq];
    if !super::super::vars::is_name(name) {
        return None;
    }
    let Some(Part::Bare(first)) = word.parts.first() else {
        return None;
    };
    let (_, value_start) = first.split_at(first.find('=')?);
    let mut parts = Vec::new();
    let rest = &value_start[1..];
    if !rest.is_empty() {
        parts.push(Part::Bare(rest.to_string()));
    }
    parts.extend(word.parts.iter().skip(1).cloned());
    if parts.is_empty() {
        parts.push(Part::Quoted(String::new()));
    }
    Some((name.to_string(), Word { parts }))
}

/// Parses an unquoted-delimiter here-document body: `$NAME` expands and
/// `\$`, `` \` ``, `\\` are escapes; everything else is literal.
pub fn heredoc_word(body: &str) -> Word {
    let mut parser = Parser {
        chars: body.chars().collect(),
        pos: 0,
        line: 1,
        pending: Vec::new(),
        script: Script::default(),
        peeked: None,
        final_input: true,
    };
    let mut parts = Vec::new();
    let mut text = String::new();
    while let Some(c) = parser.peek_char() {
        parser.pos += 1;
        match c {
            '\\' => match parser.peek_char() {
                Some(e @ ('$' | '`' | '\\')) => {
                    text.push(e);
                    parser.pos += 1;
                }
                Some('\n') => parser.pos += 1,
                _ => text.push('\\'),
            },
            '$' => match parser.lex_param(true) {
                Ok(Some(param)) => {
                    parts.push(Part::Quoted(std::mem::take(&mut text)));
                    parts.push(param);
                }
                _ => text.push('$'),
            },
            c => text.push(c),
        }
    }
    parts.push(Part::Quoted(text));
    Word { parts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(input: &str) -> Vec<Vec<Part>> {
        let script = parse(input, false).unwrap();
        script.lists[0].first.commands[0]
            .words
            .iter()
            .map(|w| w.parts.clone())
            .collect()
    }

    #[test]
    fn quotes_and_params() {
        assert_eq!(
            words("echo 'a b' \"c $X\" \\$Y"),
            vec![
                vec![Part::Bare("echo".into())],
                vec![Part::Quoted("a b".into())],
                vec![
                    Part::Quoted("".into()),
                    Part::Quoted("c ".into()),
                    Part::Param {
                        name: "X".into(),
                        quoted: true
                    },
                    Part::Quoted("".into())
                ],
                vec![Part::Quoted("$".into()), Part::Bare("Y".into())],
            ]
        );
    }

    #[test]
    fn incomplete_inputs_ask_for_more() {
        for input in [
            "echo 'abc",
            "echo \"abc",
            "echo a &&",
            "echo a |",
            "cat <<EOF\nx",
        ] {
            assert!(
                matches!(parse(input, false), Err(Error::Incomplete(_))),
                "{input}"
            );
        }
    }

    #[test]
    fn syntax_errors_name_the_token() {
        let cases = [
            ("echo a && && b", "syntax error near unexpected token `&&'"),
            (
                "INSERT INTO t VALUES (1, 'a');",
                "syntax error near unexpected token `('",
            ),
            (
                "db.users.find({})",
                "syntax error near unexpected token `{}'",
            ),
            ("db.users.find()", "syntax error: unexpected end of file"),
            ("echo >", "syntax error near unexpected token `newline'"),
            ("; ls", "syntax error near unexpected token `;'"),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse(input, false),
                Err(Error::Syntax(want.into())),
                "{input}"
            );
        }
    }

    #[test]
    fn heredoc_bodies_follow_their_line() {
        let script = parse("cat > f <<'EOF'\nhello $X\nEOF\necho done", false).unwrap();
        assert_eq!(script.lists.len(), 2);
        assert_eq!(script.heredocs[0].body, "hello $X\n");
        assert!(!script.heredocs[0].expand);
        let cut = parse("cat <<EOF\nx", true).unwrap();
        assert_eq!(cut.heredocs[0].body, "x\n");
        assert_eq!(cut.warnings.len(), 1);
    }

    #[test]
    fn assignments_and_redirects() {
        let script = parse("A=1 B='x y' env 2>&1 >> log", false).unwrap();
        let simple = &script.lists[0].first.commands[0];
        assert_eq!(simple.assigns.len(), 2);
        assert_eq!(simple.words.len(), 1);
        assert_eq!(
            simple.redirects[0],
            Redirect {
                fd: 2,
                op: RedirectOp::Dup(1)
            }
        );
        assert_eq!(simple.redirects[1].fd, 1);
    }
}
