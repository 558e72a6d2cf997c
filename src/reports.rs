//! Uptime and usage on the front door: [`Compiled::availability`],
//! [`Compiled::uptime`] and [`Compiled::meter`] give the typed figures
//! `slate uptime` and `slate usage` print (the CLI goes through them).

use crate::ir::Availability;
use crate::uptime::{self, Month, MonthFigures, Observed, UptimeError};
use crate::usage::{Charge, Meter, UsageKind};
use crate::Compiled;

impl Compiled {
    /// The availability block called `name`, or the policy's only one when
    /// `name` is `None`.
    pub fn availability(&self, name: Option<&str>) -> Result<&Availability, UptimeError> {
        let all = &self.policy.availability;
        let known = || all.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
        match (name, all.as_slice()) {
            (_, []) => Err(UptimeError::NoAvailability {
                policy: self.policy.name.clone(),
            }),
            (None, [one]) => Ok(one),
            (None, _) => Err(UptimeError::SeveralAvailability { known: known() }),
            (Some(n), _) => {
                all.iter()
                    .find(|a| a.name == n)
                    .ok_or_else(|| UptimeError::UnknownAvailability {
                        name: n.to_string(),
                        known: known(),
                    })
            }
        }
    }

    /// Monthly uptime of the availability block `availability` (or the only
    /// one) for what the monitor saw: one [`MonthFigures`] per month of
    /// `months`, or, when `months` is `None`, of every month (in the block's
    /// zone) that `observed` touches. The rules are in
    /// [`crate::uptime`] and `docs/language.md`; `slate uptime` prints these
    /// figures.
    ///
    /// ```
    /// use slate::uptime::{Month, Observed, Window};
    /// let compiled = slate::compile(&slate::SourceFile::new("up.sla", r#"
    /// policy "Up" { calendar always }
    /// calendar always = 24x7
    /// severity high "High"
    /// tiers basic
    /// targets first_response {
    ///         basic
    ///   high  1h
    /// }
    /// availability api {
    ///   objective 99.5% per calendar month
    ///   zone "UTC"
    ///   maintenance counts as up
    /// }
    /// "#))?;
    /// // 222 minutes down in March 2024 (31 days: 44,640 minutes).
    /// let start = "2024-03-10T10:00:00Z".parse()?;
    /// let observed = Observed {
    ///     down: vec![Window { start, end: start + chrono::Duration::minutes(222) }],
    ///     ..Observed::default()
    /// };
    /// let months = compiled.uptime(None, &observed, None)?;
    /// assert_eq!(months.len(), 1);
    /// assert_eq!(months[0].month, Month::parse("2024-03").expect("a month"));
    /// // (44,640 - 222) / 44,640 = 99.5026...%: printed 99.503%, objective met.
    /// assert_eq!(months[0].uptime.to_string(), "99.503%");
    /// assert!(months[0].met);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn uptime(
        &self,
        availability: Option<&str>,
        observed: &Observed,
        months: Option<&[Month]>,
    ) -> Result<Vec<MonthFigures>, UptimeError> {
        let block = self.availability(availability)?;
        let spanned;
        let months = match months {
            Some(m) => m,
            None => {
                spanned = uptime::months_spanned(block, observed)?;
                &spanned
            }
        };
        uptime::monthly(block, self, observed, months)
    }

    /// A meter counting usage rows of `kind` against the policy's quotas:
    /// [`Meter::record`] each row (it answers what is beyond an allowance
    /// and what that costs), then [`Meter::finish`] gives one
    /// [`crate::usage::PeriodFigures`] per account, quota and period. `rate`
    /// is the hourly rate of requests billed by time. `slate usage` prints
    /// these figures.
    ///
    /// ```
    /// use slate::usage::{UsageKind, UsageRow};
    /// let compiled = slate::compile(&slate::SourceFile::new("users.sla", r#"
    /// policy "Users" { calendar always }
    /// calendar always = 24x7
    /// severity high "High"
    /// tiers free
    /// targets first_response {
    ///         free
    ///   high  1h
    /// }
    /// quota community_users {
    ///   10 users per month
    ///   tiers free
    ///   overage $2 per user
    /// }
    /// "#))?;
    /// let free = compiled.policy().tier_named("free").expect("a tier");
    /// let mut meter = compiled.meter(UsageKind::Users, None);
    /// for n in 1..=14 {
    ///     meter.record(&UsageRow {
    ///         account: "project-a".into(),
    ///         tier: free,
    ///         at: "2024-02-05T12:00:00Z".parse()?,
    ///         quota: None,
    ///         user: Some(format!("user{n}")),
    ///         seconds: None,
    ///     })?;
    /// }
    /// let periods = meter.finish();
    /// // 14 users, 10 free: 4 x $2.
    /// assert_eq!((periods[0].used, periods[0].over), (14, 4));
    /// assert_eq!(periods[0].charge.as_ref().map(|c| c.to_string()).as_deref(), Some("$8.00"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn meter(&self, kind: UsageKind, rate: Option<Charge>) -> Meter<'_> {
        Meter::new(&self.policy, kind, rate)
    }
}
