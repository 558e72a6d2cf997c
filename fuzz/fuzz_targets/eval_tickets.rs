//! Arbitrary ticket JSON against every policy in `policies/`: reading either
//! fails with an input error or gives a ticket that evaluates (at its
//! latest event) or fails with a calendar error, and its answer writes as
//! JSON. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const POLICIES: [(&str, &str); 4] = [
    ("dimagi.sla", include_str!("../../policies/dimagi.sla")),
    ("domo.sla", include_str!("../../policies/domo.sla")),
    ("dooap.sla", include_str!("../../policies/dooap.sla")),
    ("prismic.sla", include_str!("../../policies/prismic.sla")),
];

fn compiled() -> &'static [slate::Compiled] {
    static ALL: OnceLock<Vec<slate::Compiled>> = OnceLock::new();
    ALL.get_or_init(|| {
        POLICIES
            .iter()
            .map(|(name, text)| {
                slate::compile(&slate::SourceFile::new(*name, *text)).expect("shipped policy")
            })
            .collect()
    })
}

fuzz_target!(|line: &str| {
    for c in compiled() {
        let Ok(ticket) = c.ticket_from_json(line) else {
            continue;
        };
        if let Some(at) = ticket.latest_event() {
            if let Ok(answer) = c.evaluate(&ticket, at) {
                // Answers serialize: the JSON `slate eval` writes.
                let _ = answer.to_json();
            }
            let _ = c.explain(&ticket, at, None);
        }
    }
});
