//! A reproducible learner session for the replay benchmark: the budget is
//! replaying 500 commands in well under 100 ms, natively and in the browser.

/// `count` inputs of the kinds a learner types: files, here-documents,
/// listings, variables, errors, navigation.
pub fn sample_session(count: usize) -> Vec<String> {
    let mut log = Vec::with_capacity(count);
    let mut i = 0;
    while log.len() < count {
        let step = match i % 10 {
            0 => format!("mkdir -p notes/day{}", i / 10),
            1 => format!("echo 'entry {i}' >> notes/day{}/log.txt", i / 10),
            2 => format!(
                "cat > notes/day{}/model_{i}.py <<'EOF'\nclass M{i}(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\nEOF",
                i / 10
            ),
            3 => format!("cat notes/day{}/log.txt", i / 10),
            4 => "ls -l notes".to_string(),
            5 => format!("export STEP={i} && echo \"step $STEP\""),
            6 => "cat models.py".to_string(),
            7 => format!("cd notes/day{} && pwd && cd ~/app", i / 10),
            8 => "db.users.find()".to_string(),
            _ => format!("cat missing_{i}.txt; echo $?"),
        };
        log.push(step);
        i += 1;
    }
    log
}

/// `count` inputs of a fork/merge workshop played across the three
/// machines: each round the laptop adds a model and its migration and
/// pushes; the teammate pulls, adds a revision and pushes; the laptop adds a
/// sibling revision, pulls (a git merge), finds two heads, merges them and
/// pushes; `prod` and the teammate pull and upgrade.
pub fn team_session(count: usize) -> Vec<String> {
    let mut log: Vec<String> = [
        "createdb app",
        "flask db init",
        "git add migrations && git commit -qm \"Add the migrations folder\" && git push -q",
        "ssh teammate",
        "cd app && git pull -q && createdb app",
        "exit",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut round = 0;
    while log.len() < count {
        let k = round;
        log.extend([
            format!(
                "cat >> models.py <<'EOF'\n\n\nclass Item{k}(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    label = db.Column(db.String(40), nullable=False)\nEOF"
            ),
            format!("flask db migrate -m \"add item{k}\""),
            "flask db upgrade".to_string(),
            format!("git add . && git commit -qm \"Add item{k}\" && git push -q"),
            "ssh teammate".to_string(),
            "cd app && git pull -q && flask db upgrade".to_string(),
            format!("flask db revision -m \"teammate {k}\""),
            "flask db upgrade".to_string(),
            format!("git add . && git commit -qm \"Teammate {k}\" && git push -q"),
            "exit".to_string(),
            format!("flask db revision -m \"laptop {k}\""),
            "flask db upgrade".to_string(),
            format!("git add . && git commit -qm \"Laptop {k}\""),
            "git pull -q".to_string(),
            "flask db heads".to_string(),
            format!("flask db merge heads -m \"merge {k}\""),
            "flask db upgrade".to_string(),
            format!("git add . && git commit -qm \"Merge {k}\" && git push -q"),
            "git log --oneline -3".to_string(),
            "ssh prod".to_string(),
            "cd app && git pull -q && flask db upgrade".to_string(),
            "flask db current".to_string(),
            "exit".to_string(),
            "ssh teammate".to_string(),
            "cd app && git pull -q && flask db upgrade && flask db current".to_string(),
            "exit".to_string(),
        ]);
        round += 1;
    }
    log.truncate(count);
    log
}

#[cfg(test)]
mod tests {
    use super::{sample_session, team_session};
    use crate::app::State;
    use crate::world::World;

    #[test]
    fn the_team_session_plays_the_workshop_without_a_failure() {
        let log = team_session(500);
        assert_eq!(log.len(), 500);
        let mut world = World::default();
        for line in &log {
            let outcome = world.run(line);
            assert_eq!(outcome.exit_code, 0, "{line}\n{}", outcome.text());
        }
        let heads = world.run("flask db heads").text();
        assert_eq!(heads.lines().count(), 1, "{heads}");
        let head = heads
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        for host in ["teammate", "prod"] {
            let current = world.run(&format!("ssh {host} 'cd app && flask db current'"));
            assert!(current.text().contains(&head), "{host}: {}", current.text());
        }
    }

    #[test]
    fn the_sample_session_runs_as_a_learner_would() {
        let log = sample_session(50);
        assert_eq!(log.len(), 50);
        let state = State::replay(1, log);
        let fs = &state.world.machine().fs;
        assert!(fs.read("/home/learner/app/notes/day4/log.txt").is_ok());
        assert_eq!(state.world.machine().cwd, "/home/learner/app");
    }
}
