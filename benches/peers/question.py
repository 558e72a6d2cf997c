"""The one-metric question both peers answer, as `first_response.sla` states
it: first response on Mon-Fri 09:00-17:00 America/New_York, targets in
hours by (severity, tier). Shared by the pandas and polars scripts."""

DAY = 8 * 3600
OPEN = 9 * 3600
CLOSE = 17 * 3600
ZONE = "America/New_York"
TARGET_HOURS = {
    ("sev1", "standard"): 4, ("sev1", "gold"): 2, ("sev1", "platinum"): 1,
    ("sev2", "standard"): 16, ("sev2", "gold"): 8, ("sev2", "platinum"): 4,
    ("sev3", "standard"): 24, ("sev3", "gold"): 16, ("sev3", "platinum"): 8,
}
FMT = "%Y-%m-%dT%H:%M:%SZ"
