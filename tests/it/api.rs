//! The public API, listed from rustdoc's JSON output and snapshotted: every
//! change to what embedders can name shows in review.
//!
//! rustdoc's JSON output is unstable; `RUSTC_BOOTSTRAP=1` lets the stable
//! toolchain write it. It is built in its own target directory
//! (`target/api`), without default features (the library as embedders
//! build it).

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The rustdoc JSON format this lister reads.
const FORMAT_VERSION: u64 = 57;

fn rustdoc_json() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/api");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("RUSTDOCFLAGS")
        .args(["rustdoc", "--lib", "--no-default-features", "--quiet"])
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "rustdoc failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(target.join("doc/slate.json")).expect("rustdoc JSON");
    serde_json::from_str(&text).expect("rustdoc JSON parses")
}

struct Lister<'a> {
    index: &'a serde_json::Map<String, Value>,
    lines: BTreeSet<String>,
}

fn id_key(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// A type as source text, for the shapes the API uses.
fn ty(t: &Value) -> String {
    let Some((kind, inner)) = t.as_object().and_then(|o| o.iter().next()) else {
        return "_".into();
    };
    match kind.as_str() {
        "primitive" | "generic" => inner.as_str().unwrap_or("_").to_string(),
        "resolved_path" => {
            // The name, not the path it was written with inside the crate.
            let path = inner["path"].as_str().unwrap_or("_");
            let name = path.rsplit("::").next().unwrap_or(path);
            let args = inner["args"]["angle_bracketed"]["args"]
                .as_array()
                .map(|args| {
                    args.iter()
                        .map(|a| match a.as_object().and_then(|o| o.iter().next()) {
                            Some((k, v)) if k == "type" => ty(v),
                            Some((k, v)) if k == "lifetime" => v.as_str().unwrap_or("'_").into(),
                            _ => "_".into(),
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            if args.is_empty() {
                name.to_string()
            } else {
                format!("{name}<{}>", args.join(", "))
            }
        }
        "borrowed_ref" => {
            let life = inner["lifetime"]
                .as_str()
                .map(|l| format!("{l} "))
                .unwrap_or_default();
            let m = if inner["is_mutable"] == true {
                "mut "
            } else {
                ""
            };
            format!("&{life}{m}{}", ty(&inner["type"]))
        }
        "slice" => format!("[{}]", ty(inner)),
        "array" => format!(
            "[{}; {}]",
            ty(&inner["type"]),
            inner["len"].as_str().unwrap_or("_")
        ),
        "tuple" => format!(
            "({})",
            inner
                .as_array()
                .map(|ts| ts.iter().map(ty).collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        ),
        "impl_trait" => "impl _".into(),
        "qualified_path" => format!(
            "{}::{}",
            ty(&inner["self_type"]),
            inner["name"].as_str().unwrap_or("_")
        ),
        other => format!("<{other}>"),
    }
}

fn signature(f: &Value) -> String {
    let sig = &f["sig"];
    let inputs = sig["inputs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    let name = p[0].as_str().unwrap_or("_");
                    if name == "self" {
                        ty(&p[1]).replace("Self", "self")
                    } else {
                        format!("{name}: {}", ty(&p[1]))
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let output = match &sig["output"] {
        Value::Null => String::new(),
        t => format!(" -> {}", ty(t)),
    };
    format!("({inputs}){output}")
}

impl Lister<'_> {
    fn item(&self, id: &Value) -> Option<&Value> {
        self.index.get(&id_key(id))
    }

    fn add(&mut self, line: String) {
        self.lines.insert(line);
    }

    fn walk(&mut self, id: &Value, path: &str) {
        let Some(item) = self.item(id).cloned() else {
            return;
        };
        if item["visibility"] != "public" {
            return;
        }
        let Some((kind, inner)) = item["inner"].as_object().and_then(|o| o.iter().next()) else {
            return;
        };
        let non_exhaustive = item["attrs"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x.to_string().contains("non_exhaustive")));
        let ne = if non_exhaustive {
            " #[non_exhaustive]"
        } else {
            ""
        };
        match kind.as_str() {
            "module" => {
                self.add(format!("mod {path}"));
                for child in inner["items"].as_array().into_iter().flatten() {
                    let name = self
                        .item(child)
                        .and_then(|c| c["name"].as_str())
                        .unwrap_or("")
                        .to_string();
                    self.walk(child, &format!("{path}::{name}"));
                }
            }
            "use" => {
                let name = inner["name"].as_str().unwrap_or("_");
                let base = path.rsplit_once("::").map_or(path, |(b, _)| b);
                let target = inner["id"].clone();
                if self.item(&target).is_some() {
                    self.walk(&target, &format!("{base}::{name}"));
                } else {
                    self.add(format!(
                        "use {base}::{name} = {}",
                        inner["source"].as_str().unwrap_or("_")
                    ));
                }
            }
            "struct" => {
                self.add(format!("struct {path}{ne}"));
                if let Some(fields) = inner["kind"]["plain"]["fields"].as_array() {
                    for f in fields {
                        if let Some(field) = self.item(f).cloned() {
                            if field["visibility"] == "public" {
                                self.add(format!(
                                    "struct {path}.{}: {}",
                                    field["name"].as_str().unwrap_or("_"),
                                    ty(&field["inner"]["struct_field"])
                                ));
                            }
                        }
                    }
                }
                self.impls(inner, path);
            }
            "enum" => {
                self.add(format!("enum {path}{ne}"));
                for v in inner["variants"].as_array().into_iter().flatten() {
                    if let Some(variant) = self.item(v) {
                        let name = variant["name"].as_str().unwrap_or("_").to_string();
                        self.add(format!("enum {path}::{name}"));
                    }
                }
                self.impls(inner, path);
            }
            "function" => self.add(format!("fn {path}{}", signature(inner))),
            "constant" => self.add(format!("const {path}: {}", ty(&inner["type"]))),
            "type_alias" => self.add(format!("type {path}")),
            "trait" => self.add(format!("trait {path}")),
            other => self.add(format!("{other} {path}")),
        }
    }

    fn impls(&mut self, inner: &Value, path: &str) {
        for i in inner["impls"].as_array().into_iter().flatten() {
            let Some(imp) = self.item(i).cloned() else {
                continue;
            };
            let imp = &imp["inner"]["impl"];
            if !imp["blanket_impl"].is_null() {
                continue;
            }
            match imp["trait"]["path"].as_str() {
                None => {
                    for m in imp["items"].as_array().into_iter().flatten() {
                        let Some(method) = self.item(m).cloned() else {
                            continue;
                        };
                        if method["visibility"] != "public" {
                            continue;
                        }
                        if let Some(f) = method["inner"].get("function") {
                            let name = method["name"].as_str().unwrap_or("_");
                            self.add(format!("fn {path}::{name}{}", signature(f)));
                        }
                    }
                }
                Some(t) => {
                    let auto = imp["is_synthetic"] == true;
                    if !auto || matches!(t, "Send" | "Sync") {
                        self.add(format!("impl {t} for {path}"));
                    }
                }
            }
        }
    }
}

#[test]
fn public_api() {
    let doc = rustdoc_json();
    assert_eq!(
        doc["format_version"], FORMAT_VERSION,
        "rustdoc's JSON format changed with the toolchain: update the lister"
    );
    let index = doc["index"].as_object().expect("an index");
    let mut lister = Lister {
        index,
        lines: BTreeSet::new(),
    };
    lister.walk(&doc["root"], "slate");
    let lines: Vec<String> = lister.lines.into_iter().collect();
    // The stages stay private: only the front door and its data.
    for hidden in [
        "slate::syntax",
        "slate::ast",
        "slate::check",
        "slate::calendar::",
        "slate::eval::",
    ] {
        assert!(
            !lines.iter().any(|l| l.contains(hidden)),
            "`{hidden}` is public"
        );
    }
    insta::assert_snapshot!(lines.join("\n"));
}
