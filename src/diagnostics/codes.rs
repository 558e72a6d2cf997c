//! The one table of diagnostic codes. Codes are never renumbered or reused.
//! `slate explain CODE` and `docs/diagnostics.md` are generated from it.

use serde::{Serialize, Serializer};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A warning (lint); does not fail a check unless `--deny-warnings`.
    Warning,
    /// An error; the policy does not compile.
    Error,
}

/// slate's home page (the package's `repository` in Cargo.toml).
pub const HOME_URL: &str = env!("CARGO_PKG_REPOSITORY");

/// The generated diagnostics reference on the web; every code's help link
/// is an anchor in it.
pub const DIAGNOSTICS_URL: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/main/docs/diagnostics.md"
);

macro_rules! codes {
    ($( $variant:ident = $code:literal, $name:literal, $level:ident, $summary:literal, $explanation:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written (`E0101`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The kebab-case name (`unknown-tier`).
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The default level.
            pub fn level(self) -> Level {
                match self { $(Code::$variant => Level::$level,)* }
            }

            /// One-line summary.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// Longer explanation with an example, for `slate explain`.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explanation,)* }
            }
        }
    };
}

impl Code {
    /// Looks a code up by its code (`E0101`, case-insensitive) or its name (`unknown-tier`).
    pub fn lookup(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text) || c.name() == text)
    }

    /// The web page explaining this code: its section of
    /// `docs/diagnostics.md` (the same text `slate explain CODE` prints).
    pub fn help_url(self) -> String {
        format!("{}#{}", DIAGNOSTICS_URL, self.as_str().to_ascii_lowercase())
    }

    /// Whether this is a lint (an `L` code).
    pub fn is_lint(self) -> bool {
        self.as_str().starts_with('L')
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

codes! {
    SyntaxError = "E0001", "syntax-error", Error,
        "the text is not valid slate syntax",
        "The parser expected something else at this point.\n\nThe message says what was expected. A common cause is a missing `}` or a value\nwritten in a form slate does not know, such as `4 hours` instead of `4h`.\n\n    severity sev1 \"Critical\" {\n      clock 24x7\n    # <- missing `}`";
    InvalidEncoding = "E0002", "invalid-encoding", Error,
        "the file is not UTF-8 text",
        "Policies are UTF-8 text files. This file contains bytes that are not valid UTF-8,\nwhich usually means it is a binary file or was saved in another encoding.\nRe-save it as UTF-8.";
    ImportUnsupported = "E0003", "import-unsupported", Error,
        "`import` is not supported yet",
        "The language reserves `import \"path.sla\"` for sharing declarations (such as a\nholiday calendar) between policies, but this version of slate does not read\nimported files. Copy the declarations into the policy instead. The import is\nreported rather than silently ignored so that no declaration goes missing.";
    UnknownTier = "E0101", "unknown-tier", Error,
        "a name is used as a tier but no tier has that name",
        "Tiers are declared with `tiers a < b < c`. Every tier used in `extends`,\ntarget tables, `covers` and quotas must be one of them.\n\n    tiers silver < gold\n    tier gold extends silvr {}   # error: did you mean `silver`?";
    UnknownSeverity = "E0102", "unknown-severity", Error,
        "a name is used as a severity but no severity has that name",
        "Severities are declared with `severity NAME \"description\"`, most severe first.\nEvery row of a target table must name one of them (or `*`).\n\n    severity sev1 \"Critical\"\n    targets first_response {\n             gold\n      sev9   4h      # error: unknown severity `sev9`\n    }";
    UnknownCalendar = "E0103", "unknown-calendar", Error,
        "a name is used as a calendar but no calendar has that name",
        "Calendars are declared with `calendar NAME { ... }` or `calendar NAME = expr`.\n`24x7` is built in.\n\n    policy \"Acme\" { calendar bussiness }   # error: did you mean `business`?";
    UnknownMetric = "E0104", "unknown-metric", Error,
        "a name is used as a metric but no metric has that name",
        "Metrics come from the prelude (acknowledge, first_response, follow_up,\nperiodic_update, resolution) or from `metric NAME { ... }` declarations.\n\n    targets first_responce { ... }   # error: did you mean `first_response`?";
    UnknownType = "E0105", "unknown-type", Error,
        "a name is used as an issue type but no type has that name",
        "Issue types are declared with `type NAME \"description\" { ... }`.\n\n    targets first_response for bgu { ... }   # error: did you mean `bug`?";
    UnknownEvent = "E0106", "unknown-event", Error,
        "a metric starts or stops on an event slate does not know",
        "Ticket events are: opened, replied, customer_replied, acknowledged, resolved,\nclosed, reopened, status, severity, tier.\n\n    metric m { starts on open  stops on resolved }   # error: did you mean `opened`?";
    UnknownKeyword = "E0107", "unknown-option", Error,
        "a keyword option has a value slate does not know",
        "Some clauses take one of a fixed set of words: `on change recompute|restart`,\n`on reopen continue|new_cycle|first_close_only`, `periodic on EVENT independent|sequential`,\n`maintenance counts as up` or `maintenance excluded`, `missing samples count as up|down` or\n`missing samples excluded`, and period words `day|week|month|year`.";
    UnknownVersion = "E0108", "unknown-version", Error,
        "a target table names a version that is not declared",
        "A table written `targets METRIC in VERSION` belongs to a policy version, which is\ndeclared with `version NAME effective DATE pinned|re-evaluated`.\n\n    version july2026 effective 2026-07-01 pinned\n    targets first_response in july { ... }   # error: did you mean `july2026`?";
    DuplicateName = "E0110", "duplicate-name", Error,
        "two declarations of the same kind have the same name",
        "Each calendar, severity, tier, type, metric, availability objective and quota\nname must be unique within its kind.\n\n    tier gold { contacts 3 }\n    tier gold { contacts 4 }   # error: `gold` is declared twice";
    DuplicateEntry = "E0111", "duplicate-entry", Error,
        "a setting is given twice where only one is allowed",
        "A setting such as a calendar's `zone`, a tier's entitlement, a policy's\n`provider`, or a target table cell may only be given once.\n\n    calendar c { zone \"UTC\"  zone \"Europe/Paris\" }   # error";
    ExtendsCycle = "E0120", "extends-cycle", Error,
        "tiers extend each other in a cycle",
        "`extends` copies entitlements from another tier. A tier cannot extend itself,\ndirectly or through others.\n\n    tier gold extends silver {}\n    tier silver extends gold {}   # error: gold -> silver -> gold";
    CalendarCycle = "E0121", "calendar-cycle", Error,
        "calendars are defined in terms of each other in a cycle",
        "A calendar expression can use other calendars, but not itself.\n\n    calendar a = b | c\n    calendar b = a - d   # error: a -> b -> a";
    ExtendsTooDeep = "E0122", "extends-too-deep", Error,
        "a chain of `extends` is longer than 32 tiers",
        "Each tier copies the entitlements of the tier it extends, and of that tier's\nbase, and so on. A chain may be at most 32 tiers long (real contracts use a\nfew); a longer one is refused because every tier in it would hold a copy of\nall the entitlements above it.\n\n    tier t1 extends t0 {}\n    ...\n    tier t32 extends t31 {}   # error: the 33rd tier of one chain";
    MissingPolicy = "E0130", "missing-policy", Error,
        "the file has no `policy` header, or more than one",
        "Every policy file (other than imported ones) starts with exactly one header:\n\n    policy \"Acme Support\" {\n      provider \"Acme\"\n      calendar business\n    }";
    MissingDefaultCalendar = "E0131", "missing-calendar", Error,
        "a target has no calendar to run on",
        "A target runs on its table's `on CALENDAR`, else its severity's `clock`, else the\npolicy's default `calendar`. Name a default calendar in the policy header.";
    TierNotInOrder = "E0132", "tier-not-ordered", Error,
        "a tier block names a tier that is not in the `tiers` order",
        "Tiers must be ordered, lowest first, with `tiers a < b < c`, so that slate can\ncompare what different tiers promise. A `tier NAME { ... }` block may only\ndescribe one of those tiers. A policy with one tier may leave the order out\n(`tier gold { }` alone orders it); several tier blocks without a `tiers` line are\none error naming them all.\n\n    tiers silver < gold\n    tier platinum { }   # error: add it to the order";
    VersionOrder = "E0150", "version-order", Error,
        "policy versions are not in the order they take effect",
        "Versions are declared oldest first, each on its own date, and after the policy's\nown `effective` date, so that each reads as a change to the one above it. Two\nversions on the same date would both be in force from that day.\n\n    policy \"Acme\" { effective 2026-01-01 }\n    version v2 effective 2026-07-01 pinned\n    version v3 effective 2026-03-01 pinned   # error: before v2";
    UnknownZone = "E0201", "unknown-time-zone", Error,
        "a time zone is not a known IANA zone name",
        "Zones are IANA names such as `America/Chicago` or `Europe/Helsinki`, which carry\ntheir daylight-saving rules. Abbreviations and descriptions are ambiguous.\n\n    zone \"Central US\"   # error: did you mean `America/Chicago`?";
    InvalidTime = "E0202", "invalid-time", Error,
        "a time of day does not exist",
        "Times are `hh:mm` from `00:00` to `24:00`; `24:00` means the end of the day and is\nonly allowed as the end of a range.\n\n    mon-fri 08:00-25:00   # error";
    InvalidDate = "E0203", "invalid-date", Error,
        "a date does not exist",
        "Dates are `YYYY-MM-DD` (or `MM-DD` after `every`) and must exist in the calendar.\n\n    closed 2026-02-30   # error: February 2026 has 28 days";
    EmptyCalendar = "E0204", "empty-calendar", Error,
        "a calendar is never open",
        "A calendar with no open time makes every deadline on it infinite. Give it\nweekly hours, or fix the expression (`a & b` of two calendars that never overlap\nis empty).\n\n    calendar c { zone \"UTC\" }   # error: no hours";
    AmbiguousDays = "E0205", "ambiguous-days", Error,
        "a duration in days on a calendar that is not always open",
        "Contracts say \"1 day\" and mean different things: 24 open hours, one business\nday, 8 hours, or 24 wall-clock hours. On a calendar that is not 24x7, write\nwhat is meant: `1bd` (one business day, same position in the next business day)\nor `24h` (24 hours of open time).";
    MissingZone = "E0206", "missing-zone", Error,
        "a calendar with weekly hours does not name its time zone",
        "Weekly hours are local times and mean nothing without a zone. Name the\nIANA zone the contract means:\n\n    calendar business {\n      zone \"America/Denver\"\n      mon-fri 08:00-17:00\n    }";
    InvalidRange = "E0207", "invalid-range", Error,
        "a time range is empty or a day range is unknown",
        "A range `a-b` whose end is not after its start crosses midnight; `08:00-08:00`\nwould be ambiguous and is refused. Day names are mon, tue, wed, thu, fri, sat, sun.";
    DuplicateSelectorValue = "E0210", "duplicate-selector-value", Error,
        "a calendar chosen per ticket lists one attribute value twice",
        "`calendar NAME by ATTRIBUTE { value: CAL, ... }` gives each value of the ticket's\nattribute one calendar. A value listed twice would give a ticket two clocks.\n\n    calendar desk by region { eu: eu_desk, eu: us_desk }   # error";
    SelectorNeedsHours = "E0211", "selector-needs-hours", Error,
        "a calendar chosen per ticket is used where a calendar with hours is needed",
        "A calendar chosen per ticket (`by ATTRIBUTE`) has no hours of its own: it is a\nclock for targets (the policy's `calendar`, a severity's `clock`, `targets ... on`).\nIt cannot be combined in an expression, excluded as maintenance, or chosen by\nanother selector. Name one of its calendars there instead.\n\n    calendar desk by region { eu: eu_desk, us: us_desk }\n    calendar staffed = desk - holidays   # error: use `eu_desk - holidays`";
    RowMismatch = "E0301", "table-shape", Error,
        "a target table row has a different number of cells than the header",
        "Each row of a target table has one cell per column of the header. Write `-`\nfor an explicit \"no guarantee\".\n\n    targets first_response {\n             silver gold\n      sev1   6h            # error: 1 cell for 2 columns\n    }";
    MissingCell = "E0302", "missing-target", Error,
        "a target table leaves out a severity or a tier",
        "A cell left out is not a silent default: every severity must have a row and\nevery tier a column (or use `*`). Write `-` where the contract promises nothing.";
    TypeMismatch = "E0304", "type-mismatch", Error,
        "a value of the wrong kind",
        "Each place takes one kind of value: targets take durations (`4h`, `1bd`) or `-`,\nobjectives and milestones take percentages (`99.5%`), counts take whole numbers,\nprices take money (`$2`).\n\n    objective 4h   # error: expected a percentage";
    InvalidValue = "E0305", "invalid-value", Error,
        "a value is out of range",
        "Percentages of uptime must be at most 100%, durations and counts must not be\nnegative or absurdly large, sampling intervals must be positive.";
    InvalidDeadline = "E0310", "invalid-deadline", Error,
        "a deadline target is not written `Nbd@hh:mm`, `Nbd@end` or `due`",
        "A deadline cell names an instant instead of a length of time:\n\n    1bd@16:00   by 16:00 on the next business day\n    0bd@16:00   by 16:00 on the same business day\n    1bd@end     by the close of the next business day\n    due         by the ticket's own `due_at`\n\nThe count before `@` is in business days (`bd`), from 0 to 1000; after `@` comes a\ntime of day `hh:mm` from `00:00` to `24:00`, or `end`.\n\n    targets resolution {\n            gold\n      sev2  1bd@4pm      # error: write the time as `16:00`\n    }";
    DeadlineNotApplicable = "E0311", "deadline-not-applicable", Error,
        "a `due` target on a metric that runs more than one cycle per ticket",
        "`due` is the ticket's own due date, one instant per ticket. A metric that\n`repeats` (a follow-up after every customer message) or is `periodic` (an\nupdate every few hours) runs many cycles, and every one would share that one\ninstant. Give such a metric a duration (`4h`) or a business-day deadline\n(`1bd@16:00`), which count from each cycle's start.\n\n    targets follow_up {\n            gold\n      sev2  due      # error: `follow_up` repeats\n    }";
    ConflictingClocks = "E0312", "conflicting-clocks", Error,
        "a target table and a severity name different clocks for the same cells",
        "A severity may give one metric its own clock (`clock 24x7 for first_response`),\nand a target table may name the clock of all its cells (`targets first_response\non business`). When both apply to a cell and name different calendars, slate\ndoes not guess which the contract means. Keep one of them.\n\n    severity sev1 \"Critical\" { clock 24x7 for first_response }\n    targets first_response on business {   # error: sev1's cells have two clocks\n            gold\n      sev1  4h\n    }";
    InvalidMetric = "E0401", "invalid-metric", Error,
        "a metric does not say when it starts or stops",
        "A metric needs at least one `starts on EVENT` and one `stops on EVENT` (or a\n`periodic on EVENT` clause).\n\n    metric triage { starts on opened }   # error: never stops";
    InvalidEventFilter = "E0410", "invalid-event-filter", Error,
        "an event filter that never matches or means nothing",
        "`by ACTOR` and `public` / `internal` narrow the events of `starts on`, `stops on`\nand `periodic on`. Actors are `agent`, `customer` and `system`; only messages\n(`opened`, `replied`, `customer_replied`) are public or internal; field changes\n(`status`, `severity`, `tier`) take no filter; `replied` and `acknowledged` are the\nsupport team's, `customer_replied` the customer's.\n\n    stops on replied by customer      # error: a customer message is `customer_replied`\n    stops on resolved public          # error: `resolved` is not a message";
    InvalidReset = "E0411", "invalid-reset", Error,
        "a reset that cannot apply, or an order with nothing to order",
        "`resets when status S` stops the open cycle and starts a new one when the status\nchanges to `S`; a periodic metric cannot be reset. `order stop before reset` (or\n`reset before stop`) needs a `resets when` clause and two different words.\n\n    metric m { starts on opened  stops on resolved  order stop before reset }   # error: no reset";
    MissingSetting = "E0402", "missing-setting", Error,
        "a declaration leaves out a setting it needs",
        "Some declarations mean nothing without one of their settings: an availability\nobjective needs its `objective`, a quota needs its allowance.\n\n    availability product { sampled every 1m }   # error: no `objective 99.9% per calendar month`\n    quota requests { beyond \"billed\" }          # error: no allowance such as `10 per month`";
    TierInversion = "L0301", "tier-inversion", Warning,
        "a higher tier promises a slower target than a lower tier",
        "Tiers are ordered lowest first; a higher tier normally promises at least as much.\nIf the contract really says this, keep it and `allow tier-inversion`.";
    SeverityInversion = "L0302", "severity-inversion", Warning,
        "a more severe level promises a slower target than a less severe one",
        "Severities are declared most severe first; a more severe level normally gets a\nfaster target. If the contract really says this, `allow severity-inversion`.";
    FollowUpFaster = "L0303", "follow-up-before-response", Warning,
        "a follow-up target is shorter than the first-response target",
        "A follow-up is measured after the first response; promising it faster than the\nfirst response usually means the columns were swapped.";
    ResolutionFaster = "L0304", "resolution-before-response", Warning,
        "a resolution target is shorter than the response target",
        "A ticket cannot be resolved before it is answered; a resolution target shorter\nthan the response target usually means the columns were swapped.";
    TargetNotCovered = "L0305", "target-not-covered", Warning,
        "a target cell is written for a type its tier does not cover",
        "A ticket of an issue type that its tier does not cover is answered `not_covered`,\nand one covered `without guarantee` is answered `no_target`, so a target cell for\nthat type and tier never applies. Write `-` there, or fix the `covers` line.\n\n    type chat \"Chat\" { covers gold }\n    targets first_response for chat {\n            silver gold\n      sev1  4h     1h        # warning: `chat` is not covered on `silver`\n    }";
    Unused = "L0401", "unused", Warning,
        "a declaration is never used",
        "A calendar, issue type or metric that nothing refers to is often a typo or a\nleftover. Remove it, use it, or `allow unused`.";
    OverlappingRanges = "L0402", "overlapping-ranges", Warning,
        "open ranges of a calendar overlap",
        "Two ranges of the same day overlap. Overlapping open time is counted once, so\nthis is harmless, but it usually is a typo.";
    HolidayOnClosedDay = "L0403", "holiday-on-closed-day", Warning,
        "a closed date falls on a day the calendar is closed anyway",
        "Closing a date that has no open hours changes nothing. Check the date (is it\nthe observed holiday?) or remove it.";
    UnknownLint = "L0404", "unknown-lint", Warning,
        "`allow` names a lint that does not exist",
        "`allow` takes lint names or codes, such as `allow tier-inversion` or\n`allow L0301`. Errors cannot be allowed.";
    SuppressionWithoutReason = "L0405", "suppression-without-reason", Warning,
        "a `# slate:` suppression gives no reason, names no lint, or cannot be read",
        "A suppression silences named lints on one declaration, and must say why, after\n` -- `. One without a reason does not apply, so the lint it names is still\nreported.\n\n    tier gold { }   # slate: allow L0301 -- the contract promises gold less on purpose\n    tier gold { }   # slate: allow L0301          <- warning: no reason";
    UnusedSuppression = "L0406", "unused-suppression", Warning,
        "a `# slate:` suppression silences nothing",
        "A suppression whose declaration has none of the findings it names is left over\nfrom an earlier version of the policy (or names the wrong code). Remove it, so\nthat it does not hide a future finding by surprise.";
    EndOfDay2359 = "L0407", "end-of-day-2359", Warning,
        "a time range ends at `23:59` where the end of the day is `24:00`",
        "Ranges are half-open: `08:00-23:59` is open until 23:59:00, so the last minute\nof every day is closed, and a ticket opened at 23:59:30 waits for the next\nopening. Contracts that say \"until 23:59\" mean the end of the day: write `24:00`.\n\n    mon-fri 00:00-23:59   # warning: write `00:00-24:00`";
    NeverEvaluated = "L0408", "never-evaluated", Warning,
        "a declaration that nothing evaluates",
        "A `warn` or `escalate` line is a share of a metric's target. On a metric with no\ntarget (no `targets` table, or every cell `-`) it can never fire, so the\nescalation the contract promises is silently missing.\n\n    escalate resolution at 100% to \"Duty manager\"   # warning if `resolution` has no target";
    InconsistentCredits = "L0501", "inconsistent-credits", Warning,
        "a credit table grants less for worse uptime, or leaves a gap below the objective",
        "Service credits normally grow as uptime falls, and start where the objective is\nmissed. A lower threshold with a smaller credit is usually a swapped line; a first\nthreshold below the objective means uptime between the two misses the objective\nand earns nothing.\n\n    objective 99.9% per calendar month\n    credit below 99.5% 10%   # warning: 99.5% to 99.9% earns no credit\n    credit below 99% 5%      # warning: less than for 99.5%";
    QuotaWithoutPeriod = "L0502", "quota-without-period", Warning,
        "a quota does not say what period its allowance renews over",
        "`10 requests` could be per month, per year or for the life of the contract. Write\nthe period the contract gives: `10 requests per month`.";
    BudgetBelowSample = "L0503", "budget-below-sample", Warning,
        "an availability objective's monthly error budget is smaller than one sample",
        "With `objective 99.999%` and samples every minute, a 28-day month allows 24 seconds\nof downtime: a single failed one-minute sample misses the objective. Either the\nobjective has a digit too many or the monitor must sample more often.\n\n    objective 99.999% per calendar month\n    sampled every 1m   # warning: the budget is 24s";
}
