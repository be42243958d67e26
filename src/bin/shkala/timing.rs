//! `SHKALA_TIMING=1`: each stage's wall, user and system time and the memory, on standard
//! error.

/// `SHKALA_TIMING=1`: the wall and CPU time (user, system) of each stage of a command and the
/// memory after it, on stderr — how the README's figures are taken apart.
pub(crate) struct Stages;

/// When the process started, and its CPU time then.
static STARTED: std::sync::OnceLock<(std::time::Instant, (f64, f64))> = std::sync::OnceLock::new();

/// When the last stage ended, and the CPU time then.
static LAST: std::sync::Mutex<Option<(std::time::Instant, (f64, f64))>> =
    std::sync::Mutex::new(None);

impl Stages {
    pub(crate) fn on() -> bool {
        std::env::var_os("SHKALA_TIMING").is_some_and(|v| v != "0")
    }

    pub(crate) fn start() {
        if Self::on() {
            let now = (std::time::Instant::now(), cpu_seconds());
            STARTED.get_or_init(|| now);
            *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(now);
        }
    }

    /// A stage ended.
    pub(crate) fn done(stage: &str) {
        let Some(&(started, cpu0)) = STARTED.get() else {
            return;
        };
        let now = (std::time::Instant::now(), cpu_seconds());
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        let (then, cpu) = last.unwrap_or((started, cpu0));
        let (user, system) = (now.1 .0 - cpu.0, now.1 .1 - cpu.1);
        eprintln!(
            "время: {stage:<22} {:>7.3} с (польз. {user:.3}, сист. {system:.3}); с начала {:.3} с (польз. {:.3}, сист. {:.3}); {}",
            (now.0 - then).as_secs_f64(),
            (now.0 - started).as_secs_f64(),
            now.1 .0 - cpu0.0,
            now.1 .1 - cpu0.1,
            memory_words(),
        );
        *last = Some(now);
    }
}

/// The process's CPU time so far, user and system, in seconds (all threads).
fn cpu_seconds() -> (f64, f64) {
    #[cfg(unix)]
    {
        // SAFETY: `getrusage` fills the struct it is given; zeroed is a valid `rusage`.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            return (s(usage.ru_utime), s(usage.ru_stime));
        }
    }
    (0.0, 0.0)
}

/// Resident memory now and at its peak, and how much of it is in large pages (Linux).
fn memory_words() -> String {
    let field = |text: &str, name: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    match (field(&status, "VmRSS:"), field(&status, "VmHWM:")) {
        (Some(rss), Some(peak)) => format!(
            "память {} МБ, пик {} МБ, в больших страницах {} МБ",
            rss / 1024,
            peak / 1024,
            field(&rollup, "AnonHugePages:").unwrap_or(0) / 1024
        ),
        _ => String::new(),
    }
}
