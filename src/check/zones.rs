//! Suggestions for time zones that are not IANA names: a small table of
//! common descriptions and abbreviations, then case and spelling
//! differences against every zone chrono-tz knows.

use super::close_name;
use chrono_tz::TZ_VARIANTS;

/// Descriptions and abbreviations people write instead of a zone name,
/// normalized (lowercase letters and digits only), with the zone meant.
/// Abbreviations are ambiguous in general; these are their usual meaning
/// in support contracts.
const COMMON: &[(&str, &str)] = &[
    ("centralus", "America/Chicago"),
    ("uscentral", "America/Chicago"),
    ("central", "America/Chicago"),
    ("centraltime", "America/Chicago"),
    ("centralstandardtime", "America/Chicago"),
    ("cst", "America/Chicago"),
    ("cdt", "America/Chicago"),
    ("ct", "America/Chicago"),
    ("easternus", "America/New_York"),
    ("useastern", "America/New_York"),
    ("eastern", "America/New_York"),
    ("easterntime", "America/New_York"),
    ("easternstandardtime", "America/New_York"),
    ("edt", "America/New_York"),
    ("et", "America/New_York"),
    ("mountainus", "America/Denver"),
    ("usmountain", "America/Denver"),
    ("mountain", "America/Denver"),
    ("mountaintime", "America/Denver"),
    ("mountainstandardtime", "America/Denver"),
    ("mdt", "America/Denver"),
    ("mt", "America/Denver"),
    ("pacificus", "America/Los_Angeles"),
    ("uspacific", "America/Los_Angeles"),
    ("pacific", "America/Los_Angeles"),
    ("pacifictime", "America/Los_Angeles"),
    ("pacificstandardtime", "America/Los_Angeles"),
    ("pst", "America/Los_Angeles"),
    ("pdt", "America/Los_Angeles"),
    ("pt", "America/Los_Angeles"),
    ("alaska", "America/Anchorage"),
    ("akst", "America/Anchorage"),
    ("hawaii", "Pacific/Honolulu"),
    ("hst", "Pacific/Honolulu"),
    ("easterneuropeantime", "Europe/Helsinki"),
    ("easterneurope", "Europe/Helsinki"),
    ("eet", "Europe/Helsinki"),
    ("eest", "Europe/Helsinki"),
    ("centraleuropeantime", "Europe/Paris"),
    ("centraleurope", "Europe/Paris"),
    ("cet", "Europe/Paris"),
    ("cest", "Europe/Paris"),
    ("westerneuropeantime", "Europe/Lisbon"),
    ("wet", "Europe/Lisbon"),
    ("bst", "Europe/London"),
    ("britishtime", "Europe/London"),
    ("uk", "Europe/London"),
    ("gmt", "UTC"),
    ("utc", "UTC"),
    ("zulu", "UTC"),
    ("universal", "UTC"),
    ("ist", "Asia/Kolkata"),
    ("indianstandardtime", "Asia/Kolkata"),
    ("india", "Asia/Kolkata"),
    ("jst", "Asia/Tokyo"),
    ("japan", "Asia/Tokyo"),
    ("sgt", "Asia/Singapore"),
    ("hkt", "Asia/Hong_Kong"),
    ("aest", "Australia/Sydney"),
    ("australianeastern", "Australia/Sydney"),
    ("awst", "Australia/Perth"),
    ("nzst", "Pacific/Auckland"),
    ("brt", "America/Sao_Paulo"),
    ("brasilia", "America/Sao_Paulo"),
];

/// Geographic areas whose zones are preferred over aliases (`US/Central`).
const AREAS: &[&str] = &[
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
];

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn zone_names() -> impl Iterator<Item = &'static str> + Clone {
    TZ_VARIANTS.iter().map(|tz| tz.name())
}

fn preferred(name: &str) -> bool {
    AREAS.iter().any(|a| name.starts_with(a))
}

/// The city part of a zone name (`New_York` of `America/New_York`).
fn city(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// The IANA zone most likely meant by `input`, if any is close.
pub(crate) fn suggest(input: &str) -> Option<&'static str> {
    let key = normalize(input);
    if let Some((_, zone)) = COMMON.iter().find(|(k, _)| *k == key) {
        return Some(zone);
    }
    // Same name in another case or spacing: `america/new york`.
    let same = |f: &dyn Fn(&str) -> String| {
        let mut hits: Vec<&'static str> = zone_names().filter(|z| f(z) == key).collect();
        hits.sort_by_key(|z| (!preferred(z), *z));
        hits.first().copied()
    };
    if let Some(z) = same(&|z| normalize(z)) {
        return Some(z);
    }
    if let Some(z) = same(&|z| normalize(city(z))) {
        return Some(z);
    }
    if let Some(z) = close_name(input, zone_names()) {
        return Some(z);
    }
    let cities: Vec<&'static str> = zone_names().filter(|z| preferred(z)).collect();
    let close = close_name(&input.replace(' ', "_"), cities.iter().map(|z| city(z)))?;
    cities.into_iter().find(|z| city(z) == close)
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn descriptions_and_abbreviations() {
        assert_eq!(suggest("Central US"), Some("America/Chicago"));
        assert_eq!(suggest("US Central"), Some("America/Chicago"));
        assert_eq!(suggest("Central Time"), Some("America/Chicago"));
        assert_eq!(suggest("Eastern European Time"), Some("Europe/Helsinki"));
        assert_eq!(suggest("IST"), Some("Asia/Kolkata"));
        assert_eq!(suggest("Pacific Time"), Some("America/Los_Angeles"));
    }

    #[test]
    fn spelling_case_and_cities() {
        assert_eq!(suggest("America/Chicgo"), Some("America/Chicago"));
        assert_eq!(suggest("america/new_york"), Some("America/New_York"));
        assert_eq!(suggest("New York"), Some("America/New_York"));
        assert_eq!(suggest("Helsinky"), Some("Europe/Helsinki"));
        assert_eq!(suggest("qqqqqqqqqqqqqqqqqqqqq"), None);
    }
}
