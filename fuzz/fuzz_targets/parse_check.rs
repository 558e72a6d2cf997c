//! Arbitrary bytes through the front door: decode (E0002 for non-UTF-8),
//! parse, check and lower. Anything but a panic, abort, hang or
//! out-of-memory is fine; a compiled policy must also serialize.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (source, encoding) = slate::source_from_bytes("fuzz.sla", data.to_vec());
    if encoding.is_some() {
        return;
    }
    match slate::compile(&source) {
        Ok(compiled) => {
            let _ = compiled.ir_json(true);
            // Every declared calendar answers a first query (this builds
            // its tables).
            let t = chrono::DateTime::from_timestamp(1_772_800_000, 0).expect("2026");
            for name in compiled
                .calendar_names()
                .map(str::to_string)
                .collect::<Vec<_>>()
            {
                if let Ok(cal) = compiled.calendar(&name) {
                    let _ = cal.is_open(t);
                }
            }
        }
        Err(e) => assert!(!e.diagnostics.is_empty(), "an error without findings"),
    }
});
