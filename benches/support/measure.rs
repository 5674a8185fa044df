//! What both benchmarks measure with and how they report: one figure a line as it
//! is measured, then the table BENCHMARKS.md takes, and a failing exit on a miss.

// Each benchmark uses its own part of this.
#![allow(dead_code)]
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The runtime the embedded servers and senders run on: two workers, the machine's cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub struct Figure {
    pub name: String,
    pub measured: String,
    pub target: String,
    pub ok: bool,
}

#[derive(Default)]
pub struct Report(pub Vec<Figure>);

impl Report {
    pub fn add(&mut self, name: &str, measured: String, target: String, ok: bool) {
        println!(
            "{} {name}: {measured} (target {target})",
            if ok { "ok  " } else { "MISS" }
        );
        self.0.push(Figure {
            name: name.into(),
            measured,
            target,
            ok,
        });
    }

    /// Prints the table and exits non-zero when any figure missed its target.
    pub fn finish(self) {
        println!("\n| figure | measured | target | |\n|---|---|---|---|");
        for f in &self.0 {
            println!(
                "| {} | {} | {} | {} |",
                f.name,
                f.measured,
                f.target,
                if f.ok { "ok" } else { "**miss**" }
            );
        }
        if self.0.iter().any(|f| !f.ok) {
            std::process::exit(1);
        }
    }
}

/// Runs a command to completion: its wall time.
pub fn run(command: &mut Command) -> Duration {
    let started = Instant::now();
    let status = command.stdout(Stdio::null()).stderr(Stdio::inherit()).status().unwrap();
    let elapsed = started.elapsed();
    assert!(status.success(), "{command:?} failed");
    elapsed
}

/// Runs a command under GNU time: its wall time and peak resident memory (KiB).
/// Not measured from here: a child spawned by this process inherits, in Linux's
/// accounting, the peak memory of this process (which may hold a big test file).
pub fn run_measured(command: &Command) -> (Duration, u64) {
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%M", "-o"])
        .arg(report.path())
        .arg(command.get_program())
        .args(command.get_args());
    for (name, value) in command.get_envs() {
        if let Some(value) = value {
            timed.env(name, value);
        }
    }
    let elapsed = run(&mut timed);
    let kib = std::fs::read_to_string(report.path())
        .unwrap()
        .trim()
        .parse()
        .expect("GNU time's %M");
    (elapsed, kib)
}

pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

pub fn median_of(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    median((0..n).map(|_| f()).collect())
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
