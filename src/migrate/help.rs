//! The `--help` texts of `flask db` and its commands, as Flask-Migrate 4.1.0 prints them.

/// The help of `flask db <command>` (`""` for `flask db` itself), if it exists.
pub fn help(command: &str) -> Option<&'static str> {
    Some(match command {
        "init" => {
            r#"Usage: flask db init [OPTIONS]

  Creates a new migration repository.

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  --multidb             Support multiple databases
  -t, --template TEXT   Repository template to use (default is "flask")
  --package             Write empty __init__.py files to the environment and
                        version locations
  --help                Show this message and exit.
"#
        }
        "revision" => {
            r#"Usage: flask db revision [OPTIONS]

  Create a new revision file.

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  -m, --message TEXT    Revision message
  --autogenerate        Populate revision script with candidate migration
                        operations, based on comparison of database to model
  --sql                 Don't emit SQL to database - dump to standard output
                        instead
  --head TEXT           Specify head revision or <branchname>@head to base new
                        revision on
  --splice              Allow a non-head revision as the "head" to splice onto
  --branch-label TEXT   Specify a branch label to apply to the new revision
  --version-path TEXT   Specify specific path from config for version file
  --rev-id TEXT         Specify a hardcoded revision id instead of generating
                        one
  --help                Show this message and exit.
"#
        }
        "migrate" => {
            r#"Usage: flask db migrate [OPTIONS]

  Autogenerate a new revision file (Alias for 'revision --autogenerate')

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  -m, --message TEXT    Revision message
  --sql                 Don't emit SQL to database - dump to standard output
                        instead
  --head TEXT           Specify head revision or <branchname>@head to base new
                        revision on
  --splice              Allow a non-head revision as the "head" to splice onto
  --branch-label TEXT   Specify a branch label to apply to the new revision
  --version-path TEXT   Specify specific path from config for version file
  --rev-id TEXT         Specify a hardcoded revision id instead of generating
                        one
  -x, --x-arg TEXT      Additional arguments consumed by custom env.py scripts
  --help                Show this message and exit.
"#
        }
        "edit" => {
            r#"Usage: flask db edit [OPTIONS] [REVISION]

  Edit a revision file

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  --help                Show this message and exit.
"#
        }
        "merge" => {
            r#"Usage: flask db merge [OPTIONS] [REVISIONS]...

  Merge two revisions together, creating a new revision file

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  -m, --message TEXT    Merge revision message
  --branch-label TEXT   Specify a branch label to apply to the new revision
  --rev-id TEXT         Specify a hardcoded revision id instead of generating
                        one
  --help                Show this message and exit.
"#
        }
        "upgrade" => {
            r#"Usage: flask db upgrade [OPTIONS] [REVISION]

  Upgrade to a later version

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  --sql                 Don't emit SQL to database - dump to standard output
                        instead
  --tag TEXT            Arbitrary "tag" name - can be used by custom env.py
                        scripts
  -x, --x-arg TEXT      Additional arguments consumed by custom env.py scripts
  --help                Show this message and exit.
"#
        }
        "downgrade" => {
            r#"Usage: flask db downgrade [OPTIONS] [REVISION]

  Revert to a previous version

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  --sql                 Don't emit SQL to database - dump to standard output
                        instead
  --tag TEXT            Arbitrary "tag" name - can be used by custom env.py
                        scripts
  -x, --x-arg TEXT      Additional arguments consumed by custom env.py scripts
  --help                Show this message and exit.
"#
        }
        "show" => {
            r#"Usage: flask db show [OPTIONS] [REVISION]

  Show the revision denoted by the given symbol.

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  --help                Show this message and exit.
"#
        }
        "history" => {
            r#"Usage: flask db history [OPTIONS]

  List changeset scripts in chronological order.

Options:
  -d, --directory TEXT    Migration script directory (default is "migrations")
  -r, --rev-range TEXT    Specify a revision range; format is [start]:[end]
  -v, --verbose           Use more verbose output
  -i, --indicate-current  Indicate current version (Alembic 0.9.9 or greater
                          is required)
  --help                  Show this message and exit.
"#
        }
        "heads" => {
            r#"Usage: flask db heads [OPTIONS]

  Show current available heads in the script directory

Options:
  -d, --directory TEXT    Migration script directory (default is "migrations")
  -v, --verbose           Use more verbose output
  --resolve-dependencies  Treat dependency versions as down revisions
  --help                  Show this message and exit.
"#
        }
        "branches" => {
            r#"Usage: flask db branches [OPTIONS]

  Show current branch points

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  -v, --verbose         Use more verbose output
  --help                Show this message and exit.
"#
        }
        "current" => {
            r#"Usage: flask db current [OPTIONS]

  Display the current revision for each database.

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  -v, --verbose         Use more verbose output
  --help                Show this message and exit.
"#
        }
        "stamp" => {
            r#"Usage: flask db stamp [OPTIONS] [REVISION]

  'stamp' the revision table with the given revision; don't run any migrations

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  --sql                 Don't emit SQL to database - dump to standard output
                        instead
  --tag TEXT            Arbitrary "tag" name - can be used by custom env.py
                        scripts
  --purge               Delete the version in the alembic_version table before
                        stamping
  --help                Show this message and exit.
"#
        }
        "check" => {
            r#"Usage: flask db check [OPTIONS]

  Check if there are any new operations to migrate

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  --help                Show this message and exit.
"#
        }
        "list-templates" => {
            r#"Usage: flask db list-templates [OPTIONS]

  List available templates.

Options:
  --help  Show this message and exit.
"#
        }
        "" => {
            r#"Usage: flask db [OPTIONS] COMMAND [ARGS]...

  Perform database migrations.

Options:
  -d, --directory TEXT  Migration script directory (default is "migrations")
  -x, --x-arg TEXT      Additional arguments consumed by custom env.py scripts
  --help                Show this message and exit.

Commands:
  branches        Show current branch points
  check           Check if there are any new operations to migrate
  current         Display the current revision for each database.
  downgrade       Revert to a previous version
  edit            Edit a revision file
  heads           Show current available heads in the script directory
  history         List changeset scripts in chronological order.
  init            Creates a new migration repository.
  list-templates  List available templates.
  merge           Merge two revisions together, creating a new revision file
  migrate         Autogenerate a new revision file (Alias for 'revision...
  revision        Create a new revision file.
  show            Show the revision denoted by the given symbol.
  stamp           'stamp' the revision table with the given revision;...
  upgrade         Upgrade to a later version
"#
        }
        _ => return None,
    })
}

/// `flask db list-templates`.
pub const LIST_TEMPLATES: &str = r#"Available templates:

aioflask - Single-database configuration for aioflask.
aioflask-multidb - Multi-database configuration for aioflask.
flask - Single-database configuration for Flask.
flask-multidb - Multi-database configuration for Flask.
"#;
