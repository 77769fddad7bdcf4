//! One line of advice when a learner types a MongoDB or SQL habit at the
//! bash prompt. The hint is the lab's voice, never the simulated tool's.

const SQL_WORDS: [&str; 14] = [
    "select", "insert", "update", "delete", "create", "drop", "alter", "begin", "commit",
    "rollback", "truncate", "grant", "with", "table",
];

const MONGO_WORDS: [&str; 3] = ["use", "show", "db"];

const EDITORS: [&str; 6] = ["vim", "vi", "nano", "emacs", "code", "nvim"];

/// The hint for a line that failed at the bash prompt, if it looks like a habit.
pub fn habit(line: &str) -> Option<&'static str> {
    let trimmed = line.trim_start();
    let first = trimmed
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .next()
        .unwrap_or_default();
    let lower = first.to_ascii_lowercase();
    if lower.starts_with("db.") || MONGO_WORDS.contains(&lower.as_str()) {
        return Some(
            "hint: that is mongosh syntax, and this is bash. Start the MongoDB shell first: mongosh",
        );
    }
    if SQL_WORDS.contains(&lower.as_str()) {
        return Some(
            "hint: that is SQL, and this is bash. Open the database first (psql app), or run one statement: psql app -c \"...\"",
        );
    }
    if EDITORS.contains(&lower.as_str()) {
        return Some(
            "hint: this lab's editor is a panel: edit FILE opens it (or write a file with cat > FILE <<'EOF').",
        );
    }
    if first.starts_with('\\') {
        return Some("hint: backslash commands belong to psql. Open the database first: psql app");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::habit;

    #[test]
    fn habits_are_recognised() {
        assert!(habit("db.users.find()").unwrap().contains("mongosh"));
        assert!(habit("show dbs").unwrap().contains("mongosh"));
        assert!(habit("INSERT INTO users VALUES (1)")
            .unwrap()
            .contains("psql"));
        assert!(habit("select 1;").unwrap().contains("psql"));
        assert!(habit("\\dt").unwrap().contains("psql"));
        assert!(habit("nano models.py").unwrap().contains("edit FILE"));
        assert_eq!(habit("foo"), None);
        assert_eq!(habit("selection"), None);
    }
}
