//! Services: web servers started by a script (`./entrypoint.sh` on `prod`), with whether they
//! run and, when not, why — for the panel that answers "is production up?".

use super::ctx::Ctx;
use super::output::Output;
use super::process::{Frame, Service, ServiceStatus};
use super::World;

/// Stops the server the script at `path` started last time, if it still runs: a restart
/// replaces the old server, printing what it prints when it stops.
pub fn stop_previous(world: &mut World, path: &str, out: &mut Output) {
    let running = match world.machine().processes.services.get(path) {
        Some(Service {
            status: ServiceStatus::Running { pid, .. },
            ..
        }) => *pid,
        _ => return,
    };
    let mut ctx = Ctx {
        world,
        stdin: None,
        out: Output::default(),
        overlay: Vec::new(),
        stdout_is_terminal: true,
    };
    super::commands::stop_process(&mut ctx, running, "TERM");
    let printed = std::mem::take(&mut ctx.out);
    out.extend(printed);
}

/// Records how the script at `path` ended: its server running, or down with the failing
/// step and the last line it printed on stderr.
pub fn record(world: &mut World, path: &str, frame: &Frame, status: i32, errors: &str) {
    let now = world.clock.now;
    let processes = &mut world.machine_mut().processes;
    let serving = processes
        .table
        .get(&frame.pid)
        .and_then(|p| p.server.as_ref())
        .map(|s| s.port);
    let status = match serving {
        Some(port) => ServiceStatus::Running {
            pid: frame.pid,
            port,
        },
        None => {
            // `exec gunicorn …` failed as gunicorn.
            let argv = match frame.last_argv.split_first() {
                Some((first, rest)) if first == "exec" && !rest.is_empty() => rest,
                _ => &frame.last_argv[..],
            };
            let step = argv.join(" ");
            let reason = if status == 0 {
                format!("`{step}` ended without starting a server")
            } else {
                format!("`{step}` failed (exit status {status})")
            };
            let detail = errors
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default()
                .to_string();
            ServiceStatus::Down { reason, detail }
        }
    };
    processes
        .services
        .insert(path.to_string(), Service { status, since: now });
}
