#![cfg(not(target_arch = "wasm32"))]
//! The world's record of processes and services: what the panels read after `flask run`,
//! `./entrypoint.sh` and `kill`.

use schemalab::world::process::ServiceStatus;
use schemalab::world::{World, DEFAULT_SEED};

const ENTRYPOINT: &str = "cat > entrypoint.sh <<'SH'\n#!/bin/sh\nset -e\nflask db upgrade\nexec gunicorn -b 0.0.0.0:8000 app:app\nSH\n";
const SCRIPT: &str = "/home/learner/app/entrypoint.sh";

fn prod_service(world: &World) -> Option<ServiceStatus> {
    world.machines()[2]
        .processes
        .services
        .get(SCRIPT)
        .map(|s| s.status.clone())
}

fn on_prod() -> World {
    let mut world = World::new(DEFAULT_SEED);
    for line in ["ssh prod", "cd app", ENTRYPOINT, "chmod +x entrypoint.sh"] {
        assert_eq!(world.run(line).exit_code, 0, "{line}");
    }
    world
}

#[test]
fn a_failed_upgrade_leaves_the_service_down_with_the_reason() {
    let mut world = on_prod();
    assert_eq!(world.run("./entrypoint.sh").exit_code, 1);
    match prod_service(&world) {
        Some(ServiceStatus::Down { reason, detail }) => {
            assert_eq!(reason, "`flask db upgrade` failed (exit status 1)");
            assert!(
                detail.starts_with("Error: Path doesn't exist: migrations."),
                "{detail}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(world.machines()[2].processes.listening(8000).is_none());
}

#[test]
fn the_service_runs_after_a_good_upgrade_and_is_down_after_kill() {
    let mut world = on_prod();
    world.run("flask db init");
    world.run("flask db migrate -m users");
    assert_eq!(world.run("./entrypoint.sh").exit_code, 0);
    let pid = match prod_service(&world) {
        Some(ServiceStatus::Running { pid, port: 8000 }) => pid,
        other => panic!("{other:?}"),
    };
    // The server took over the script's pid (`exec`), and its worker is its child.
    let processes = &world.machines()[2].processes;
    assert_eq!(processes.listening(8000).map(|p| p.pid), Some(pid));
    assert!(processes.table.values().any(|p| p.ppid == pid));
    assert!(processes.table[&pid]
        .log
        .contains("Starting gunicorn 23.0.0"));
    // Reachable from the laptop by name; the request's journey is kept for the panel.
    world.run("exit");
    assert_eq!(world.run("curl -s http://prod:8000/users").exit_code, 0);
    let journey = world.machines()[2].processes.last_journey().cloned();
    assert_eq!(
        journey.map(|j| (j.method, j.path, j.status)),
        Some(("GET".into(), "/users".into(), 200))
    );
    world.run("ssh prod");
    let out = world.run(&format!("kill {pid}"));
    assert!(out.output.text().contains("Shutting down: Master"));
    assert!(matches!(
        prod_service(&world),
        Some(ServiceStatus::Down { .. })
    ));
    assert!(world.machines()[2].processes.table.is_empty());
}

#[test]
fn a_dev_server_answers_only_its_own_machine() {
    let mut world = World::new(DEFAULT_SEED);
    assert_eq!(world.run("flask run").exit_code, 0);
    assert_eq!(world.run("curl -s localhost:5000/users").exit_code, 0);
    assert_eq!(world.run("curl -s 127.0.0.1:5000/users").exit_code, 0);
    assert_eq!(world.run("curl -s laptop:5000/users").exit_code, 7);
    world.run("ssh teammate");
    assert_eq!(world.run("curl -s laptop:5000/users").exit_code, 7);
    assert_eq!(world.run("curl -s localhost:5000/users").exit_code, 7);
}

#[test]
fn no_input_to_the_new_commands_panics() {
    let inputs = [
        "curl -",
        "curl -X",
        "curl ::::",
        "curl http://",
        "curl -w",
        "curl 'http://é:1/%'",
        "curl -d @nope localhost",
        "curl -F a localhost",
        "curl -H x localhost",
        "kill",
        "kill -",
        "kill -s",
        "kill %",
        "kill %x",
        "kill -é 1",
        "pkill",
        "pkill -é",
        "ps x",
        "jobs -l",
        "chmod",
        "chmod +x",
        "chmod 99999 x",
        "chmod é x",
        "sh",
        "sh -c",
        "bash -c 'exit 3'",
        "exec",
        "set -e",
        "gunicorn",
        "gunicorn -b",
        "gunicorn -w x app:app",
        "gunicorn -b :x app:app",
        "flask run --port",
        "flask run --port x",
        "flask run -x",
        "flask --app",
        "./nope.sh",
    ];
    let mut world = World::new(DEFAULT_SEED);
    for input in inputs {
        world.run(input);
    }
}

#[test]
fn an_app_that_cannot_import_leaves_the_service_down_with_gunicorns_reason() {
    let mut world = on_prod();
    world.run("echo 'exec gunicorn -b 0.0.0.0:8000 app:app' > serve.sh");
    world.run("echo 'x = (' >> models.py");
    let out = world.run("sh serve.sh");
    assert_eq!(out.exit_code, 3);
    assert!(out.output.text().contains("[ERROR] Exception in worker process\nTraceback (most recent call last):\n  File \"/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py\""));
    let status = world.machines()[2].processes.services["/home/learner/app/serve.sh"]
        .status
        .clone();
    assert_eq!(
        status.describe(),
        "down: `gunicorn -b 0.0.0.0:8000 app:app` failed (exit status 3): [2026-01-05 09:02:20 +0000] [1438] [ERROR] Reason: Worker failed to boot."
    );
}
