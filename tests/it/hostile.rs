//! Hostile inputs through the real binary (issue 11): each asserts the exit
//! code and the message, and none may run past 10 seconds of CPU time (a
//! test that does fails). CPU time, not wall time, is the measure: on a
//! loaded CI machine a command waiting for a core is not hanging. A command
//! still running after two minutes of wall time is killed and fails as
//! "still running".

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The limit the issue sets for every hostile input, in CPU time.
const LIMIT: Duration = Duration::from_secs(10);

/// Wall time after which a command is taken for a hang and killed.
const HANG: Duration = Duration::from_secs(120);

/// The CPU time (user + system) of an exited child that is not yet reaped,
/// from `/proc/PID/stat` (fields 14 and 15, in clock ticks of 1/100 s).
/// `None` while it still runs, or where `/proc` is not there.
fn cpu_of_exited(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    if fields.first() != Some(&"Z") {
        return None;
    }
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs `slate args` with `stdin`; fails past [`LIMIT`] of CPU time, and
/// kills it past [`HANG`] of wall time. Every way out of the wait loop
/// reaps the child (`wait` once it is a zombie, `try_wait`, or `kill` then
/// `wait`), which the lint cannot follow through the loop.
#[allow(clippy::zombie_processes)]
fn slate(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slate"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the slate binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The command may exit before reading all of it: that is fine.
        let _ = pipe.write_all(&input);
    });
    // Drain both pipes while waiting: a command that writes more than a
    // pipe holds must not look like a hang.
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let pid = child.id();
    let mut cpu = None;
    let status = loop {
        // Read the CPU time while the exited child is a zombie: reaping it
        // (try_wait) removes its `/proc` entry.
        if let Some(c) = cpu_of_exited(pid) {
            cpu = Some(c);
            break child.wait().expect("wait");
        }
        if cfg!(not(target_os = "linux")) {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`slate {}` still running after {HANG:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let cpu = cpu.unwrap_or_else(|| start.elapsed());
    assert!(
        cpu <= LIMIT,
        "`slate {}` took {cpu:?} of CPU time, past the limit of {LIMIT:?}",
        args.join(" ")
    );
    let _ = writer.join();
    Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh directory of this test's own.
fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(path: &Path, contents: &str) -> String {
    std::fs::write(path, contents).expect("write");
    path.display().to_string()
}

/// `k0` (Mon-Fri 08:00-17:00 UTC), `r0 = k0`, `r_i = r_{i-1} | k0`, the
/// last link the default calendar; first response 4h for gold sev1.
fn chain_policy(links: usize) -> String {
    let mut s = format!("policy \"Chain\" {{ calendar r{} }}\n", links - 1);
    s.push_str("calendar k0 { zone \"UTC\"  mon-fri 08:00-17:00 }\ncalendar r0 = k0\n");
    for i in 1..links {
        s.push_str(&format!("calendar r{i} = r{} | k0\n", i - 1));
    }
    s.push_str("severity sev1 \"Critical\"\ntiers silver < gold\n");
    s.push_str("targets first_response {\n        silver gold\n  sev1  8h     4h\n}\n");
    s
}

const TICKET: &str = r#"{"id":"T-1","tier":"gold","severity":"sev1","events":[{"at":"2026-03-06T15:30:00Z","type":"opened"}]}"#;

#[test]
fn calendar_reference_chain_of_2000_links_evaluates() {
    // Aborted with a stack overflow in a worker thread before.
    let d = dir("chain2k");
    let policy = write(&d.join("chain.sla"), &chain_policy(2_000));
    let out = slate(&["eval", &policy, "-"], TICKET.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Fri 15:30Z + 4h of Mon-Fri 08-17: 1h30m on Friday, Mon 08:00 + 2h30m.
    assert!(
        text(&out.stdout).contains(r#""deadline":"2026-03-09T10:30:00Z""#),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("1 ticket(s) read, 1 evaluated, 0 failed"));
}

#[test]
fn calendar_reference_chain_of_10000_links_answers_time() {
    // Aborted with a stack overflow in `slate time` before.
    let d = dir("chain10k");
    let policy = write(&d.join("chain.sla"), &chain_policy(10_000));
    let out = slate(
        &[
            "time",
            &policy,
            "r9999",
            "add",
            "2026-03-06T15:30:00Z",
            "4h",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "2026-03-09T10:30:00Z");
}

#[test]
fn check_dir_with_symlink_cycles_visits_each_file_once() {
    // `ln -s . x; ln -s . y` hung `slate check DIR`; one link checked the
    // same file 41 times.
    let d = dir("symlinks");
    let src =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/dooap.sla"))
            .expect("policy");
    write(&d.join("dooap.sla"), &src);
    std::fs::create_dir_all(d.join("sub")).expect("sub");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(".", d.join("x")).expect("symlink");
        std::os::unix::fs::symlink(".", d.join("y")).expect("symlink");
        std::os::unix::fs::symlink("..", d.join("sub/up")).expect("symlink");
        std::os::unix::fs::symlink("../dooap.sla", d.join("sub/same.sla")).expect("symlink");
    }
    let out = slate(&["check", &d.display().to_string()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(
        report.matches(": ok (Dooap Support Services").count(),
        1,
        "{report}"
    );
}

#[test]
fn extends_chain_of_10000_tiers_is_refused_once_with_e0122() {
    // 10,000 tiers each adding an entitlement took 8.8 GB (every tier held
    // a copy of all the entitlements above it).
    let n = 10_000;
    let mut s = String::from(
        "policy \"Ext\" { calendar k0 }\ncalendar k0 { zone \"UTC\"  mon-fri 08:00-17:00 }\nseverity sev1 \"Critical\"\ntiers ",
    );
    s.push_str(
        &(0..n)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(" < "),
    );
    s.push_str("\ntier t0 { e0 }\n");
    for i in 1..n {
        s.push_str(&format!("tier t{i} extends t{} {{ e{i} }}\n", i - 1));
    }
    let d = dir("extends");
    let policy = write(&d.join("ext.sla"), &s);
    let out = slate(&["check", &policy], b"");
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(report.matches("E0122").count(), 1, "{report}");
    assert!(
        report.contains(
            "the `extends` chain down to tier `t32` holds 33 tiers; at most 32 are allowed"
        ),
        "{report}"
    );
}

#[test]
fn deeply_nested_json_fails_its_ticket_and_the_stream_goes_on() {
    let d = dir("nested");
    let policy = write(&d.join("chain.sla"), &chain_policy(2));
    let deep = 100_000;
    let nested_id = format!(
        r#"{{"id":{}{},"tier":"gold","severity":"sev1","events":[]}}"#,
        "[".repeat(deep),
        "]".repeat(deep)
    );
    let nested_ignored = format!(
        r#"{{"id":"T-2","tier":"gold","severity":"sev1","x":{}1{},"events":[{{"at":"2026-03-06T15:30:00Z","type":"opened"}}]}}"#,
        r#"{"a":"#.repeat(deep),
        "}".repeat(deep)
    );
    let input = format!("{nested_id}\n{nested_ignored}\n{TICKET}\n");
    let out = slate(&["eval", &policy, "-"], input.as_bytes());
    // Exit 1: a ticket failed.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 1: the JSON is nested more than 128 levels deep"),
        "{err}"
    );
    assert!(
        err.contains("3 ticket(s) read, 2 evaluated, 1 failed"),
        "{err}"
    );
}

const DOOAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/dooap.sla");

#[test]
fn leap_second_is_refused_not_moved() {
    // `23:59:60` silently became `:59` before.
    let leap = r#"{"id":"L","tier":"fixed_fee","severity":"critical","events":[{"at":"2016-12-31T23:59:60Z","type":"opened"}]}"#;
    let out = slate(&["eval", DOOAP, "-"], leap.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "ticket `L` (line 1): the time `2016-12-31T23:59:60Z` is a leap second, which slate does not count"
        ),
        "{}",
        text(&out.stderr)
    );
    let out = slate(
        &[
            "time",
            DOOAP,
            "central",
            "add",
            "2016-12-31T23:59:60Z",
            "1h",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`2016-12-31T23:59:60Z` is a leap second"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn time_batch_goes_on_past_bad_lines_skips_blank_ones_and_rejects_duplicate_keys() {
    let q = r#"{"op":"add","calendar":"central","at":"2026-03-06T15:30:00-06:00","seconds":3600}"#;
    let dup = r#"{"op":"add","calendar":"central","at":"2026-03-06T15:30:00-06:00","seconds":3600,"seconds":7200}"#;
    let mut input = Vec::new();
    input.extend_from_slice(q.as_bytes());
    input.extend_from_slice(b"\n\n  \t\r\n\xff\xfe not text\n");
    input.extend_from_slice(dup.as_bytes());
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(q.as_bytes());
    let out = slate(&["time", DOOAP, "--batch", "-"], &input);
    assert_eq!(out.status.code(), Some(1));
    // Chicago Mon-Fri 08-16: Fri 15:30 CST + 1h = 30m Friday, Mon 08:30 CDT.
    assert_eq!(
        text(&out.stdout),
        "{\"at\":\"2026-03-09T08:30:00-05:00\"}\n\
         {\"error\":\"line 4: not UTF-8 text (byte 1 of the line)\"}\n\
         {\"error\":\"line 5: duplicate field `seconds` (give each field once)\"}\n\
         {\"at\":\"2026-03-09T08:30:00-05:00\"}\n"
    );
    // Blank lines 2 and 3 are not questions.
    assert_eq!(text(&out.stderr), "4 question(s), 2 answered, 2 failed\n");
}

#[test]
fn answers_past_2200_and_instants_before_1900_are_worded_for_what_they_are() {
    let out = slate(
        &[
            "time",
            DOOAP,
            "central",
            "add",
            "2199-12-31T00:00:00Z",
            "100h",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "error: the answer would fall after 2200-01-01T00:00:00Z, the end of the supported range (1900-01-01 to 2200-01-01 UTC)\n"
    );
    let out = slate(
        &[
            "time",
            DOOAP,
            "central",
            "add",
            "1899-12-31T00:00:00Z",
            "1h",
        ],
        b"",
    );
    assert_eq!(
        text(&out.stderr),
        "error: instant `1899-12-31T00:00:00+00:00` is outside the supported range 1900-01-01 to 2200-01-01 UTC\n"
    );
    // A date in a policy outside 1900-2199 exists; it is out of range.
    let d = dir("dates");
    let policy = write(
        &d.join("dates.sla"),
        "policy \"X\" { calendar c }\ncalendar c { zone \"UTC\" mon-fri 08:00-17:00 closed 2300-01-01 }\nseverity s \"S\"\ntiers a\n",
    );
    let out = slate(&["check", &policy], b"");
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout) + &text(&out.stderr);
    assert!(
        report.contains("the date `2300-01-01` is outside the years slate supports"),
        "{report}"
    );
    assert!(
        report.contains("help: write a date from 1900 to 2199"),
        "{report}"
    );
}

#[test]
fn flat_union_of_100000_terms_has_too_many_terms() {
    let d = dir("flat");
    let mut s = String::from("policy \"X\" { calendar c }\ncalendar a { zone \"UTC\" mon-fri 08:00-17:00 }\ncalendar c = a");
    s.push_str(&" | a".repeat(100_000));
    s.push_str("\nseverity s \"S\"\ntiers t\n");
    let policy = write(&d.join("flat.sla"), &s);
    let out = slate(&["check", &policy], b"");
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout) + &text(&out.stderr);
    assert!(
        report.contains("calendar expression has too many terms"),
        "{report}"
    );
    assert!(!report.contains("nested"), "{report}");
}

#[test]
fn error_excerpts_never_echo_a_huge_field() {
    // A 10 MB tier name was echoed whole.
    let huge = "x".repeat(10 << 20);
    let line = format!(
        r#"{{"id":"Z","tier":"{huge}","severity":"critical","events":[{{"at":"2026-03-06T15:30:00Z","type":"opened"}}]}}"#
    );
    let out = slate(&["eval", DOOAP, "-"], line.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.len() < 400, "{} bytes of error", err.len());
    assert!(
        err.contains(&format!(
            "unknown tier `{}… ({} bytes in all)`",
            "x".repeat(80),
            10 << 20
        )),
        "{err}"
    );
}

#[test]
fn wrong_typed_ticket_fields_say_what_is_wrong() {
    let ev = r#""events":[{"at":"2026-03-06T15:30:00Z","type":"opened"}]"#;
    let input = [
        format!(r#"{{"id":1.5,"tier":"fixed_fee","severity":"critical",{ev}}}"#),
        format!(r#"{{"id":"A","tier":5,"severity":"critical",{ev}}}"#),
        format!(r#"{{"id":"B","tier":null,"severity":"critical",{ev}}}"#),
        r#"{"id":"C","tier":"fixed_fee","severity":"critical","events":{"a":1}}"#.to_string(),
        r#"{"id":"D","tier":"fixed_fee","severity":"critical","events":[{"at":5,"type":"opened"}]}"#.to_string(),
        "[1,2]".to_string(),
    ]
    .join("\n");
    let out = slate(
        &["eval", DOOAP, "-", "--at", "2026-03-10T00:00:00Z"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: line 1: `id` is the number 1.5; it must be a string or a whole number\n\
         error: ticket `A` (line 2): `tier` is the number 5; it must be a tier name (a string)\n\
         error: ticket `B` (line 3): `tier` is null; it must be a tier name (a string)\n\
         error: ticket `C` (line 4): `events` is an object; it must be a list of events\n\
         error: ticket `D` (line 5): `at` of event 1 is the number 5; it must be a string\n\
         error: line 6: the line is a list; it must be a ticket (a JSON object)\n\
         6 ticket(s) read, 0 evaluated, 6 failed; 0 with a breach; answered at 2026-03-10T00:00:00Z\n"
    );
}

#[test]
fn explain_with_a_duplicated_id_says_so() {
    let t = |id: &str| {
        format!(
            r#"{{"id":"{id}","tier":"fixed_fee","severity":"critical","events":[{{"at":"2026-03-06T15:30:00Z","type":"opened"}}]}}"#
        )
    };
    let input = [t("X"), t("Y"), t("X")].join("\n");
    let out = slate(&["explain", DOOAP, "-", "--id", "X"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: ticket `X` appears more than once in `-` (lines 1 and 3); ticket ids must be unique\n"
    );
    // Without --id, the second ticket ends the read.
    let out = slate(&["explain", DOOAP, "-"], input.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: `-` holds more than one ticket (lines 1 and 2); choose one with --id\n"
    );
}

#[test]
fn durations_near_i64_limits_in_a_time_batch_are_out_of_range() {
    // In debug builds these overflowed inside the calendar engine (found by
    // a calendar fuzz run); now each is a clear error and the batch goes on.
    let input = format!(
        "{}\n{}\n{}\n",
        r#"{"op":"add","calendar":"central","at":"2026-03-06T15:30:00-06:00","seconds":9223372036854775807}"#,
        r#"{"op":"add","calendar":"central","at":"2026-03-06T15:30:00-06:00","seconds":-9223372036854775808}"#,
        r#"{"op":"sub","calendar":"central","at":"2026-03-06T15:30:00-06:00","seconds":9223372036854775807}"#,
    );
    let out = slate(&["time", DOOAP, "--batch", "-"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "{\"error\":\"line 1: the answer would fall after 2200-01-01T00:00:00Z, the end of the supported range (1900-01-01 to 2200-01-01 UTC)\"}\n\
         {\"error\":\"line 2: the answer would fall before 1900-01-01T00:00:00Z, the start of the supported range (1900-01-01 to 2200-01-01 UTC)\"}\n\
         {\"error\":\"line 3: the answer would fall before 1900-01-01T00:00:00Z, the start of the supported range (1900-01-01 to 2200-01-01 UTC)\"}\n"
    );
}

#[test]
fn calendar_open_one_minute_in_all_its_range_answers_or_says_why() {
    let d = dir("minute");
    let policy = write(
        &d.join("minute.sla"),
        "policy \"X\" { calendar c }\ncalendar c { zone \"UTC\"\n  open 2026-06-01 10:00-10:01 \"one minute\"\n}\nseverity s \"S\"\ntiers t\ntargets first_response {\n  t\n s 1h\n}\n",
    );
    // The one open minute is 2026-06-01 10:00-10:01 UTC.
    let out = slate(
        &["time", &policy, "c", "add", "2026-01-01T00:00:00Z", "1m"],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "2026-06-01T10:01:00+00:00\n");
    let past = "the answer would fall after 2200-01-01T00:00:00Z, the end of the supported range (1900-01-01 to 2200-01-01 UTC)";
    let out = slate(
        &["time", &policy, "c", "add", "2026-01-01T00:00:00Z", "2m"],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), format!("error: {past}\n"));
    // A 1h first response can never be met: that ticket fails, clearly.
    let ticket = r#"{"id":"A","tier":"t","severity":"s","events":[{"at":"2026-01-01T00:00:00Z","type":"opened"}]}"#;
    let out = slate(
        &["eval", &policy, "-", "--at", "latest-event"],
        ticket.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!("error: ticket `A` (line 1): cannot evaluate: {past}\n1 ticket(s) read, 0 evaluated, 1 failed; 0 with a breach; answered at each ticket's latest event\n")
    );
}

#[test]
fn ticket_with_a_million_events_evaluates() {
    // Mon 2026-01-05 09:00Z opened, then a million replies and customer
    // replies from 10:00:00Z, one a second (wrapping within the hour).
    let mut line = String::with_capacity(60 << 20);
    line.push_str(r#"{"id":"BIG","tier":"fixed_fee","severity":"critical","events":[{"at":"2026-01-05T09:00:00Z","type":"opened"}"#);
    for i in 0..1_000_000u32 {
        let kind = if i % 2 == 1 {
            "customer_replied"
        } else {
            "replied"
        };
        line.push_str(&format!(
            r#",{{"at":"2026-01-05T10:{:02}:{:02}Z","type":"{kind}"}}"#,
            (i / 60) % 60,
            i % 60
        ));
    }
    line.push_str("]}\n");
    let out = slate(
        &["eval", DOOAP, "-", "--at", "latest-event"],
        line.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "1 ticket(s) read, 1 evaluated, 0 failed; 0 with a breach; answered at each ticket's latest event\n"
    );
    // Dooap's desk (Helsinki 06-14Z | Chicago 14-22Z in January) is open
    // from 06:00Z: first response 4h from 09:00Z is due 13:00Z, met by the
    // reply at 10:00:00Z; resolution 8h is due 17:00Z, still running.
    let answer = text(&out.stdout);
    assert!(
        answer.contains(r#""metric":"first_response","state":"met""#),
        "{}",
        &answer[..answer.len().min(2000)]
    );
    assert!(answer.contains(r#""deadline":"2026-01-05T13:00:00Z","stop":"2026-01-05T10:00:00Z""#));
    assert!(answer.contains(r#""deadline":"2026-01-05T17:00:00Z""#));
}

#[test]
fn policy_encodings_bom_crlf_tabs_and_non_utf8() {
    let d = dir("encodings");
    let src = std::fs::read_to_string(DOOAP).expect("policy");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(src.replace('\n', "\r\n").replace("  ", "\t").as_bytes());
    let p = d.join("bom_crlf_tabs.sla");
    std::fs::write(&p, &bom).expect("write");
    let out = slate(&["check", &p.display().to_string()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(": ok (Dooap Support Services"));
    let mut bad = src.into_bytes();
    bad.extend_from_slice(b"\n# caf\xe9\n");
    let p = d.join("latin1.sla");
    std::fs::write(&p, &bad).expect("write");
    let out = slate(&["check", &p.display().to_string()], b"");
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout) + &text(&out.stderr);
    assert!(report.contains("E0002"), "{report}");
}

#[test]
fn output_is_byte_identical_with_1_2_and_8_threads_in_every_format() {
    // The Dooap evaluation fixtures' tickets, each repeated under fresh
    // ids: 4,500 tickets, more than four chunks of 1,024, with one
    // malformed line, one ticket that fails validation and one duplicate
    // id among them (one thread runs the chunks on the calling thread,
    // more hand them to the pool: failures must fall in the same places).
    let dir_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/dooap");
    let mut tickets: Vec<serde_json::Value> = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir_path)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    for f in files {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f).expect("fixture")).expect("json");
        tickets.push(doc["ticket"].clone());
    }
    let mut input = String::new();
    for i in 0..4_500 {
        let mut t = tickets[i % tickets.len()].clone();
        t["id"] = serde_json::Value::String(format!("D-{i}"));
        input.push_str(&t.to_string());
        input.push('\n');
        if i == 2_000 {
            input.push_str("{not json\n");
        }
        if i == 3_000 {
            input.push_str(
                r#"{"id":"no-open","tier":"fixed_fee","severity":"critical","events":[]}"#,
            );
            input.push('\n');
        }
        if i == 4_200 {
            input.push_str(&t.to_string());
            input.push('\n');
        }
    }
    // Every output format, at each ticket's latest event and at one instant
    // for all (the default, now, would differ between runs a second apart),
    // with every metric, the CLI's default selection and one picked metric.
    let mut cases: Vec<Vec<&str>> = Vec::new();
    for format in ["jsonl", "csv", "table"] {
        cases.push(vec![
            "--format",
            format,
            "--at",
            "latest-event",
            "--all-metrics",
        ]);
        cases.push(vec!["--format", format, "--at", "2026-03-20T12:00:00Z"]);
    }
    cases.push(vec![
        "--format",
        "csv",
        "--at",
        "2026-03-20T12:00:00Z",
        "--metrics",
        "first_response",
    ]);
    for case in &cases {
        let format = case.join(" ");
        let runs: Vec<Output> = ["1", "2", "8"]
            .iter()
            .map(|n| {
                let mut child = Command::new(env!("CARGO_BIN_EXE_slate"))
                    .args(["eval", DOOAP, "-"])
                    .args(case)
                    .env("NO_COLOR", "1")
                    .env("RAYON_NUM_THREADS", n)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("slate runs");
                let mut pipe = child.stdin.take().expect("stdin");
                let bytes = input.clone().into_bytes();
                let writer = std::thread::spawn(move || pipe.write_all(&bytes));
                let out = child.wait_with_output().expect("output");
                writer.join().expect("writer").expect("written");
                out
            })
            .collect();
        assert_eq!(runs[0].status.code(), Some(1), "{format}: a line failed");
        assert!(
            text(&runs[0].stderr).contains("4503 ticket(s) read, 4500 evaluated, 3 failed"),
            "{format}: {}",
            text(&runs[0].stderr)
        );
        assert!(runs[0].stdout.len() > 100_000, "{format}: output written");
        for (n, run) in ["2", "8"].iter().zip(&runs[1..]) {
            assert!(
                run.stdout == runs[0].stdout,
                "{format}: {n} threads differ from 1"
            );
            assert_eq!(run.stderr, runs[0].stderr, "{format}: {n} threads");
            assert_eq!(run.status.code(), runs[0].status.code());
        }
    }
}

#[test]
fn null_event_fields_are_called_null_not_missing() {
    let ev = |id: &str, fields: &str| {
        format!(
            r#"{{"id":"{id}","tier":"fixed_fee","severity":"critical","events":[{{"at":"2026-03-06T15:30:00Z","type":"opened"}},{fields}]}}"#
        )
    };
    let input = [
        ev("N1", r#"{"at":null,"type":"replied"}"#),
        ev("N2", r#"{"at":"2026-03-06T16:00:00Z","type":null}"#),
        ev(
            "N3",
            r#"{"at":"2026-03-06T16:00:00Z","type":"status","status":null}"#,
        ),
        ev(
            "N4",
            r#"{"at":"2026-03-06T16:00:00Z","type":"tier","tier":null}"#,
        ),
        // Absent is still missing; a null field the event does not use is
        // ignored like any unused field (this ticket is answered).
        ev("N5", r#"{"at":"2026-03-06T16:00:00Z","type":"status"}"#),
        ev(
            "OK",
            r#"{"at":"2026-03-06T16:00:00Z","type":"replied","status":null}"#,
        ),
    ]
    .join("\n");
    let out = slate(
        &["eval", DOOAP, "-", "--at", "2026-03-10T00:00:00Z"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: ticket `N1` (line 1): `at` of event 2 is null; it must be a string\n\
         error: ticket `N2` (line 2): `type` of event 2 is null; it must be a string\n\
         error: ticket `N3` (line 3): `status` of event 2 is null; it must be a string\n\
         error: ticket `N4` (line 4): `tier` of event 2 is null; it must be a string\n\
         error: ticket `N5` (line 5): missing field `status`\n\
         6 ticket(s) read, 1 evaluated, 5 failed; 1 with a breach; answered at 2026-03-10T00:00:00Z\n"
    );
}

#[test]
fn explain_names_a_line_that_is_not_utf8() {
    let good = r#"{"id":"G","tier":"fixed_fee","severity":"critical","events":[{"at":"2026-03-06T15:30:00Z","type":"opened"}]}"#;
    let mut input = b"\n".to_vec();
    input.extend_from_slice(b"{\"id\":\"\xff\"}\n");
    input.extend_from_slice(good.as_bytes());
    // It exited 3 ("stream did not contain valid UTF-8") before.
    let out = slate(&["explain", DOOAP, "-", "--at", "latest-event"], &input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: line 2: malformed input: not UTF-8: invalid utf-8 sequence of 1 bytes from index 7\n"
    );
    // Asked for another ticket by id, the line is passed over (its id
    // cannot be read) and the ticket asked for is explained.
    let out = slate(
        &["explain", DOOAP, "-", "--id", "G", "--at", "latest-event"],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("first_response"));
    // When that ticket is not there, the unreadable line is named.
    let out = slate(&["explain", DOOAP, "-", "--id", "Z"], &input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: no ticket `Z` in `-`; 1 line(s) could not be read as a ticket (line 2): run `slate eval` on the file to see why\n"
    );
}

#[test]
fn a_finding_on_a_ten_megabyte_line_prints_an_excerpt_of_it() {
    // 10 MB of spaces, then a second declaration of `gold`: the human
    // report used to print the whole line.
    let d = dir("long_line");
    let mut src = String::from(
        "policy \"P\" { calendar c }\ncalendar c = 24x7\nseverity s \"S\"\ntiers gold\n",
    );
    src.push_str(&" ".repeat(10 << 20));
    src.push_str("tiers gold\n");
    let policy = write(&d.join("long.sla"), &src);
    let out = slate(&["check", &policy], b"");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(report.len() < 4_000, "{} bytes of report", report.len());
    // The file's line and column; 60 bytes of the line before the finding.
    assert!(
        report.contains(&format!("long.sla:5:{}]", (10 << 20) + 1)),
        "{report}"
    );
    assert!(
        report.contains(&format!("5 │ …{}tiers gold", " ".repeat(60))),
        "{report}"
    );
}
