//! `slate fmt` on arbitrary text: formatting a policy that parses gives
//! text that parses to the same IR, and formatting that again changes
//! nothing (idempotent).
#![no_main]

use libfuzzer_sys::fuzz_target;
use slate::SourceFile;

fuzz_target!(|text: &str| {
    let Ok(once) = slate::format::format(&SourceFile::new("fuzz.sla", text)) else {
        return;
    };
    let twice = slate::format::format(&SourceFile::new("fuzz.sla", once.as_str()))
        .expect("formatted text formats again");
    assert_eq!(once, twice, "fmt is not idempotent");
    let before = slate::compile(&SourceFile::new("fuzz.sla", text));
    let after = slate::compile(&SourceFile::new("fuzz.sla", once.as_str()));
    match (before, after) {
        (Ok(a), Ok(b)) => {
            // Spans move and durations are normalized (`0h` is written
            // `0s`, `90m` is `1h30m`): compare the IR without spans and
            // without a target's `written` spelling, as the formatter's own
            // tests do.
            let strip = |c: &slate::Compiled| {
                let mut v: serde_json::Value =
                    serde_json::from_str(&c.ir_json(true)).expect("IR is JSON");
                drop_spans(&mut v);
                v
            };
            assert_eq!(strip(&a), strip(&b), "fmt changed the policy");
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "fmt changed whether the policy compiles: before {}, after {}",
            a.is_ok(),
            b.is_ok()
        ),
    }
});

fn drop_spans(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("span");
            m.remove("written");
            m.values_mut().for_each(drop_spans);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(drop_spans),
        _ => {}
    }
}
