//! The migration timeline across the machines: the revision graph of every
//! revision file the team has (each machine's `~/app/migrations/versions`
//! and the branches of `origin`) laid out by `migrate::layout`, a pointer
//! per database per machine (`laptop:app`, `prod:app`) at its
//! `alembic_version`, where each revision file is and which commit carried
//! it, and each repository's `git log --graph --oneline --all` beside it.

use std::collections::BTreeMap;
use std::fmt;

use crate::migrate::{layout, parse_script, Graph, Script, Timeline};
use crate::world::git::{log_graph, Repo, ORIGIN_URL};
use crate::world::machine::APP_DIR;
use crate::world::{Machine, World};

/// The place name the hosted repository gets in the view.
pub const ORIGIN: &str = "origin";

/// Where the revision graph stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphState {
    /// No machine and no branch of origin has a `migrations/versions` folder yet.
    NoMigrations,
    /// A revision file of the current machine cannot be read; the parser's message.
    Broken(String),
    /// The graph and where each database stands.
    Graph(Timeline),
}

/// A commit, as the panel names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitRef {
    /// The abbreviated id (`1a2b3c4`).
    pub id: String,
    /// The first line of its message.
    pub subject: String,
}

/// Where one revision file is in one place (a machine's working tree or origin).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Presence {
    /// The file is in the machine's working tree (for origin: on one of its branches).
    pub file: bool,
    /// Branches whose newest commit has the file (a machine's local ones, origin's).
    pub branches: Vec<String>,
    /// The commit that added the file, in the history of HEAD (origin: of the
    /// first branch that has it); `None` when no commit holds it yet.
    pub commit: Option<CommitRef>,
}

/// One revision and where its file is, row for row with the timeline's nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionRow {
    /// The revision id.
    pub revision: String,
    /// Its file's name in `versions/`.
    pub file_name: String,
    /// One entry per place, in the order of [`TimelineView::places`].
    pub presence: Vec<Presence>,
}

/// One line of a repository's `git log --graph --oneline --all`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitLine {
    /// The lanes to the left.
    pub graph: String,
    /// The abbreviated commit id; `None` for a line of lanes only.
    pub commit: Option<String>,
    /// Refs at the commit (`HEAD -> main, origin/main`).
    pub refs: String,
    /// The commit's subject.
    pub subject: String,
}

/// The git history of one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitGraph {
    /// The machine's name, or [`ORIGIN`].
    pub place: String,
    /// The repository: its work tree on a machine, its URL for origin; `None`
    /// when the machine's project is not in a repository.
    pub repository: Option<String>,
    /// Where HEAD is: a branch name or `HEAD detached at 1a2b3c4`.
    pub head: Option<String>,
    /// The graph, newest commit first; empty before the first commit.
    pub lines: Vec<GitLine>,
}

/// What the timeline panel shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineView {
    /// The machine the shell is on.
    pub machine: String,
    /// The places files can be in: every machine, then [`ORIGIN`].
    pub places: Vec<String>,
    /// The revision graph with one pointer per database per machine.
    pub graph: GraphState,
    /// Where each revision's file is, in the order of the timeline's nodes.
    pub rows: Vec<RevisionRow>,
    /// Each place's git history.
    pub git: Vec<GitGraph>,
    /// Things the graph could not show: unreadable files elsewhere, databases
    /// at revisions no file describes.
    pub notes: Vec<String>,
}

/// A revision file found somewhere.
#[derive(Clone, Debug)]
pub struct RevisionFile {
    /// Its name in `versions/`.
    pub file_name: String,
    /// Where it was read: `laptop:/home/learner/app/migrations/versions/x.py`
    /// or `origin main:migrations/versions/x.py`.
    pub location: String,
    /// The parsed script.
    pub script: Script,
}

/// The revision files every place has, and the graph of them all.
#[derive(Clone, Debug)]
pub struct TeamRevisions {
    /// Per place (machines, then origin): revision id → file.
    pub by_place: Vec<(String, BTreeMap<String, RevisionFile>)>,
    /// The graph of every revision (the current machine's file wins on a duplicate id), or
    /// why it cannot be built.
    pub graph: Result<Graph, String>,
    /// True when some place has a `migrations/versions` folder.
    pub any: bool,
    /// Files that could not be read outside the current machine.
    pub notes: Vec<String>,
}

/// The folder of revision files in a machine's project.
pub fn versions_dir() -> String {
    format!("{APP_DIR}/migrations/versions")
}

/// True when `path` (relative to a repository's top) is a revision file.
fn is_revision_path(path: &str) -> bool {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    name.ends_with(".py") && (dir == "migrations/versions" || dir.ends_with("/migrations/versions"))
}

/// The repository whose work tree holds the machine's project, with its top directory.
pub fn project_repo(machine: &Machine) -> Option<(&str, &Repo)> {
    machine
        .repos
        .iter()
        .filter(|(root, _)| {
            APP_DIR == root.as_str()
                || APP_DIR.starts_with(&format!("{root}/"))
                || root.as_str() == "/"
        })
        .filter(|(root, _)| {
            machine
                .fs
                .get(&format!("{}/.git", root.trim_end_matches('/')))
                .is_some_and(|n| n.is_dir())
        })
        .max_by_key(|(root, _)| root.len())
        .map(|(root, repo)| (root.as_str(), repo))
}

/// The hosted origin, if the world has it.
fn origin(world: &World) -> Option<&Repo> {
    world.remotes.get(ORIGIN_URL)
}

/// A file read from a place: its name, its path (origin's with the branch), its text.
type FoundFile = (String, String, String);

/// Reads the revision files of one machine's working tree; `None` without a folder.
fn machine_files(machine: &Machine) -> Option<Vec<FoundFile>> {
    let dir = versions_dir();
    if !machine.fs.get(&dir).is_some_and(|n| n.is_dir()) {
        return None;
    }
    let mut out = Vec::new();
    for (name, node) in machine.fs.children(&dir) {
        if node.is_dir() || !name.ends_with(".py") {
            continue;
        }
        let path = format!("{dir}/{name}");
        let source = machine.fs.read(&path).unwrap_or_default().to_string();
        out.push((name.to_string(), path, source));
    }
    Some(out)
}

/// Reads the revision files on origin's branches (default branch first).
fn origin_files(repo: &Repo) -> Vec<FoundFile> {
    let mut out = Vec::new();
    for branch in branch_order(repo) {
        let Some(tip) = repo.branches().get(&branch).cloned() else {
            continue;
        };
        for (path, blob) in repo.snapshot(Some(&tip)) {
            if is_revision_path(&path) {
                let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                out.push((
                    name,
                    format!("{ORIGIN} {branch}:{path}"),
                    repo.blob(&blob).to_string(),
                ));
            }
        }
    }
    out
}

/// A repository's branches, the one HEAD names first.
fn branch_order(repo: &Repo) -> Vec<String> {
    let mut names: Vec<String> = repo.branches().into_keys().collect();
    if let Some(head) = repo.branch() {
        if let Some(i) = names.iter().position(|n| n == head) {
            let first = names.remove(i);
            names.insert(0, first);
        }
    }
    names
}

impl TeamRevisions {
    /// Reads every place's revision files and builds the graph of them all.
    pub fn of(world: &World) -> Self {
        let current = world.machine().name.clone();
        let mut by_place = Vec::new();
        let mut notes = Vec::new();
        let mut any = false;
        let mut broken = None;
        let mut sources: Vec<(String, Vec<FoundFile>)> = world
            .machines()
            .iter()
            .map(|m| {
                let files = machine_files(m);
                any |= files.is_some();
                (m.name.clone(), files.unwrap_or_default())
            })
            .collect();
        let hosted = origin(world).map(origin_files).unwrap_or_default();
        any |= !hosted.is_empty();
        sources.push((ORIGIN.to_string(), hosted));
        for (place, files) in sources {
            let mut found: BTreeMap<String, RevisionFile> = BTreeMap::new();
            for (file_name, path, source) in files {
                let location = if place == ORIGIN {
                    path.clone()
                } else {
                    format!("{place}:{path}")
                };
                match parse_script(&path, &file_name, &source) {
                    Ok(script) => {
                        found
                            .entry(script.revision.clone())
                            .or_insert(RevisionFile {
                                file_name,
                                location,
                                script,
                            });
                    }
                    Err(error) if place == current => {
                        broken.get_or_insert(error.to_string());
                    }
                    Err(error) => notes.push(format!("{location} cannot be read: {error}")),
                }
            }
            by_place.push((place, found));
        }
        // The current machine's files first, then the others', then origin's.
        let mut union: BTreeMap<String, Script> = BTreeMap::new();
        let order = by_place
            .iter()
            .filter(|(p, _)| *p == current)
            .chain(by_place.iter().filter(|(p, _)| *p != current));
        for (_, files) in order {
            for (rev, file) in files {
                union
                    .entry(rev.clone())
                    .or_insert_with(|| file.script.clone());
            }
        }
        let graph = match broken {
            Some(message) => Err(message),
            None => {
                let mut scripts: Vec<Script> = union.into_values().collect();
                crate::sorting::sort_by(&mut scripts, |a, b| a.file_name.cmp(&b.file_name));
                Graph::build(scripts).map_err(|e| e.to_string())
            }
        };
        TeamRevisions {
            by_place,
            graph,
            any,
            notes,
        }
    }

    /// The graph of the revision files of some places only (`["laptop"]`: what
    /// `flask db` sees there; `["laptop", "origin"]`: after a pull), the first place's file
    /// winning on a duplicate id.
    pub fn graph_of(&self, places: &[&str]) -> Result<Graph, String> {
        let mut union: BTreeMap<&str, &Script> = BTreeMap::new();
        for place in places {
            for (_, files) in self.by_place.iter().filter(|(p, _)| p == place) {
                for (rev, file) in files {
                    union.entry(rev).or_insert(&file.script);
                }
            }
        }
        let mut scripts: Vec<Script> = union.into_values().cloned().collect();
        crate::sorting::sort_by(&mut scripts, |a, b| a.file_name.cmp(&b.file_name));
        Graph::build(scripts).map_err(|e| e.to_string())
    }

    /// The file of a revision: the current machine's first, then another place's.
    pub fn file(&self, current: &str, revision: &str) -> Option<&RevisionFile> {
        self.by_place
            .iter()
            .filter(|(p, _)| p == current)
            .chain(self.by_place.iter().filter(|(p, _)| p != current))
            .find_map(|(_, files)| files.get(revision))
    }
}

/// The databases of a machine's cluster that have an `alembic_version`
/// table, with the revisions in it (empty: at base).
pub fn versions(machine: &Machine) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for name in machine.postgres.database_names() {
        let Some(session) = machine.postgres.session(&name) else {
            continue;
        };
        let Some(table) = session.catalog().find_table("public", "alembic_version") else {
            continue;
        };
        let revisions = table
            .rows_text()
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .collect();
        out.push((name, revisions));
    }
    out
}

/// The databases that get a pointer on a machine: those with an
/// `alembic_version`, and the project's database (the one `DATABASE_URL`
/// names) at base when it exists without one.
fn pointed(machine: &Machine) -> Vec<(String, Vec<String>)> {
    let mut out = versions(machine);
    let project =
        super::schema_steps::project_database(machine.vars.get("DATABASE_URL").unwrap_or("app"));
    let exists = machine.postgres.session(&project).is_some();
    if exists && out.iter().all(|(db, _)| *db != project) {
        out.push((project, Vec::new()));
        crate::sorting::sort(&mut out);
    }
    out
}

/// Snapshots of a repository's commits, read once each.
struct Snapshots<'r> {
    repo: &'r Repo,
    seen: BTreeMap<String, BTreeMap<String, String>>,
}

impl<'r> Snapshots<'r> {
    fn new(repo: &'r Repo) -> Self {
        Snapshots {
            repo,
            seen: BTreeMap::new(),
        }
    }

    fn has(&mut self, commit: &str, path: &str) -> bool {
        let repo = self.repo;
        self.seen
            .entry(commit.to_string())
            .or_insert_with(|| repo.snapshot(Some(commit)))
            .contains_key(path)
    }

    /// The oldest commit reachable from `tip` that added `path`.
    fn added_by(&mut self, tip: &str, path: &str) -> Option<CommitRef> {
        let repo = self.repo;
        let history = repo.history(&[tip.to_string()]);
        let mut found = None;
        for id in &history {
            if !self.has(id, path) {
                continue;
            }
            let parents = repo
                .commit(id)
                .map(|c| c.parents.clone())
                .unwrap_or_default();
            if parents.iter().all(|p| !self.has(p, path)) {
                found = Some(id.clone());
            }
        }
        found.map(|id| CommitRef {
            id: Repo::short(&id).to_string(),
            subject: repo
                .commit(&id)
                .map(|c| c.subject().to_string())
                .unwrap_or_default(),
        })
    }
}

/// Where a revision file sits in a machine's working tree and repository.
fn machine_presence(machine: &Machine, file: Option<&RevisionFile>) -> Presence {
    let Some(file) = file else {
        return Presence::default();
    };
    let mut presence = Presence {
        file: true,
        ..Presence::default()
    };
    let Some((root, repo)) = project_repo(machine) else {
        return presence;
    };
    let abs = format!("{}/{}", versions_dir(), file.file_name);
    let path = abs
        .strip_prefix(&format!("{}/", root.trim_end_matches('/')))
        .unwrap_or(&abs)
        .to_string();
    let mut snapshots = Snapshots::new(repo);
    for (branch, tip) in repo.branches() {
        if snapshots.has(&tip, &path) {
            presence.branches.push(branch);
        }
    }
    if let Some(head) = repo.head_commit() {
        presence.commit = snapshots.added_by(&head, &path);
    }
    presence
}

/// Where a revision file sits on origin's branches.
fn origin_presence(repo: Option<&Repo>, file: Option<&RevisionFile>) -> Presence {
    let (Some(repo), Some(file)) = (repo, file) else {
        return Presence::default();
    };
    let mut presence = Presence {
        file: true,
        ..Presence::default()
    };
    let mut snapshots = Snapshots::new(repo);
    let tips = repo.branches();
    for branch in branch_order(repo) {
        let tip = &tips[&branch];
        let snapshot = repo.snapshot(Some(tip));
        let Some(path) = snapshot
            .keys()
            .find(|p| is_revision_path(p) && p.rsplit('/').next() == Some(&file.file_name))
        else {
            continue;
        };
        presence.branches.push(branch.clone());
        if presence.commit.is_none() {
            presence.commit = snapshots.added_by(tip, path);
        }
    }
    presence
}

/// A repository's history as the panel draws it.
fn git_graph(place: &str, repository: Option<String>, repo: Option<&Repo>) -> GitGraph {
    let Some(repo) = repo else {
        return GitGraph {
            place: place.to_string(),
            repository,
            head: None,
            lines: Vec::new(),
        };
    };
    let head = match repo.branch() {
        Some(branch) => branch.to_string(),
        None => repo.detached_label(&repo.head_commit().unwrap_or_default()),
    };
    GitGraph {
        place: place.to_string(),
        repository,
        head: Some(head),
        lines: log_graph(repo)
            .into_iter()
            .map(|l| GitLine {
                graph: l.graph,
                commit: l.commit.map(|c| Repo::short(&c).to_string()),
                refs: l.refs,
                subject: l.subject,
            })
            .collect(),
    }
}

impl TimelineView {
    /// The timeline of the whole world, seen from the machine the shell is on.
    pub fn of(world: &World) -> Self {
        let team = TeamRevisions::of(world);
        let machine = world.machine().name.clone();
        let mut places: Vec<String> = world
            .machine_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        places.push(ORIGIN.to_string());
        let mut notes = team.notes.clone();
        let git = world
            .machines()
            .iter()
            .map(|m| {
                let found = project_repo(m);
                git_graph(
                    &m.name,
                    found.map(|(root, _)| root.to_string()),
                    found.map(|f| f.1),
                )
            })
            .chain(std::iter::once(git_graph(
                ORIGIN,
                Some(ORIGIN_URL.to_string()),
                origin(world),
            )))
            .collect();
        let mut rows = Vec::new();
        let graph = match &team.graph {
            _ if !team.any => GraphState::NoMigrations,
            Err(message) => GraphState::Broken(message.clone()),
            Ok(graph) => {
                let mut databases = Vec::new();
                for m in world.machines() {
                    for (db, revs) in pointed(m) {
                        for rev in revs.iter().filter(|r| graph.get(r).is_none()) {
                            notes.push(format!(
                                "{}:{db} is at {rev}, a revision no working tree and no branch of origin has"
                            , m.name));
                        }
                        databases.push((format!("{}:{db}", m.name), revs));
                    }
                }
                let timeline = layout(graph, &databases);
                for node in &timeline.nodes {
                    let presence = world
                        .machines()
                        .iter()
                        .zip(&team.by_place)
                        .map(|(m, (_, files))| machine_presence(m, files.get(&node.revision)))
                        .chain(std::iter::once(origin_presence(
                            origin(world),
                            team.by_place
                                .last()
                                .and_then(|(_, files)| files.get(&node.revision)),
                        )))
                        .collect();
                    rows.push(RevisionRow {
                        revision: node.revision.clone(),
                        file_name: team
                            .file(&machine, &node.revision)
                            .map(|f| f.file_name.clone())
                            .unwrap_or_default(),
                        presence,
                    });
                }
                GraphState::Graph(timeline)
            }
        };
        TimelineView {
            machine,
            places,
            graph,
            rows,
            git,
            notes,
        }
    }

    /// The laid-out graph, when there is one.
    pub fn timeline(&self) -> Option<&Timeline> {
        match &self.graph {
            GraphState::Graph(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file {
            return f.write_str("-");
        }
        f.write_str("file")?;
        match &self.commit {
            Some(c) => write!(f, " {} \"{}\"", c.id, c.subject)?,
            None => f.write_str(" (no commit)")?,
        }
        if !self.branches.is_empty() {
            write!(f, " [{}]", self.branches.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Display for TimelineView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.graph {
            GraphState::NoMigrations => writeln!(f, "No migrations folder yet")?,
            GraphState::Broken(message) => writeln!(f, "Broken: {message}")?,
            GraphState::Graph(t) => write!(f, "{t}")?,
        }
        for row in &self.rows {
            writeln!(f, "{} {}", row.revision, row.file_name)?;
            for (place, presence) in self.places.iter().zip(&row.presence) {
                writeln!(f, "  {place}: {presence}")?;
            }
        }
        for g in &self.git {
            match &g.head {
                None => writeln!(f, "git {}: no repository", g.place)?,
                Some(head) => writeln!(f, "git {} ({head}):", g.place)?,
            }
            for l in &g.lines {
                let refs = if l.refs.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", l.refs)
                };
                match &l.commit {
                    Some(id) => writeln!(f, "  {}{id}{refs} {}", l.graph, l.subject)?,
                    None => writeln!(f, "  {}", l.graph.trim_end())?,
                }
            }
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::views::testing::run;

    #[test]
    fn a_fresh_world_has_no_migrations() {
        let world = World::default();
        let view = TimelineView::of(&world);
        assert_eq!(view.graph, GraphState::NoMigrations);
        assert_eq!(view.places, ["laptop", "teammate", "prod", "origin"]);
        // Every place holds the team's initial commit and nothing else.
        assert!(
            view.git
                .iter()
                .all(|g| g.lines.len() == 1 && g.lines[0].subject == "Start the Flask app"),
            "{view}"
        );
    }

    #[test]
    fn the_timeline_follows_migrate_and_upgrade() {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "flask db init",
                "flask db migrate -m 'create users'",
            ],
        );
        let view = TimelineView::of(&world);
        let pending = view.timeline().expect("a graph after migrate");
        assert_eq!(pending.nodes.len(), 1);
        assert!(pending.to_string().contains("create users"), "{pending}");
        assert!(
            pending.to_string().contains("<base>  <- laptop:app"),
            "{pending}"
        );
        run(&mut world, &["flask db upgrade"]);
        let view = TimelineView::of(&world);
        let done = view.timeline().expect("a graph after upgrade");
        assert!(
            done.to_string()
                .lines()
                .next()
                .unwrap()
                .ends_with("<- laptop:app"),
            "{done}"
        );
        // prod's database has no alembic_version yet: it is at base.
        assert!(
            done.to_string().ends_with("<base>  <- prod:app\n"),
            "{done}"
        );
        assert_eq!(view.rows[0].presence[0].to_string(), "file (no commit)");
        assert_eq!(view.rows[0].presence[1].to_string(), "-");
    }

    /// The laptop writes two revisions, commits and pushes the first only;
    /// the teammate clones origin and upgrades; prod is stamped by hand.
    fn team_world() -> World {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "flask db init",
                "flask db migrate -m 'create users'",
                "git add . && git commit -qm 'Create users'",
                "git push -q",
                "flask db upgrade",
            ],
        );
        run(
            &mut world,
            &[
                "echo '    age = db.Column(db.Integer)' >> models.py",
                "flask db migrate -m 'add age'",
            ],
        );
        run(
            &mut world,
            &[
                "ssh teammate",
                "rm -rf app && git clone -q git@github.com:team/app.git app",
                "cd app && createdb app && flask db upgrade",
                "exit",
            ],
        );
        world
    }

    #[test]
    fn each_database_of_each_machine_has_a_pointer() {
        let world = team_world();
        let view = TimelineView::of(&world);
        let t = view.timeline().expect("a graph");
        let text = t.to_string();
        let names: Vec<&str> = t.pointers.iter().map(|p| p.database.as_str()).collect();
        assert_eq!(names, ["laptop:app", "teammate:app", "prod:app"], "{text}");
        // Both machines stand at the first revision.
        assert!(
            text.lines()
                .nth(1)
                .unwrap()
                .ends_with("<- laptop:app, teammate:app"),
            "{view}"
        );
    }

    #[test]
    fn where_each_revision_file_is_and_which_commit_carried_it() {
        let world = team_world();
        let view = TimelineView::of(&world);
        let t = view.timeline().expect("a graph");
        let users = t
            .nodes
            .iter()
            .position(|n| n.message == "create users")
            .unwrap();
        let age = t.nodes.iter().position(|n| n.message == "add age").unwrap();
        let at = |row: usize, place: &str| {
            let i = view.places.iter().position(|p| p == place).unwrap();
            view.rows[row].presence[i].clone()
        };
        let laptop = at(users, "laptop");
        assert_eq!(laptop.commit.as_ref().unwrap().subject, "Create users");
        assert_eq!(laptop.branches, ["main"]);
        assert_eq!(at(users, "teammate").commit, laptop.commit, "{view}");
        assert_eq!(at(users, "origin").branches, ["main"]);
        assert_eq!(at(users, "origin").commit, laptop.commit);
        assert!(!at(users, "prod").file);
        // The second revision is only in the laptop's working tree, not committed.
        assert!(at(age, "laptop").file && at(age, "laptop").commit.is_none());
        assert!(!at(age, "teammate").file && !at(age, "origin").file);
    }

    #[test]
    fn the_git_graph_of_each_place_is_beside_it() {
        let world = team_world();
        let view = TimelineView::of(&world);
        let by = |place: &str| view.git.iter().find(|g| g.place == place).unwrap();
        let laptop = by("laptop");
        assert_eq!(laptop.repository.as_deref(), Some(APP_DIR));
        assert_eq!(laptop.head.as_deref(), Some("main"));
        assert_eq!(laptop.lines.len(), 2, "{view}");
        assert_eq!(
            laptop.lines[0].refs,
            "HEAD -> main, origin/main, origin/HEAD"
        );
        assert_eq!(laptop.lines[0].subject, "Create users");
        assert_eq!(by("teammate").lines[0].commit, laptop.lines[0].commit);
        assert_eq!(by("origin").lines[0].refs, "HEAD -> main");
        // prod never pulled: its clone is still at the initial commit.
        let prod = by("prod");
        assert_eq!(prod.head.as_deref(), Some("main"));
        assert_eq!(prod.lines.len(), 1);
        assert_eq!(prod.lines[0].commit, laptop.lines[1].commit);
    }

    #[test]
    fn an_extra_database_gets_its_own_pointer() {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "createdb app_test",
                "flask db init",
                "flask db migrate -m 'create users'",
                "DATABASE_URL=postgresql+psycopg2://localhost/app_test flask db upgrade",
            ],
        );
        let view = TimelineView::of(&world);
        let text = view.timeline().unwrap().to_string();
        assert_eq!(
            text.lines().collect::<Vec<_>>()[1..],
            ["<base>  <- laptop:app, prod:app"],
            "{text}"
        );
        assert!(
            text.starts_with("* ") && text.lines().next().unwrap().ends_with("<- laptop:app_test"),
            "{text}"
        );
    }

    #[test]
    fn a_database_at_an_unknown_revision_is_noted() {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "flask db init",
                "flask db migrate -m 'create users'",
                "flask db upgrade",
                "rm migrations/versions/*.py",
            ],
        );
        let view = TimelineView::of(&world);
        assert!(
            view.notes
                .iter()
                .any(|n| n.starts_with("laptop:app is at ")),
            "{view}"
        );
    }
}
