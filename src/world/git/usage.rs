//! The texts git 2.47 prints for `git SUBCOMMAND -h`, which it also prints
//! after an unknown option. Recorded by `tests/fidelity/git/record.py`; never
//! edited by hand.

/// The full usage of a subcommand whose options git parses with `parse-options`.
pub fn full(subcommand: &str) -> Option<&'static str> {
    Some(match subcommand {
        "add" => include_str!("usage/add.txt"),
        "branch" => include_str!("usage/branch.txt"),
        "checkout" => include_str!("usage/checkout.txt"),
        "clone" => include_str!("usage/clone.txt"),
        "commit" => include_str!("usage/commit.txt"),
        "config" => include_str!("usage/config.txt"),
        "fetch" => include_str!("usage/fetch.txt"),
        "init" => include_str!("usage/init.txt"),
        "merge" => include_str!("usage/merge.txt"),
        "mv" => include_str!("usage/mv.txt"),
        "pull" => include_str!("usage/pull.txt"),
        "push" => include_str!("usage/push.txt"),
        "remote" => include_str!("usage/remote.txt"),
        "reset" => include_str!("usage/reset.txt"),
        "restore" => include_str!("usage/restore.txt"),
        "rm" => include_str!("usage/rm.txt"),
        "stash" => include_str!("usage/stash.txt"),
        "status" => include_str!("usage/status.txt"),
        "switch" => include_str!("usage/switch.txt"),
        _ => return None,
    })
}
