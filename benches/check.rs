//! Whole-pipeline benchmarks: discover, parse, extract, check, on generated trees.
//!
//! The trees are generated once per run into a temporary directory by the same code as
//! `cargo run --release --example gen-corpus`. Run with `cargo bench --bench check`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tlslint::source::Sources;
use tlslint::{Input, check_paths, parse, policy};

#[path = "../examples/gen_corpus.rs"]
#[expect(dead_code, reason = "the generator's own main is not used here")]
mod gen_corpus;

fn tree(name: &str, make: impl FnOnce(&Path) -> std::io::Result<()>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tlslint-bench-{}-{name}", std::process::id()));
    if !dir.exists() {
        make(&dir).expect("generate corpus");
    }
    dir
}

fn run(path: &Path) -> usize {
    let policy = policy::load(policy::DEFAULT_POLICY).expect("default policy");
    let paths = [path.to_path_buf()];
    let input = Input {
        paths: &paths,
        dialect: None,
        stdin: None,
    };
    let all = |_: &str| tlslint::Enabled::PolicySeverity;
    let out = check_paths(
        input,
        Some(&policy),
        &parse::Options::default(),
        &all,
        Sources::new(),
    );
    out.findings.len() + out.errors.len()
}

fn benches(c: &mut Criterion) {
    let small = tree("small", |d| gen_corpus::nginx(d, 1, 1));
    let lines_24k = tree("24k", |d| gen_corpus::nginx(d, 2_000, 200));
    let ten_times = tree("240k", |d| gen_corpus::nginx(d, 20_000, 2_000));
    let mixed = tree("mixed", |d| gen_corpus::mixed(d, 10_000));

    let mut g = c.benchmark_group("check");
    g.bench_function("single small file", |b| {
        b.iter(|| run(&small.join("nginx.conf")));
    });
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("nginx 24k lines (2,000 servers, 200 files)", |b| {
        b.iter(|| run(&lines_24k));
    });
    g.bench_function("nginx 240k lines (20,000 servers, 2,000 files)", |b| {
        b.iter(|| run(&ten_times));
    });
    g.bench_function(
        "monorepo 10,000 files (nginx, postfix, dovecot, apps)",
        |b| {
            b.iter(|| run(&mixed));
        },
    );
    g.finish();
    for d in [small, lines_24k, ten_times, mixed] {
        let _ = std::fs::remove_dir_all(d);
    }
}

criterion_group!(check, benches);
criterion_main!(check);
