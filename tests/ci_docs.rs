//! Every `slate` command in docs/ci.md runs, against a copy of the shipped
//! policies, and succeeds. Lines marked `# doc-test: pending` name commands
//! that are not in this build yet; the test checks that each really is
//! missing, so that the mark is removed when the command lands.

use std::path::{Path, PathBuf};
use std::process::Command;

const PENDING: &str = "# doc-test: pending";

/// A `slate` command line of the page: the code line, and whether it is a
/// pre-commit `entry` (which pre-commit runs with file names appended).
struct Shown {
    line: String,
    entry: bool,
    pending: bool,
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
                        pending: false,
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
                pending: l.contains(PENDING),
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
        if p.extension().is_some_and(|e| e == "sla") {
            let name = p.file_name().expect("file name");
            std::fs::copy(&p, dir.join("policies").join(name)).expect("copy");
        }
    }
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
    let mut pending = Vec::new();
    for s in &shown {
        let sub = s.line.split_whitespace().nth(1).unwrap_or("");
        if s.pending {
            // The command must really be missing from this build.
            let o = Command::new(env!("CARGO_BIN_EXE_slate"))
                .args([sub, "--help"])
                .output()
                .expect("slate runs");
            assert_eq!(
                o.status.code(),
                Some(2),
                "`slate {sub}` exists now: remove `{PENDING}` from `{}` in docs/ci.md",
                s.line
            );
            pending.push(sub.to_string());
            continue;
        }
        let mut command = s.line.split(" #").next().unwrap_or("").trim().to_string();
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
    assert_eq!(ran, 6, "the runnable commands of docs/ci.md");
    assert!(dir.join("slate-baseline.json").is_file());
    pending.sort();
    assert_eq!(pending, ["breaking", "fmt", "fmt", "fmt", "test", "test"]);
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
