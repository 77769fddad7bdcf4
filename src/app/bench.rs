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

#[cfg(test)]
mod tests {
    use super::sample_session;
    use crate::app::State;

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
