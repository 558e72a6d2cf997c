//! The synthetic ticket corpus shared by the benches, `examples/gen_tickets`
//! and the library's own tests: plain text, no dependency on slate, so every
//! user of it sees the same tickets.

#![allow(dead_code)]

/// A deterministic pseudo-random generator (64-bit LCG) for corpora.
#[derive(Debug, Clone)]
pub struct Lcg(pub u64);

impl Lcg {
    /// The next number below `n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Ticket number `i` of a synthetic corpus for the sample policies, as one
/// JSON line: opened during 2026, a mix of replies, customer messages,
/// waiting periods, severity and tier changes, resolutions and reopens.
pub fn synthetic_ticket(i: u64, seed: u64) -> String {
    use std::fmt::Write as _;
    let mut r = Lcg(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    r.below(2);
    let tiers = ["standard", "gold", "platinum"];
    let sevs = ["sev1", "sev2", "sev3"];
    let base: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
    let mut t = base + (r.below(364 * 86_400) as i64);
    let mut line = format!(
        r#"{{"id":"T-{i}","tier":"{}","severity":"{}","type":"{}","events":["#,
        tiers[r.below(3) as usize],
        sevs[r.below(3) as usize],
        ["bug", "question"][r.below(2) as usize],
    );
    let push = |line: &mut String, t: i64, body: &str| {
        let at = chrono::DateTime::from_timestamp(t, 0).unwrap_or_default();
        let sep = if line.ends_with('[') { "" } else { "," };
        let _ = write!(
            line,
            r#"{sep}{{"at":"{}","type":{body}}}"#,
            at.format("%Y-%m-%dT%H:%M:%SZ")
        );
    };
    push(&mut line, t, r#""opened""#);
    let steps = 2 + r.below(10);
    let mut resolved = false;
    for _ in 0..steps {
        t += 60 + r.below(20 * 3600) as i64;
        let body = match r.below(20) {
            0..=5 => r#""replied""#,
            6..=9 => r#""customer_replied""#,
            10 => r#""acknowledged""#,
            11 | 12 => r#""status","status":"waiting_on_customer""#,
            13 | 14 => r#""status","status":"open""#,
            15 => r#""severity","severity":"sev1""#,
            16 => r#""tier","tier":"platinum""#,
            17 if !resolved => {
                resolved = true;
                r#""resolved""#
            }
            18 if resolved => {
                resolved = false;
                r#""reopened""#
            }
            _ => r#""replied""#,
        };
        push(&mut line, t, body);
    }
    if r.below(3) > 0 && !resolved {
        t += 60 + r.below(48 * 3600) as i64;
        push(&mut line, t, r#""resolved""#);
    }
    line.push_str("]}");
    line
}
