//! Who makes a commit and when: `GIT_AUTHOR_*`/`GIT_COMMITTER_*`, then
//! `~/.gitconfig`; the time is the world's clock unless `GIT_*_DATE` says
//! `@SECONDS +0000`.

use super::config::Config;
use super::object::Signature;
use crate::world::ids::DateTime;

/// Looks up a signature. `role` is `AUTHOR` or `COMMITTER`; `env` reads a
/// variable as the command sees it.
pub fn signature(
    role: &str,
    env: &dyn Fn(&str) -> Option<String>,
    config: &Config,
    now: i64,
) -> Option<Signature> {
    let name =
        env(&format!("GIT_{role}_NAME")).or_else(|| config.get("user.name").map(str::to_string))?;
    let email = env(&format!("GIT_{role}_EMAIL"))
        .or_else(|| config.get("user.email").map(str::to_string))
        .or_else(|| env("EMAIL"))?;
    let time = env(&format!("GIT_{role}_DATE"))
        .and_then(|d| d.trim_start_matches('@').split(' ').next()?.parse().ok())
        .unwrap_or(now);
    Some(Signature { name, email, time })
}

/// `Mon Jan 5 09:00:20 2026 +0000`, git's default date format in UTC.
pub fn format_date(time: i64) -> String {
    let t = DateTime::from_unix(time);
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let weekday = DAYS[time.div_euclid(86_400).rem_euclid(7) as usize];
    format!(
        "{weekday} {} {} {:02}:{:02}:{:02} {} +0000",
        t.month_abbrev(),
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.year
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_as_git_log_prints_them() {
        assert_eq!(
            super::format_date(1_767_603_620),
            "Mon Jan 5 09:00:20 2026 +0000"
        );
    }
}
