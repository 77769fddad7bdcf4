//! git's objects (blobs, trees, commits) in git's own byte format, so that
//! an object id is the SHA-1 real git would compute for the same content.

use std::collections::BTreeMap;

/// An object id: 40 lowercase hex digits of SHA-1.
pub type Oid = String;

/// The mode of a regular file in a tree.
pub const FILE_MODE: &str = "100644";
/// The mode of a subtree in a tree.
pub const TREE_MODE: &str = "40000";

/// A name and an email with the moment of an action, as git stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `user.name`; never contains `<` or `>`.
    pub name: String,
    /// `user.email`.
    pub email: String,
    /// Unix seconds.
    pub time: i64,
}

impl Signature {
    /// `Ada <ada@example.com> 1767603620 +0000`: the line's value in a commit.
    pub fn encode(&self) -> String {
        format!("{} <{}> {} +0000", self.name, self.email, self.time)
    }
}

/// A commit object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The root tree.
    pub tree: Oid,
    /// First parent first; empty for a root commit.
    pub parents: Vec<Oid>,
    /// Who wrote the change.
    pub author: Signature,
    /// Who made the commit.
    pub committer: Signature,
    /// The message, ending with a newline.
    pub message: String,
}

impl Commit {
    /// The first line of the message.
    pub fn subject(&self) -> &str {
        self.message.lines().next().unwrap_or_default()
    }
}

/// One entry of a tree: a file or a subtree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    /// [`FILE_MODE`] or [`TREE_MODE`].
    pub mode: &'static str,
    /// The blob or tree.
    pub oid: Oid,
}

/// Any object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Object {
    /// A file's content (text only, as the world's files are).
    Blob(String),
    /// A directory: names to entries.
    Tree(BTreeMap<String, TreeEntry>),
    /// A commit.
    Commit(Commit),
}

impl Object {
    /// The object's type name, as in its header.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Blob(_) => "blob",
            Object::Tree(_) => "tree",
            Object::Commit(_) => "commit",
        }
    }

    /// The body in git's format (without the `type len\0` header).
    fn body(&self) -> Vec<u8> {
        match self {
            Object::Blob(text) => text.as_bytes().to_vec(),
            Object::Tree(entries) => {
                // git sorts a subtree as if its name ended with '/'.
                let mut sorted: Vec<(String, &String, &TreeEntry)> = entries
                    .iter()
                    .map(|(name, e)| {
                        let key = if e.mode == TREE_MODE {
                            format!("{name}/")
                        } else {
                            name.clone()
                        };
                        (key, name, e)
                    })
                    .collect();
                crate::sorting::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
                // Written in place: a commit hashes the trees of a whole project (every
                // migration's entry), and formatting each entry was most of that.
                let mut out = Vec::with_capacity(sorted.len() * 48);
                for (_, name, entry) in sorted {
                    out.extend_from_slice(entry.mode.as_bytes());
                    out.push(b' ');
                    out.extend_from_slice(name.as_bytes());
                    out.push(0);
                    push_hex_bytes(&mut out, &entry.oid);
                }
                out
            }
            Object::Commit(c) => {
                let mut text = format!("tree {}\n", c.tree);
                for parent in &c.parents {
                    text.push_str(&format!("parent {parent}\n"));
                }
                text.push_str(&format!("author {}\n", c.author.encode()));
                text.push_str(&format!("committer {}\n", c.committer.encode()));
                text.push('\n');
                text.push_str(&c.message);
                text.into_bytes()
            }
        }
    }

    /// The object's id: SHA-1 over `type len\0body`, exactly as git hashes it.
    pub fn id(&self) -> Oid {
        let mut hasher = sha1_smol::Sha1::new();
        // A blob is hashed in place: copying every file's text first was most of the cost.
        let owned;
        let body: &[u8] = match self {
            Object::Blob(text) => text.as_bytes(),
            _ => {
                owned = self.body();
                &owned
            }
        };
        hasher.update(format!("{} {}\0", self.kind(), body.len()).as_bytes());
        hasher.update(body);
        hasher.digest().to_string()
    }
}

/// Appends the raw bytes of an id's hex digits, a byte per pair; a malformed
/// pair gives a zero byte (ids here are always made by [`Object::id`]).
fn push_hex_bytes(out: &mut Vec<u8>, hex: &str) {
    fn digit(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    out.extend(hex.as_bytes().chunks(2).map(|pair| match pair {
        [hi, lo] => digit(*hi).zip(digit(*lo)).map_or(0, |(h, l)| h << 4 | l),
        [one] => digit(*one).unwrap_or(0),
        _ => 0,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_real_git() {
        // `printf 'a\n' | git hash-object --stdin`, and the empty tree.
        assert_eq!(
            Object::Blob("a\n".into()).id(),
            "78981922613b2afb6025042ff6bd878ac1994e85"
        );
        assert_eq!(
            Object::Tree(BTreeMap::new()).id(),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
    }
}
