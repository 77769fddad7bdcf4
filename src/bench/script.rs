//! The generated SQL files' format: one statement per line, ending in `;`; a line
//! `-- step: NAME` or `-- probe: NAME` labels the statements after it and is not sent.

/// One line to hand to the engine, with the label in force where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The line's text, exactly as written (never empty).
    pub sql: String,
    /// The last `-- step:` or `-- probe:` label above the line, if any.
    pub label: Option<String>,
}

/// Splits a generated file into its statements, skipping blank and label lines.
pub fn parse_script(text: &str) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut label = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(name) = line
            .strip_prefix("-- step: ")
            .or_else(|| line.strip_prefix("-- probe: "))
        {
            label = Some(name.to_string());
            continue;
        }
        out.push(Statement {
            sql: line.to_string(),
            label: label.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_skipped_and_carried() {
        let s =
            parse_script("BEGIN;\n-- step: a\nSELECT 1;\n\nSELECT 2;\n-- probe: b\nSELECT 3;\n");
        let got: Vec<(&str, Option<&str>)> = s
            .iter()
            .map(|s| (s.sql.as_str(), s.label.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("BEGIN;", None),
                ("SELECT 1;", Some("a")),
                ("SELECT 2;", Some("a")),
                ("SELECT 3;", Some("b")),
            ]
        );
    }
}
