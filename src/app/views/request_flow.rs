//! The request flow: the steps of the last HTTP request a server of the world
//! served (`runtime::Journey`), in order, each with the SQL it sent, the failing
//! step with its error. The page animates the steps one after another with CSS;
//! nothing here reads a clock.

use std::fmt;

use crate::runtime::{Journey, StepKind};
use crate::world::World;

/// One step as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowStep {
    /// What kind of step.
    pub kind: StepKind,
    /// The step's name on the panel (`pool checkout`, `session.add: staged`).
    pub name: &'static str,
    /// The runtime's description of it.
    pub label: String,
    /// The SQL it sent, as SQLAlchemy logs it; empty for a step that sends none.
    pub sql: Vec<String>,
    /// False for the step that failed.
    pub ok: bool,
    /// The exception the failure raised, in Python's words.
    pub error: Option<String>,
}

/// The last request and its steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFlowView {
    /// The machine whose server handled it and the port (`laptop:5000`); `None`
    /// before the first request.
    pub served_by: Option<String>,
    /// `GET`, `POST`.
    pub method: String,
    /// The request path.
    pub path: String,
    /// The response status.
    pub status: u16,
    /// The steps in order.
    pub steps: Vec<FlowStep>,
}

/// The step's name on the panel.
pub fn step_name(kind: StepKind) -> &'static str {
    match kind {
        StepKind::PoolCheckout => "pool checkout",
        StepKind::AppContext => "app context",
        StepKind::RequestContext => "request context",
        StepKind::Route => "route",
        StepKind::Staged => "session.add: staged, no SQL",
        StepKind::Flush => "flush",
        StepKind::Sql => "SQL",
        StepKind::Commit => "COMMIT",
        StepKind::Rollback => "ROLLBACK",
        StepKind::Error => "exception",
        StepKind::Respond => "response",
        StepKind::Teardown => "teardown",
        StepKind::PoolReturn => "connection back to the pool",
    }
}

impl RequestFlowView {
    /// The last request any server of the world served (the latest by the world's clock;
    /// on a tie, the current machine's).
    pub fn of(world: &World) -> Self {
        let current = world.machine().name.as_str();
        let mut last: Option<(i64, bool, String, &Journey)> = None;
        for machine in world.machines() {
            for process in machine.processes.table.values() {
                let Some(server) = &process.server else {
                    continue;
                };
                for (at, journey) in &server.journeys {
                    let here = machine.name == current;
                    let newer = match &last {
                        None => true,
                        Some((t, h, _, _)) => (*at, here) >= (*t, *h),
                    };
                    if newer {
                        last = Some((
                            *at,
                            here,
                            format!("{}:{}", machine.name, server.port),
                            journey,
                        ));
                    }
                }
            }
        }
        match last {
            None => RequestFlowView::default(),
            Some((_, _, served_by, journey)) => {
                RequestFlowView::from_journey(Some(served_by), journey)
            }
        }
    }

    /// The view of one journey: an exception right after the step that failed becomes that
    /// step's error.
    pub fn from_journey(served_by: Option<String>, journey: &Journey) -> Self {
        let mut steps: Vec<FlowStep> = Vec::new();
        for step in &journey.steps {
            if step.kind == StepKind::Error {
                if let Some(prev) = steps.last_mut().filter(|p| !p.ok && p.error.is_none()) {
                    prev.error = Some(step.label.clone());
                    continue;
                }
            }
            steps.push(FlowStep {
                kind: step.kind,
                name: step_name(step.kind),
                label: step.label.clone(),
                sql: step.sql.clone(),
                ok: step.ok,
                error: (step.kind == StepKind::Error).then(|| step.label.clone()),
            });
        }
        RequestFlowView {
            served_by,
            method: journey.method.clone(),
            path: journey.path.clone(),
            status: journey.status,
            steps,
        }
    }

    /// The first step that failed.
    pub fn failed(&self) -> Option<usize> {
        self.steps.iter().position(|s| !s.ok)
    }
}

impl fmt::Display for RequestFlowView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(by) = &self.served_by else {
            return writeln!(f, "No request yet");
        };
        writeln!(
            f,
            "{} {} -> {} on {by}",
            self.method, self.path, self.status
        )?;
        for (i, s) in self.steps.iter().enumerate() {
            let mark = if s.ok { ' ' } else { '!' };
            writeln!(f, "{mark}{:>2}. {}: {}", i + 1, s.name, s.label)?;
            for sql in &s.sql {
                for line in sql.lines() {
                    writeln!(f, "      {line}")?;
                }
            }
            if let Some(e) = s.error.as_ref().filter(|_| s.kind != StepKind::Error) {
                writeln!(f, "      error: {e}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::views::testing::run;

    fn serving() -> World {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "flask db init",
                "flask db migrate -m 'create users'",
                "flask db upgrade",
                "flask run &",
            ],
        );
        world
    }

    #[test]
    fn no_request_yet() {
        let world = serving();
        let view = RequestFlowView::of(&world);
        assert_eq!(view.served_by, None);
        assert_eq!(view.to_string(), "No request yet\n");
    }

    #[test]
    fn a_registration_goes_through_every_step_in_order() {
        let mut world = serving();
        run(
            &mut world,
            &["curl -s -d name=ada -d email=ada@example.com localhost:5000/register"],
        );
        let view = RequestFlowView::of(&world);
        assert_eq!(view.served_by.as_deref(), Some("laptop:5000"));
        assert_eq!(
            (view.method.as_str(), view.path.as_str(), view.status),
            ("POST", "/register", 201)
        );
        let names: Vec<&str> = view.steps.iter().map(|s| s.name).collect();
        let at = |name: &str| {
            names
                .iter()
                .position(|n| *n == name)
                .unwrap_or_else(|| panic!("{name} in {names:?}"))
        };
        assert!(at("app context") < at("request context"), "{view}");
        assert!(at("session.add: staged, no SQL") < at("flush"), "{view}");
        assert!(at("flush") < at("COMMIT"), "{view}");
        assert!(at("COMMIT") < at("teardown"), "{view}");
        assert_eq!(names.last(), Some(&"connection back to the pool"), "{view}");
        let staged = &view.steps[at("session.add: staged, no SQL")];
        assert!(staged.sql.is_empty());
        assert!(
            view.steps
                .iter()
                .any(|s| s.sql.iter().any(|q| q.starts_with("INSERT INTO users"))),
            "{view}"
        );
        assert_eq!(view.failed(), None);
    }

    #[test]
    fn the_failing_step_carries_the_error() {
        let mut world = serving();
        run(
            &mut world,
            &[
                "curl -s -d name=ada -d email=ada@example.com localhost:5000/register",
                "curl -s -d name=bob -d email=ada@example.com localhost:5000/register",
            ],
        );
        let view = RequestFlowView::of(&world);
        assert_eq!(view.status, 500, "{view}");
        let failed = &view.steps[view.failed().expect("a failed step")];
        let error = failed.error.as_deref().expect("its error");
        assert!(
            error.contains("UniqueViolation") || error.contains("IntegrityError"),
            "{view}"
        );
        // The steps after it still show: the rollback, the response, the teardown.
        assert!(view.steps.len() > view.failed().unwrap() + 1, "{view}");
    }
}
