//! psql's output formats: the aligned table (`\x` off) and the expanded
//! records (`\x` on), byte for byte as psql 15 prints them, trailing spaces
//! included (see `tests/fidelity/psql/sessions/*.out`).

/// A result to print: column names, right-alignment per column, rows of
/// values (`None` is SQL NULL, printed empty).
pub struct Table<'a> {
    /// An optional title centred above the table (`List of relations`).
    pub title: Option<&'a str>,
    /// Column names.
    pub columns: Vec<&'a str>,
    /// True for numeric columns, which psql right-aligns.
    pub right: Vec<bool>,
    /// The rows; each has one value per column.
    pub rows: &'a [Vec<Option<String>>],
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// The `(N rows)` footer.
pub fn row_count(n: usize) -> String {
    if n == 1 {
        "(1 row)".to_string()
    } else {
        format!("({n} rows)")
    }
}

/// The aligned format: header, dashes, rows, `(N rows)` and a blank line.
pub fn aligned(table: &Table, footer: bool) -> String {
    let cols = table.columns.len();
    let mut widths: Vec<usize> = table.columns.iter().map(|c| width(c)).collect();
    for row in table.rows {
        for (i, value) in row.iter().enumerate().take(cols) {
            for line in value.as_deref().unwrap_or_default().split('\n') {
                widths[i] = widths[i].max(width(line));
            }
        }
    }
    let mut out = String::new();
    if let Some(title) = table.title {
        let total: usize = widths
            .iter()
            .map(|w| w + 3)
            .sum::<usize>()
            .saturating_sub(1);
        let pad = total.saturating_sub(width(title)) / 2;
        out.push_str(&format!("{}{title}\n", " ".repeat(pad)));
    }
    let header: Vec<String> = table
        .columns
        .iter()
        .zip(&widths)
        .map(|(name, &w)| {
            let left = (w - width(name)) / 2;
            let right = w - width(name) - left;
            format!(" {}{name}{} ", " ".repeat(left), " ".repeat(right))
        })
        .collect();
    out.push_str(&header.join("|"));
    out.push('\n');
    let dashes: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
    out.push_str(&dashes.join("+"));
    out.push('\n');
    for row in table.rows {
        let cells: Vec<Vec<&str>> = (0..cols)
            .map(|i| {
                let value = row.get(i).and_then(|v| v.as_deref()).unwrap_or_default();
                value.split('\n').collect()
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for line_no in 0..height {
            let mut line = String::new();
            for (i, &w) in widths.iter().enumerate() {
                let text = cells[i].get(line_no).copied().unwrap_or_default();
                let continues = line_no + 1 < cells[i].len();
                let last = i + 1 == cols;
                line.push(' ');
                let pad = " ".repeat(w - width(text));
                if table.right.get(i).copied().unwrap_or(false) {
                    line.push_str(&pad);
                    line.push_str(text);
                } else {
                    line.push_str(text);
                    // psql does not pad the last column when it is left-aligned.
                    if !last || continues {
                        line.push_str(&pad);
                    }
                }
                if continues {
                    line.push('+');
                } else if !last {
                    line.push(' ');
                }
                if !last {
                    line.push('|');
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    if footer {
        out.push_str(&row_count(table.rows.len()));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The expanded format (`\x`): one `-[ RECORD n ]` block per row.
pub fn expanded(table: &Table) -> String {
    if table.rows.is_empty() {
        return "(0 rows)\n\n".to_string();
    }
    let name_w = table.columns.iter().map(|c| width(c)).max().unwrap_or(0);
    let value_w = table
        .rows
        .iter()
        .flat_map(|r| r.iter().map(|v| width(v.as_deref().unwrap_or_default())))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (n, row) in table.rows.iter().enumerate() {
        let head = format!("-[ RECORD {} ]", n + 1);
        let fill = (name_w + 3 + value_w).saturating_sub(width(&head));
        out.push_str(&format!("{head}{}\n", "-".repeat(fill)));
        for (i, name) in table.columns.iter().enumerate() {
            let value = row.get(i).and_then(|v| v.as_deref()).unwrap_or_default();
            let pad = " ".repeat(name_w - width(name));
            out.push_str(&format!("{name}{pad} | {value}\n"));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn multi_line_cells_continue_with_plus() {
        let data = rows(&[&[
            Some("template0"),
            Some("=c/postgres\npostgres=CTc/postgres"),
        ]]);
        let table = Table {
            title: None,
            columns: vec!["Name", "Access privileges"],
            right: vec![false, false],
            rows: &data,
        };
        assert_eq!(
            aligned(&table, false),
            "   Name    |   Access privileges   \n-----------+-----------------------\n template0 | =c/postgres          +\n           | postgres=CTc/postgres\n\n"
        );
    }

    use super::*;

    fn rows(data: &[&[Option<&str>]]) -> Vec<Vec<Option<String>>> {
        data.iter()
            .map(|r| r.iter().map(|v| v.map(str::to_string)).collect())
            .collect()
    }

    #[test]
    fn aligned_matches_psql() {
        let data = rows(&[
            &[Some("1"), Some("Ada"), Some("ada@example.com"), None],
            &[Some("2"), Some("Grace"), Some("grace@example.com"), None],
        ]);
        let table = Table {
            title: None,
            columns: vec!["id", "name", "email", "age"],
            right: vec![true, false, false, true],
            rows: &data,
        };
        assert_eq!(
            aligned(&table, true),
            " id | name  |       email       | age \n----+-------+-------------------+-----\n  1 | Ada   | ada@example.com   |    \n  2 | Grace | grace@example.com |    \n(2 rows)\n\n"
        );
    }

    #[test]
    fn titles_are_centred() {
        let data = rows(&[&[
            Some("public"),
            Some("users"),
            Some("table"),
            Some("postgres"),
        ]]);
        let table = Table {
            title: Some("List of relations"),
            columns: vec!["Schema", "Name", "Type", "Owner"],
            right: vec![false; 4],
            rows: &data,
        };
        assert_eq!(
            aligned(&table, true),
            "         List of relations\n Schema | Name  | Type  |  Owner   \n--------+-------+-------+----------\n public | users | table | postgres\n(1 row)\n\n"
        );
    }

    #[test]
    fn expanded_matches_psql() {
        let data = rows(&[&[Some("1"), Some("Acme")], &[Some("2"), Some("Globex")]]);
        let table = Table {
            title: None,
            columns: vec!["id", "name"],
            right: vec![true, false],
            rows: &data,
        };
        assert_eq!(
            expanded(&table),
            "-[ RECORD 1 ]\nid   | 1\nname | Acme\n-[ RECORD 2 ]\nid   | 2\nname | Globex\n\n"
        );
    }
}
