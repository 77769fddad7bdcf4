//! Moving between machines: `ssh`, `exit`, and the questions people ask a
//! shell they have just landed in (`hostname`, `whoami`).

use super::Command;
use crate::world::ctx::Ctx;
use crate::world::ids::DateTime;
use crate::world::machine::USER;
use crate::world::shell::{exec, parse};

/// `ssh [USER@]HOST [COMMAND]`
pub const SSH: Command = Command {
    name: "ssh",
    synopsis: "ssh [user@]hostname [command]",
    summary: "Log in to another machine (teammate, prod), or run one command there.",
    run: ssh,
};

/// `exit [N]`
pub const EXIT: Command = Command {
    name: "exit",
    synopsis: "exit [n]",
    summary: "Leave the shell of a machine you reached with ssh.",
    run: exit,
};

/// `hostname`
pub const HOSTNAME: Command = Command {
    name: "hostname",
    synopsis: "hostname",
    summary: "Print the name of the machine the shell is on.",
    run: |ctx, _| {
        let name = ctx.machine_ref().name.clone();
        ctx.print(&format!("{name}\n"));
        0
    },
};

/// `whoami`
pub const WHOAMI: Command = Command {
    name: "whoami",
    synopsis: "whoami",
    summary: "Print the user name the shell runs as.",
    run: |ctx, _| {
        ctx.print(&format!("{USER}\n"));
        0
    },
};

/// Debian's message of the day, as sshd prints it at login.
fn motd(host: &str, last_login: i64) -> String {
    let t = DateTime::from_unix(last_login);
    format!(
        "Linux {host} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64\n\n\
The programs included with the Debian GNU/Linux system are free software;\n\
the exact distribution terms for each program are described in the\n\
individual files in /usr/share/doc/*/copyright.\n\n\
Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n\
permitted by applicable law.\n\
Last login: {} {} {:>2} {:02}:{:02}:{:02} {} from 192.168.1.23\n",
        t.weekday_abbrev(),
        t.month_abbrev(),
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.year
    )
}

fn ssh(ctx: &mut Ctx, args: &[String]) -> i32 {
    let Some((target, command)) = args.split_first() else {
        ctx.eprint("usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]\n");
        return 255;
    };
    let (user, host) = match target.split_once('@') {
        Some((user, host)) => (user, host),
        None => (USER, target.as_str()),
    };
    let host = if host == "localhost" {
        ctx.machine_ref().name.clone()
    } else {
        host.to_string()
    };
    if !ctx.world.machine_names().contains(&host.as_str()) {
        return ctx.fail(
            &format!("ssh: Could not resolve hostname {host}: Name or service not known"),
            255,
        );
    }
    if user != USER {
        return ctx.fail(
            &format!("{user}@{host}: Permission denied (publickey)."),
            255,
        );
    }
    let last_login = ctx.now() - 3600;
    ctx.world.login(&host);
    if command.is_empty() {
        ctx.print(&motd(&host, last_login));
        return 0;
    }
    // ssh HOST COMMAND runs the command in the remote shell and comes back.
    let line = command.join(" ");
    let status = match parse::parse(&line, true) {
        Ok(script) => {
            let mut out = std::mem::take(&mut ctx.out);
            let status = exec::run_script(ctx.world, &script, &line, &mut out);
            ctx.out = out;
            status
        }
        Err(parse::Error::Syntax(message) | parse::Error::Incomplete(message)) => {
            ctx.fail(&format!("bash: -c: line 1: {message}"), 2)
        }
    };
    ctx.world.logout();
    status
}

fn exit(ctx: &mut Ctx, args: &[String]) -> i32 {
    let status = match args.first() {
        None => ctx.machine_ref().last_status,
        Some(n) => match n.parse::<i32>() {
            Ok(n) => n.rem_euclid(256),
            Err(_) => {
                ctx.eprint(&format!("bash: exit: {n}: numeric argument required\n"));
                2
            }
        },
    };
    match ctx.world.logout() {
        Some(left) => {
            ctx.print("logout\n");
            ctx.eprint(&format!("Connection to {left} closed.\n"));
            status
        }
        None => {
            ctx.out.push(
                crate::world::output::Stream::Hint,
                "hint: this is your laptop's own terminal, so there is nothing to exit to. After ssh prod, exit comes back here.\n",
            );
            status
        }
    }
}
