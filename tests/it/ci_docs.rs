//! Every `slate` command in docs/ci.md runs, against a copy of the shipped
//! policies in a git repository whose pull-request base is `origin/main`,
//! and succeeds.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A `slate` command line of the page: the code line, and whether it is a
/// pre-commit `entry` (which pre-commit runs with file names appended).
struct Shown {
    line: String,
    entry: bool,
}

fn commands(markdown: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut in_code = false;
    for raw in markdown.lines() {
        if raw.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            // Commands in running text: `slate ...` code spans.
            for (i, span) in raw.split('`').enumerate() {
                if i % 2 == 1 && span.starts_with("slate ") {
                    out.push(Shown {
                        line: span.to_string(),
                        entry: false,
                    });
                }
            }
            continue;
        }
        let mut l = raw.trim();
        let mut entry = false;
        loop {
            if let Some(rest) = l.strip_prefix("- ") {
                l = rest.trim_start();
            } else if let Some(rest) = l.strip_prefix("run: ") {
                l = rest.trim_start();
            } else if let Some(rest) = l.strip_prefix("entry: ") {
                l = rest.trim_start();
                entry = true;
            } else {
                break;
            }
        }
        if l.starts_with("slate ") {
            out.push(Shown {
                line: l.to_string(),
                entry,
            });
        }
    }
    out
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_slate"))
        .parent()
        .expect("the binary has a directory")
        .to_path_buf()
}

/// A fresh directory holding a copy of `policies/`, as a project would.
fn project() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ci_docs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("policies")).expect("temp dir");
    for entry in std::fs::read_dir(root.join("policies")).expect("policies/") {
        let p = entry.expect("entry").path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with(".sla") || name.ends_with(".tests.json") {
            let name = p.file_name().expect("file name");
            std::fs::copy(&p, dir.join("policies").join(name)).expect("copy");
        }
    }
    // A repository whose pull-request base is `origin/main`, for `breaking`.
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args([
                "-c",
                "user.name=slate",
                "-c",
                "user.email=slate@example.invalid",
            ])
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "policies"]);
    git(&["commit", "-q", "-m", "base"]);
    git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    dir
}

#[test]
fn every_slate_command_in_ci_md_runs() {
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"))
        .expect("docs/ci.md");
    let shown = commands(&page);
    let dir = project();
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for s in &shown {
        let command = s.line.split(" #").next().unwrap_or("").trim().to_string();
        // The GitHub job's expression and loop variable, for one file.
        let command = command
            .replace("${{ github.base_ref }}", "main")
            .replace("$f", "policies/domo.sla");
        let mut command = command;
        if s.entry {
            // pre-commit appends the staged files' names.
            command.push_str(" policies/domo.sla policies/dooap.sla");
        }
        let o = Command::new("sh")
            .args(["-c", &command])
            .current_dir(&dir)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .expect("sh runs");
        assert!(
            o.status.success(),
            "`{command}` exited {:?}:\n{}{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        ran += 1;
    }
    // Text: the baseline; GitHub: sarif + gate; pre-commit: check; GitLab:
    // json + gate.
    assert_eq!(ran, 12, "the commands of docs/ci.md");
    assert!(dir.join("slate-baseline.json").is_file());
    // The reports the jobs keep are what they claim to be.
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("slate.sarif")).expect("slate.sarif"))
            .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("slate.json")).expect("slate.json"))
            .expect("JSON report");
    assert_eq!(json["summary"]["files"], 4);
    assert_eq!(json["summary"]["errors"], 0);
}
